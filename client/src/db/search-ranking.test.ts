// @vitest-environment node
// The full-text list ranks a bounded set of matches (RANKED_MATCHES per tier, see rankedMatches in
// shared-schema/src/search/sql.ts). On a real in-memory PGlite: what it keeps of the exact ranking (every match
// read and ranked) and what it gives up, on a library with more matches than the bound.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/pglite';
import { CANDIDATES, correctedQuery, filtersOf, fullTextList, fullTextListOf, fullTextQuery, parseQuery, RANKED_MATCHES, SOME_TERMS_RANKED, type FullTextRow } from '@heimdex/shared-schema/search';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { LOCAL_USER_ID } from './api.ts';
import { openTestDatabase } from './testing.ts';

let pg: PGlite;
const where = () => filtersOf(LOCAL_USER_ID, parseQuery(''), new Map());
const list = async (query: SQL) => (await drizzle(pg).execute<{ scene_id: string }>(query)).rows.map((r) => r.scene_id);
const fullText = async (words: string[]) => (await fullTextList(words, where(), async (query) => (await drizzle(pg).execute(query)).rows as never)).ids;

/** The exact ranking, every match read: all the words first, then ts_rank_cd over any of them. */
async function exact(words: string[]): Promise<string[]> {
  const any = words.join(' | ');
  const all = words.join(' & ');
  const { rows } = await pg.query<{ scene_id: string }>(
    `select scene_id from scenes where user_id = $1 and not deleted and search_tsv @@ to_tsquery('english', $2)
     order by (search_tsv @@ to_tsquery('english', $3)) desc, ts_rank_cd(search_tsv, to_tsquery('english', $2)) desc, scene_id
     limit ${CANDIDATES}`,
    [LOCAL_USER_ID, any, all],
  );
  return rows.map((r) => r.scene_id);
}

/** Scenes in table order: `count` rows of `text`. */
async function addScenes(videoId: string, from: number, count: number, text: string): Promise<void> {
  await pg.query(
    `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript)
     select $1, $2, i, i * 5, i * 5 + 5, $3 from generate_series($4::int, $4::int + $5::int - 1) i`,
    [videoId, LOCAL_USER_ID, text, from, count],
  );
}

const sceneWith = async (text: string) =>
  (await pg.query<{ scene_id: string }>('select scene_id from scenes where transcript = $1', [text])).rows.map((r) => r.scene_id);

beforeAll(async () => {
  pg = await openTestDatabase();
  const { rows } = await pg.query<{ video_id: string }>(
    `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state) values ($1, 'Walks', 'walks.mp4', 1, 'sha', 'INDEXED') returning video_id`,
    [LOCAL_USER_ID],
  );
  const video = rows[0]!.video_id;
  // More scenes with one of the words than the bound, stored first; then a few with both words; then one that
  // says one word many times (a high ts_rank_cd) stored after the bound's worth of one-word scenes.
  await addScenes(video, 0, RANKED_MATCHES + 200, 'a heron by the lake');
  await addScenes(video, 5000, 3, 'a heron and an otter by the lake');
  await addScenes(video, 5100, 2, 'the otter and the heron swim, heron heron');
  await addScenes(video, 5200, 1, 'heron heron heron heron on the shore');
  await addScenes(video, 5300, 40, 'an otter in the reeds');
  await pg.exec('analyze scenes');
}, 60_000);

afterAll(async () => {
  await pg?.close();
});

describe('the bounded full-text ranking', () => {
  it('puts every scene with all the words first, in the exact order, though one-word matches exceed the bound', async () => {
    const bounded = await fullText(['heron', 'otter']);
    const reference = await exact(['heron', 'otter']);
    expect(bounded).toHaveLength(CANDIDATES);
    expect(bounded.slice(0, 5)).toEqual(reference.slice(0, 5));
    expect(new Set(bounded.slice(0, 5))).toEqual(new Set([...(await sceneWith('a heron and an otter by the lake')), ...(await sceneWith('the otter and the heron swim, heron heron'))]));
    // The two scenes that say "heron" more often rank first among the all-words ones, as ts_rank_cd has it.
    expect(new Set(bounded.slice(0, 2))).toEqual(new Set(await sceneWith('the otter and the heron swim, heron heron')));
  });

  it('ranks only the first SOME_TERMS_RANKED scenes with some of the words: a strong one stored after them is what it gives up', async () => {
    const strong = (await sceneWith('heron heron heron heron on the shore'))[0]!;
    expect(RANKED_MATCHES + 200).toBeGreaterThan(SOME_TERMS_RANKED);
    expect(await exact(['heron', 'otter'])).toContain(strong);
    expect(await fullText(['heron', 'otter'])).not.toContain(strong);
  });

  it('is the exact ranking when the matches fit in the bound', async () => {
    expect(await fullText(['otter'])).toEqual(await exact(['otter']));
    expect(await list(correctedQuery(['otterr'], new Map([['otterr', ['otter']]]), where())!)).toEqual(await exact(['otter']));
    expect(await fullText(['otter', 'reeds'])).toEqual(await exact(['otter', 'reeds']));
  });

  it('ranks the corrections of a misspelt word with the query’s other words: scenes holding both first', async () => {
    const typos = new Map([['otterr', ['otter', 'otters']]]);
    // The same list as the words spelt right (one of the corrections is what was meant).
    expect(await list(correctedQuery(['heron', 'otterr'], typos, where())!)).toEqual(await fullText(['heron', 'otter']));
    expect(correctedQuery(['heron', 'otter'], new Map(), where())).toBeNull();
  });

  it('asked for fewer rows, gives the first of the whole list, and reads no scene of some of the words when every-word scenes fill them', async () => {
    const rows = async (wanted: number) => (await drizzle(pg).execute<FullTextRow>(fullTextQuery(['heron', 'otter'], where(), wanted))).rows;
    const whole = await fullText(['heron', 'otter']);
    for (const wanted of [3, 5, 8]) expect((await rows(wanted)).map((r) => r.scene_id), String(wanted)).toEqual(whole.slice(0, wanted));
    // 5 scenes say both words: a list of 3 or 5 is theirs alone and whole only when it came back shorter.
    expect(fullTextListOf(await rows(5), 5).whole).toBe(false);
    expect(fullTextListOf(await rows(8), 8)).toMatchObject({ everyTerm: 5, whole: false });
    expect(fullTextListOf(await rows(5), CANDIDATES).whole).toBe(true);
    const onlyOtter = await drizzle(pg).execute<FullTextRow>(fullTextQuery(['otter', 'shore'], where(), 60));
    expect(fullTextListOf(onlyOtter.rows, 60)).toMatchObject({ everyTerm: 0, whole: true });
    // The some-words tier (the scan of scenes with a word but not every word) runs only when the first is short.
    const tiersRead = async (wanted: number) => {
      const { sql: text, params } = new PgDialect().sqlToQuery(fullTextQuery(['heron', 'otter'], where(), wanted));
      const { rows: plan } = await pg.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off, timing off, summary off) ${text}`, params);
      const scans = plan.map((r) => r['QUERY PLAN']).filter((line) => /Scan(?: using \S+)? on scenes s/.test(line));
      expect(scans, String(wanted)).toHaveLength(2);
      return scans.filter((line) => !line.includes('never executed')).length;
    };
    expect(await tiersRead(5)).toBe(1);
    expect(await tiersRead(6)).toBe(2);
    expect(await tiersRead(CANDIDATES)).toBe(2);
  });

  it('ranks a single common word over its first RANKED_MATCHES matches only', async () => {
    const bounded = await fullText(['heron']);
    expect(bounded).toHaveLength(CANDIDATES);
    expect(bounded).not.toContain((await sceneWith('heron heron heron heron on the shore'))[0]);
  });
});
