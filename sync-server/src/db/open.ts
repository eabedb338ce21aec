import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { migrationsFolder } from '@heimdex/shared-schema/node';
import { PGLITE_BYTEA } from '@heimdex/shared-schema/pglite-bytea';
import { fillOcrWords } from '@heimdex/shared-schema/search';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { selectRows } from './rows.ts';

export type Database = ReturnType<typeof drizzlePglite> | ReturnType<typeof drizzlePostgres>;

export interface OpenDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Round-trips a trivial query; false when the database does not answer. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Postgres when a URL is given, else embedded PGlite (a directory, or in memory for `memory://`). */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; poolMax?: number }): Promise<OpenDatabase> {
  if (opts.databaseUrl) {
    const client = postgres(opts.databaseUrl, { onnotice: () => {}, ...(opts.poolMax ? { max: opts.poolMax } : {}) });
    const db = drizzlePostgres(client);
    await migratePostgres(db, { migrationsFolder });
    await fillOcrWords((q) => selectRows(db, q));
    return wrap(db, 'postgres', () => client.end());
  }
  let dataDir = opts.dataDir;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    dataDir = join(dataDir, 'pglite');
  }
  const pg = await PGlite.create({ dataDir, extensions: { vector, pg_trgm }, ...PGLITE_BYTEA });
  const db = drizzlePglite(pg);
  await migratePglite(db, { migrationsFolder });
  await fillOcrWords((q) => selectRows(db, q));
  return wrap(db, 'pglite', () => pg.close());
}

function wrap(db: Database, kind: OpenDatabase['kind'], close: () => Promise<void>): OpenDatabase {
  return {
    db,
    kind,
    close,
    async ping() {
      try {
        await db.execute(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
  };
}
