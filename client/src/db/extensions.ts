// What every Heimdex database is opened with: the PostgreSQL extensions (the migrations create vector and pg_trgm;
// prewarm.ts creates pageinspect, which reads index pages into the page cache as a library opens) and bytea read
// and written without PGlite's slow per-byte defaults (shared-schema's pglite-bytea).
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLITE_BYTEA } from '@heimdex/shared-schema/pglite-bytea';

export const DB_EXTENSIONS = { vector, pg_trgm, pageinspect };

/** PGlite.create options of every database the app (and its tests and bench) opens. */
export const DB_OPTIONS = { extensions: DB_EXTENSIONS, ...PGLITE_BYTEA };
