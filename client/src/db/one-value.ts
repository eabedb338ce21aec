// A search's lists as one value: PGlite reads each field of each row apart in JavaScript (a copy and a text decode
// each), so a list of 100 rows costs more to read than to find. Run as one JSON array it came back sooner (100k
// bench library, interleaved in rotating order, p50: full text 3.43 → 3.28 ms, nearest neighbours 4.25 → 4.16).
import type { RunRows } from '@heimdex/shared-schema/search';
import { sql, type SQL } from 'drizzle-orm';

/**
 * A statement of many rows whose columns JSON carries as they are (text, uuid, numbers, booleans, arrays of those;
 * not bytea or timestamps) as one row, its rows as one JSON array (oneValueRows reads them back). json_agg over the
 * one subquery reads the rows in the statement's own order (its ORDER BY), which is a list's rank.
 */
export const oneValueQuery = (query: SQL): SQL => sql`select coalesce(json_agg(r), '[]') as rows from (${query}) r`;

/** The rows of a oneValueQuery, from the rows it returned. */
export const oneValueRows = <T>(rows: readonly unknown[]): T[] => (rows[0] as { rows: T[] }).rows;

/** `run` for statements of many rows, read as one value (see oneValueQuery). */
export const asOneValue =
  (run: RunRows): RunRows =>
  async <T extends Record<string, unknown>>(query: SQL) =>
    oneValueRows<T>(await run(oneValueQuery(query)));
