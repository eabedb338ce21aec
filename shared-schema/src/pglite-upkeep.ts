// Upkeep a PGlite database needs from its user, on both sides (the app's library, the sync server's embedded
// database): PGlite runs no autovacuum, and the VACUUM each side runs skips index cleanup (see its caller), the step
// that also merges a GIN index's pending list.
import { sql } from 'drizzle-orm';

/**
 * Merges every GIN index's pending list into the index proper; one row, `pages`: the pending pages merged. A GIN
 * index queues new entries in its pending list (fastupdate) until it reaches gin_pending_list_limit (4 MB), and
 * every search through the index reads the whole list. On the 100k bench library (PGlite in Node), after 2000 of its
 * scenes were rewritten as indexing rewrites them (ten videos' worth; 130–160 pending pages in each of the scenes'
 * three GIN indexes), words-only search took p50 14.2 / p95 20.1 ms against 9.0 / 10.4 before, and 8.9 / 11.3 once
 * merged (`npm run bench`, its "just rewritten" and "after the app's tidy" rows: 14.7 / 19.5 and 10.3 / 14.5). On a
 * server's own Postgres, autovacuum does this.
 */
export const MERGE_GIN_PENDING_LISTS = sql`
  select coalesce(sum(gin_clean_pending_list(c.oid::regclass)), 0)::int as pages
  from pg_class c join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
  where a.amname = 'gin' and c.relkind = 'i' and n.nspname = current_schema()`;
