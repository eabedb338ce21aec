// The PostgreSQL extensions every Heimdex database is opened with (the migrations create them).
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';

export const DB_EXTENSIONS = { vector, pg_trgm };
