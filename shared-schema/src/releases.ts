// Test support for upgrades and restores: a database as an earlier release of the app left it, i.e. with the
// first `count` migrations applied and no more (drizzle's own migrator always goes to the newest).
import type { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { migrationsFolder } from './node.ts';

/** Applies the first `count` migrations of the journal to `pg`. */
export async function migrateThrough(pg: PGlite, count: number): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder }).slice(0, count);
  await new PgDialect().migrate(migrations, drizzle(pg)._.session as unknown as PgSession, { migrationsFolder });
}
