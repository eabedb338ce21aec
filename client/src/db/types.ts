// The drizzle handles of the DB worker's repositories, declared once: every module's transactions
// must be the same type for one module's helpers to write inside another's transaction.
import type { PgliteDatabase } from 'drizzle-orm/pglite';

/** No relational schema: queries name the tables of @heimdex/shared-schema directly. */
export type Db = PgliteDatabase<Record<string, never>>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** The database or one of its transactions. */
export type Queryable = Db | Tx;
/** What raw-SQL helpers need, so that a caller can pass its transaction in. */
export type Executor = Pick<Db, 'execute'>;
