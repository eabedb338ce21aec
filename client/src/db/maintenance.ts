// Upkeep the server's Postgres gets from autovacuum and an app's PGlite never does (it runs no background workers):
// every stage rewrites a scene row (transcript, on-screen text, vectors, thumbnail), so without VACUUM the old
// versions stay in the tables' pages, without ANALYZE the planner keeps the row counts of an empty library and
// picks its plans for that, and the full-text and trigram indexes keep the rows written since in pending lists that
// every search reads (MERGE_GIN_PENDING_LISTS).
import { MERGE_GIN_PENDING_LISTS } from '@heimdex/shared-schema/pglite-upkeep';
import { sql } from 'drizzle-orm';
import type { Db } from './types.ts';

/** The tables indexing writes. */
const TABLES = ['scenes', 'faces', 'transcript_segments', 'scene_people', 'face_profiles', 'scene_words', 'jobs', 'videos'];

/**
 * VACUUM without index cleanup: clearing the old versions' index entries repairs the HNSW graph around each one,
 * and the DB worker answers nothing while it runs — 30 s for 10k rewritten scenes of the 100k bench library, where
 * this takes 0.6 s (and ~0.9 s after one video's 200 scenes: ANALYZE's sample of 30,000 rows a table is most of it).
 * The entries stay, as they did before any VACUUM ran; the pages' old row versions and the statistics are what this
 * keeps in order.
 */
const TIDY = sql.raw(`vacuum (analyze, index_cleanup off) ${TABLES.join(', ')}`);

export function makeMaintenanceQueries(db: Db) {
  /** MERGE_GIN_PENDING_LISTS alone, when few rows were written (sync/engine.ts); part of tidyTables. */
  async function mergePendingLists(): Promise<void> {
    await db.execute(MERGE_GIN_PENDING_LISTS);
  }
  return {
    /** See TIDY and MERGE_GIN_PENDING_LISTS; run when indexing settles (never inside a transaction). */
    async tidyTables(): Promise<void> {
      await db.execute(TIDY);
      await mergePendingLists();
    },
    mergePendingLists,
  };
}
