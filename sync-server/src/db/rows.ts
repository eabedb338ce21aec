import type { SQL } from 'drizzle-orm';
import type { Db } from './types.ts';

/**
 * The rows of a raw statement on either driver: PGlite answers `{ rows }`, postgres.js the row list itself.
 * For statements the query builder cannot express (the shared search statements).
 */
export async function selectRows<T extends object>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
