import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Journal } from './migrations.ts';

/** The drizzle-kit output folder, for the Node migrators (PGlite and postgres.js). */
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** The journal and every migration's SQL text by file name: what the browser gets bundled, read from disk. */
export function readMigrations(): { journal: Journal; files: Record<string, string> } {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as Journal;
  const files = Object.fromEntries(
    readdirSync(migrationsFolder)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => [name, readFileSync(join(migrationsFolder, name), 'utf8')]),
  );
  return { journal, files };
}
