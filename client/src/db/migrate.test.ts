// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Journal } from '@heimdex/shared-schema/migrations';
import { migrationsFolder } from '@heimdex/shared-schema/node';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { expect, it } from 'vitest';
import { applyMigrations } from './migrate.ts';

it('applies the bundled migrations like the Node migrator does (same bookkeeping, idempotent)', async () => {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as Journal;
  // Keys shaped like Vite's import.meta.glob output.
  const files = Object.fromEntries(
    readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => [`../../../shared-schema/migrations/${f}`, readFileSync(`${migrationsFolder}/${f}`, 'utf8')]),
  );
  const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
  await applyMigrations(pg, journal, files);
  await applyMigrations(pg, journal, files);
  await migrate(drizzle(pg), { migrationsFolder }); // the Node migrator sees nothing left to do
  const applied = await pg.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
  expect(applied.rows[0]!.n).toBe(journal.entries.length);
  const tables = await pg.query<{ t: string }>(`select to_regclass('public.scenes')::text as t`);
  expect(tables.rows[0]!.t).toBe('scenes');
  await pg.close();
});
