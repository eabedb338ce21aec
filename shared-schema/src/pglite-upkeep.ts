// Upkeep a PGlite database needs from its user, on both sides (the app's library, the sync server's embedded
// database): PGlite runs no autovacuum, and the VACUUM each side runs skips index cleanup (see its caller), the step
// that also merges a GIN index's pending list.
import { sql } from 'drizzle-orm';

/**
 * Merges every GIN index's pending list into the index proper; one row, `pages`: the pending pages merged. A GIN
 * index queues new entries in its pending list (fastupdate) until it reaches gin_pending_list_limit (512 kB on the
 * scenes' indexes since migration 0012, 4 MB by default), and every search through the index reads the whole list.
 * Measured before that limit, on the 100k bench library (PGlite in Node): after 2000 of its scenes were rewritten as
 * indexing rewrites them (ten videos' worth; 130–160 pending pages in each of the scenes' GIN indexes), words-only
 * search took p50 14.2 / p95 20.1 ms against 9.0 / 10.4 before, and 8.9 / 11.3 once merged. On a server's own
 * Postgres, autovacuum does this.
 */
export const MERGE_GIN_PENDING_LISTS = sql`
  select coalesce(sum(gin_clean_pending_list(c.oid::regclass)), 0)::int as pages
  from pg_class c join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
  where a.amname = 'gin' and c.relkind = 'i' and n.nspname = current_schema()`;
