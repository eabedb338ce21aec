// @vitest-environment node
// The library's upkeep when indexing settles (maintenance.ts), on a real PGlite: the GIN indexes' pending lists,
// which every search reads, are merged into the indexes; the VACUUM alone (index cleanup off) leaves them.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi } from './api.ts';
import { makeMaintenanceQueries } from './maintenance.ts';
import { openTestDatabase } from './testing.ts';

const GIN_INDEXES = ['scenes_tsv_idx', 'scenes_transcript_trgm_idx', 'scenes_ocr_trgm_idx'];

let pg: PGlite;
beforeEach(async () => {
  pg = await openTestDatabase();
  await pg.exec('create extension if not exists pageinspect');
});
afterEach(async () => pg.close());

/** Rows waiting in each GIN index's pending list. */
async function pendingTuples(): Promise<Record<string, number>> {
  const pending: Record<string, number> = {};
  for (const index of GIN_INDEXES) {
    const { rows } = await pg.query<{ n: number }>(`select n_pending_tuples::int as n from gin_metapage_info(get_raw_page($1, 0))`, [index]);
    pending[index] = rows[0]!.n;
  }
  return pending;
}

describe('tidying the tables when indexing settles', () => {
  it('merges the pending lists of the full-text and trigram indexes, which VACUUM without index cleanup leaves', async () => {
    const api = makeDbApi(pg, LOCAL_USER_ID);
    const { videoId } = await api.createVideo({ title: 'v', fileName: 'v.mp4', sizeBytes: 1, mime: 'video/mp4', contentSha256: 'sha' });
    await pg.query(
      `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text)
       select $1, $2, g, g, g + 1, 'the harbor festival opens at noon ' || g, 'TICKETS ' || g from generate_series(0, 199) g`,
      [videoId, LOCAL_USER_ID],
    );
    const written = await pendingTuples();
    for (const index of GIN_INDEXES) expect(written[index], index).toBeGreaterThan(0);

    await pg.exec('vacuum (analyze, index_cleanup off) scenes');
    expect(await pendingTuples()).toEqual(written);

    await makeMaintenanceQueries(drizzle(pg)).tidyTables();
    expect(await pendingTuples()).toEqual(Object.fromEntries(GIN_INDEXES.map((index) => [index, 0])));
    // Merged, not lost: the rows are found through the indexes themselves.
    await pg.exec('set enable_seqscan = off');
    const found = await pg.query<{ words: number; trigrams: number }>(`
      select (select count(*) from scenes where search_tsv @@ to_tsquery('english', 'festival'))::int as words,
             (select count(*) from scenes where ocr_text ilike '%ticket%')::int as trigrams`);
    expect(found.rows[0]).toEqual({ words: 200, trigrams: 200 });
  });
});
