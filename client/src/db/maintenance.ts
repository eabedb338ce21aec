// Upkeep the server's Postgres gets from autovacuum and an app's PGlite never does (it runs no background workers):
// every stage rewrites a scene row (transcript, on-screen text, vectors, thumbnail), so without VACUUM the old
// versions stay in the tables and every search steps over them, and without ANALYZE the planner keeps the row
// counts of an empty library and picks its plans for that.
import { sql } from 'drizzle-orm';
import type { Db } from './types.ts';

/**
 * The tables indexing writes. VACUUM reads only the pages changed since it last ran (the visibility map), ANALYZE a
 * sample of at most 30,000 rows a table: measured on the 100k-scene bench library in bench/search.ts.
 */
const TABLES = ['scenes', 'faces', 'transcript_segments', 'scene_people', 'face_profiles', 'scene_words', 'jobs', 'videos'];

export function makeMaintenanceQueries(db: Db) {
  return {
    /** VACUUM (ANALYZE) of the tables indexing writes; run when indexing settles (never inside a transaction). */
    async tidyTables(): Promise<void> {
      await db.execute(sql.raw(`vacuum (analyze) ${TABLES.join(', ')}`));
    },
  };
}
