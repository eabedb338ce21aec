import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Either driver's database (PGlite embedded, postgres.js for Postgres): what repositories take. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
