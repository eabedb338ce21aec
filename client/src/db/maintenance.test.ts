// @vitest-environment node
// The library's upkeep when indexing settles (maintenance.ts), on a real PGlite: the GIN indexes' pending lists,
// which every search reads, are merged into the indexes; the VACUUM alone (index cleanup off) leaves them.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi } from './api.ts';
import { makeMaintenanceQueries } from './maintenance.ts';
import { openTestDatabase } from './testing.ts';

const GIN_INDEXES = ['scenes_tsv_idx', 'scenes_ocr_trgm_idx'];

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

  it('keeps each pending list small between tidies: 512 kB on every GIN index of the scenes (migration 0012)', async () => {
    // A video's stage writes fill the lists between tidies; at the default 4 MB, 2000 rewritten scenes of the 100k
    // bench library slowed words-only search from p50 ~10 to ~15 ms.
    const { rows } = await pg.query<{ name: string; options: string[] | null }>(`
      select c.relname as name, c.reloptions as options from pg_index i join pg_class c on c.oid = i.indexrelid
      join pg_am am on am.oid = c.relam where i.indrelid = 'scenes'::regclass and am.amname = 'gin' order by 1`);
    expect(rows).toEqual([...GIN_INDEXES].sort().map((name) => ({ name, options: ['gin_pending_list_limit=512'] })));
    // The limit holds as scenes are written: 2000 scenes' entries (over 512 kB) leave at most 64 pages in a list.
    const api = makeDbApi(pg, LOCAL_USER_ID);
    const { videoId } = await api.createVideo({ title: 'v', fileName: 'v.mp4', sizeBytes: 1, mime: 'video/mp4', contentSha256: 'sha' });
    await pg.query(
      `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text)
       select $1, $2, g, g, g + 1, 'the harbor festival opens at noon ' || g, 'TICKETS FOR THE HARBOR FESTIVAL ON SALE NOW ' || md5(g::text) || ' ' || g
       from generate_series(0, 1999) g`,
      [videoId, LOCAL_USER_ID],
    );
    for (const index of GIN_INDEXES) {
      const { rows: meta } = await pg.query<{ pages: number }>(`select n_pending_pages::int as pages from gin_metapage_info(get_raw_page($1, 0))`, [index]);
      expect(meta[0]!.pages, index).toBeLessThanOrEqual(64);
    }
  });
});
