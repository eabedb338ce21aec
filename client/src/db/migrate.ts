// Applies the shared-schema migrations to a PGlite database from their SQL text, so it works where
// there is no file system (the DB worker). It records them in drizzle's own __drizzle_migrations
// table exactly as drizzle-orm/pglite/migrator does in Node: the two are interchangeable on one
// database and applying twice is a no-op.
import type { PGlite } from '@electric-sql/pglite';
import { buildMigrations, type Journal } from '@heimdex/shared-schema/migrations';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';

/** `files` maps a migration file's path or name (`…/0001_initial.sql`) to its SQL text. */
export async function applyMigrations(pg: PGlite, journal: Journal, files: Record<string, string>): Promise<void> {
  const byTag = Object.fromEntries(
    Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.sql$/, ''), text]),
  );
  const migrations = await buildMigrations(journal, byTag);
  const db = drizzle(pg);
  // PgDialect#migrate is what drizzle's own migrators call; only the file reading differs. (Its
  // declared session type does not accept a typed database's session, hence the widening.)
  const session = db._.session as unknown as PgSession;
  await new PgDialect().migrate(migrations, session, { migrationsFolder: '(bundled)' });
}
