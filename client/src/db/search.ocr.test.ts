// @vitest-environment node
// On-screen text in search, on a real in-memory PGlite, written the way the OCR stage writes it: signs OCR read
// without their spaces, codes, prices, dates and labels, stop words on a sign; and the start-up backfill that
// splits the glued words of scenes indexed by an older version. (Its own library: search.test.ts's query plans
// depend on the size of its tables.)
import type { PGlite } from '@electric-sql/pglite';
import { filtersOf, gluedQuery, gluedRuns, parseQuery, spellingsOf, trigramThresholdStatement } from '@heimdex/shared-schema/search';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { backfillOcrWords } from './ocr-words.ts';
import { LOCAL_USER_ID } from './api.ts';
import { makePreparedStatements } from './prepared.ts';
import { makeSearchRepo, type SearchRepo } from './search.ts';
import { openTestDatabase } from './testing.ts';
import { STAGES, videoSteps } from './testing-steps.ts';
import type { SearchResult } from '../search/types.ts';

let pg: PGlite;
let api: DbApi;
let repo: SearchRepo;
const { importVideo, runThroughScenes, claimAndComplete } = videoSteps(() => api);
const sceneKeys = new Map<string, string>();
const keys = (result: SearchResult) => result.hits.map((h) => sceneKeys.get(h.sceneId) ?? h.sceneId);
const search = (raw: string) => repo.searchScenes({ query: parseQuery(raw), textVector: null });
const confidentKeys = async (raw: string) => (await search(raw)).hits.filter((h) => h.confident).map((h) => sceneKeys.get(h.sceneId));

/** A video of three scenes whose OCR stage read these texts, keyed by name. */
async function videoWithText(sha: string, texts: Record<string, string>): Promise<string> {
  const videoId = await importVideo(sha, `Video ${sha}`, [...STAGES.slice(0, 3), 'OCR', 'FINALIZE']);
  await runThroughScenes(videoId);
  const entries = Object.entries(texts);
  await claimAndComplete(videoId, 'OCR', { outcome: 'done', writes: [{ kind: 'ocrText', texts: entries.map(([, text], idx) => ({ idx, text })) }] });
  await claimAndComplete(videoId, 'FINALIZE', { outcome: 'done' });
  const scenes = await api.listScenes(videoId);
  entries.forEach(([key], idx) => sceneKeys.set(scenes.find((s) => s.idx === idx)!.sceneId, key));
  return videoId;
}

beforeAll(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
  repo = makeSearchRepo(pg, LOCAL_USER_ID);
  await videoWithText('signs', { sign: 'WETPAINT do not touch', err: 'Windows Error 0xC0000005 at startup', euro: 'Muffin €12.50 incl. VAT' });
  await videoWithText('more', { dollar: 'Muffin $12.50', date: 'Market on 3 April 2024', note: 'NOTE: keep door closed' });
  await videoWithText('street', { entry: 'NO ENTRY', exit: 'EXIT', bare: 'Scone 12.50' });
  await videoWithText('bakery', { blueberry: 'BLUEBERRY MUFFINS', blackberry: 'Blackberry jam', pavement: 'Mind the pavement' });
  await videoWithText('counter', { receive: 'Please receive your order here', sky: 'Blue sky bakery', carton: 'Carton of milk' });
  await videoWithText('stall', { jam: 'BLUE BERRY JAM 4,90 €', tea: 'Mint tea 3.20', total: 'Total 1,250 items' });
  await videoWithText('cafe', { dessert: 'Dessert of the day', cocoa: 'Hot cocoa', desk: 'Order at the desk' });
  await videoWithText('brand', { gluedBrand: 'ZEPHYRAXKLOTT est. 1987', apartBrand: 'Zephyrax and Klott', neither: 'Open daily' });
});
afterAll(async () => {
  await pg.close();
});

describe('glued words on a sign', () => {
  it('the OCR stage stores the split words beside the text as read', async () => {
    const rows = (await pg.query<{ ocr_text: string; ocr_words: string | null }>(`select ocr_text, ocr_words from scenes where ocr_text like 'WET%'`)).rows;
    expect(rows).toEqual([{ ocr_text: 'WETPAINT do not touch', ocr_words: 'wet paint' }]);
  });

  it('finds each word alone, the words as a phrase, and other forms, as confident on-screen text matches', async () => {
    for (const query of ['wet', 'paint', 'painted', '"wet paint"', 'paint wet', 'text:wet']) {
      const result = await search(query);
      expect(keys(result), query).toEqual(['sign']);
      const [top] = result.hits;
      expect(top!.confident, query).toBe(true);
      expect(top!.reasons, query).toEqual(['text']);
      // What is shown is what OCR read, the glued word lit for its matching part.
      expect(top!.snippets, query).toEqual([{ source: 'text', parts: [{ text: 'WETPAINT', highlight: true }, { text: ' do not touch', highlight: false }] }]);
    }
    expect(keys(await search('said:wet'))).toEqual([]);
  });
});

describe('words typed apart that a sign shows run together, no run of dictionary words', () => {
  it('finds the sign as a confident on-screen text match, besides the scene that shows the words apart', async () => {
    // Nothing was split at index time: only the glued-words list can find it.
    const rows = (await pg.query<{ ocr_words: string }>(`select ocr_words from scenes where ocr_text like 'ZEPHYRAX%'`)).rows;
    expect(rows).toEqual([{ ocr_words: '' }]);
    const result = await search('zephyrax klott');
    expect(keys(result).sort()).toEqual(['apartBrand', 'gluedBrand']);
    const glued = result.hits.find((h) => sceneKeys.get(h.sceneId) === 'gluedBrand')!;
    expect(glued.confident).toBe(true);
    expect(glued.reasons).toEqual(['text']);
    expect(glued.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['ZEPHYRAXKLOTT']);
    expect(await confidentKeys('"zephyrax klott"')).toContain('gluedBrand');
    // Each phrase is a run of its own, in one statement: "blue berry" finds BLUEBERRY run together as well.
    expect((await confidentKeys('"zephyrax klott" "blue berry"')).sort()).toEqual(['blueberry', 'gluedBrand', 'jam']);
  });

  it("asks the library's words first, and reads no scene when none holds the run (one plan for any words)", async () => {
    const where = filtersOf(LOCAL_USER_ID, parseQuery('zephyrax klott'), new Map());
    const query = gluedQuery(LOCAL_USER_ID, gluedRuns(['zephyrax', 'klott'], []), where);
    const plan = await makePreparedStatements(pg).plan(query);
    expect(plan).toMatch(/One-Time Filter: \(\(InitPlan \d+\)\.col1 > 0\)/);
    expect(plan).toMatch(/on scene_words w/);
    // The filter stands above the scan of the scenes' on-screen text, which runs only when it holds.
    expect(plan.indexOf('One-Time Filter')).toBeLessThan(plan.indexOf('on scenes s'));
    expect(await confidentKeys('zephyrax klottz')).not.toContain('gluedBrand');
  });
});

describe('words a sign shows apart that the query writes as one', () => {
  it('finds "BLUE BERRY" by "blueberry", confidently, with both words lit, besides the scenes that say blueberry', async () => {
    const result = await search('blueberry');
    expect(keys(result).sort()).toEqual(['blueberry', 'jam']);
    expect(result.hits.every((h) => h.confident)).toBe(true);
    const jam = result.hits.find((h) => sceneKeys.get(h.sceneId) === 'jam')!;
    expect(jam.reasons).toEqual(['text']);
    expect(jam.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['BLUE BERRY']);
    expect(await confidentKeys('blueberry jam')).toEqual(['jam']);
    expect(await confidentKeys('text:blueberry')).toContain('jam');
  });

});

describe('decimal numbers, with a point or a comma', () => {
  it('finds a price by either separator, confidently', async () => {
    for (const [query, key] of [['4,90', 'jam'], ['4.90', 'jam'], ['3.20', 'tea'], ['3,20', 'tea'], ['€4.90', 'jam']] as const) {
      expect(await confidentKeys(query), query).toEqual([key]);
    }
  });

  it('stores the other form as a search-only word, and leaves thousands alone', async () => {
    const rows = (await pg.query<{ ocr_words: string }>(`select ocr_words from scenes where ocr_text in ('BLUE BERRY JAM 4,90 €', 'Mint tea 3.20', 'Total 1,250 items') order by idx`)).rows;
    expect(rows.map((r) => r.ocr_words)).toEqual(['4.90', '3,20', '']);
    expect(await confidentKeys('1.250')).toEqual([]);
  });
});

describe('codes, numbers and punctuation, as written', () => {
  it.each([
    ['0xC0000005', 'err'],
    ['0xc0000005', 'err'],
    ['error 0xC0000005', 'err'],
    ['3 April 2024', 'date'],
    ['"3 April 2024"', 'date'],
    ['NOTE:', 'note'],
    ['text:NOTE:', 'note'],
  ])('%s finds its scene first, as a confident hit', async (query, key) => {
    // As the search page lists them: confident hits first.
    const result = await search(query);
    const confident = result.hits.filter((h) => h.confident);
    expect(confident.map((h) => sceneKeys.get(h.sceneId))[0], query).toBe(key);
    expect(confident[0]!.reasons, query).toEqual(['text']);
  });

  it('a price shown with another currency sign is only a weaker match; one read without its sign still counts', async () => {
    // PP-OCR's charset has no € at all: a euro price tag reads "12.50".
    const result = await search('€12.50');
    expect(keys(result).sort()).toEqual(['bare', 'dollar', 'euro']);
    expect((await confidentKeys('€12.50')).sort()).toEqual(['bare', 'euro']);
    expect((await confidentKeys('$12.50')).sort()).toEqual(['bare', 'dollar']);
  });
});

describe('every word of the query on screen', () => {
  it('is a confident hit even when a word is one full text leaves out (a stop word)', async () => {
    const result = await search('no entry');
    expect(keys(result)[0]).toBe('entry');
    expect(result.hits[0]!.confident).toBe(true);
    // "do not touch": all three are on the WETPAINT sign.
    expect(await confidentKeys('do not touch')).toEqual(['sign']);
    // A stop word that is not there still counts against the scene.
    expect(await confidentKeys('no exit')).toEqual([]);
  });
});

describe('typos', () => {
  it('forgives two letter slips in a longer word, confidently, and lights the word it stands for', async () => {
    for (const [query, key, shown] of [['blubery', 'blueberry', 'BLUEBERRY'], ['blubery muffins', 'blueberry', 'BLUEBERRY MUFFINS'], ['recieve', 'receive', 'receive']] as const) {
      // As the search page lists them: confident hits first.
      const [top] = (await search(query)).hits.filter((h) => h.confident);
      expect(sceneKeys.get(top!.sceneId), query).toBe(key);
      expect(top!.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text), query).toEqual([shown]);
    }
  });

  it('takes a word of the library spelt very like a short or English query word for it, confidently, and no looser one', async () => {
    // "desert" is an English word of six letters, so no two slips are forgiven, and "dessert" is another stem: only
    // their likeness (strict_word_similarity 0.67, at least TRIGRAM_CONFIDENT) makes the match.
    const result = await search('desert');
    expect(keys(result)).toEqual(['dessert']);
    expect(result.hits[0]!.confident).toBe(true);
    expect(result.hits[0]!.reasons).toEqual(['text']);
    expect(result.hits[0]!.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['Dessert']);
  });

  it('never turns a word into another one that is three slips away, or an English word into another', async () => {
    expect(await confidentKeys('blubery')).toEqual(['blueberry']);
    expect(await confidentKeys('payment')).toEqual([]);
    expect(await confidentKeys('blackbery')).toEqual(['blackberry']);
    expect(await confidentKeys('bluesky')).toEqual([]);
    // A shorter word keeps the one-slip rules: "cart" is not "carton".
    expect(await confidentKeys('cart')).toEqual([]);
    expect(await confidentKeys('carton')).toEqual(['carton']);
  });
});

describe('spelling corrections', () => {
  it('come from the words of the library, and only from words a live scene still holds', async () => {
    const videoId = await videoWithText('deli', { quinoa: 'Quinoa salad', soup: 'Lentil soup', toast: 'Rye toast' });
    expect(keys(await search('quinao'))).toEqual(['quinoa']);
    const db = drizzle(pg);
    const correctionsNow = () =>
      db.transaction(async (tx) => {
        await tx.execute(trigramThresholdStatement(true));
        await tx.execute(sql`set local enable_seqscan = off`);
        const quinao = { term: 'quinao', held: false };
        const spellings = await spellingsOf(LOCAL_USER_ID, [quinao], ['quinao'], async (query) => (await tx.execute(query)).rows as never);
        return spellings.get('quinao')!.corrections;
      });
    expect(await correctionsNow()).toContain('quinoa');
    await pg.query(`update scenes set deleted = true where video_id = $1`, [videoId]);
    expect((await pg.query(`select scenes from scene_words where word = 'quinoa'`)).rows).toEqual([{ scenes: 0 }]);
    expect(await correctionsNow()).not.toContain('quinoa');
    expect(keys(await search('quinao'))).toEqual([]);
  });

  it('take a rare word the library holds as meant: a word spelt like it is a weaker match', async () => {
    await videoWithText('studio', { pain: 'No pain no gain', paint: 'Fresh paint', class: 'Oil painting class' });
    // "pain" is in one scene only, so it is looked up as a possible slip: "paint" is spelt within TRIGRAM_CONFIDENT of
    // it (0.57), but the scene that holds "pain" itself is the one meant.
    const pain = await search('pain');
    expect(pain.hits.filter((h) => h.confident).map((h) => sceneKeys.get(h.sceneId))).toEqual(['pain']);
    expect(keys(pain)).toContain('paint');
    // A word the library lacks still takes a confident spelling.
    expect(await confidentKeys('paintt')).toContain('paint');
  });

  it('never let one word of the query stand for another', async () => {
    await videoWithText('decorator', { both: 'Paint by a painter', wet: 'Wet paint', shop: 'Paint shop' });
    // "paintr" is spelt within TRIGRAM_CONFIDENT of "paint" (0.62) as well as like "painter": typed beside "paint",
    // it stands for another word, so a scene holding only "paint" holds one of the two.
    const result = await search('paint paintr');
    expect(keys(result)[0]).toBe('both');
    expect(result.hits.filter((h) => h.confident && sceneKeys.get(h.sceneId) !== 'both').map((h) => sceneKeys.get(h.sceneId))).toEqual([]);
  });
});

describe('a search for fewer hits than fusion reads', () => {
  const first = async (raw: string, limit: number) => keys(await repo.searchScenes({ query: parseQuery(raw), textVector: null, limit }));

  it('gives the first hits of the same search for more, the words list read whole when the glued words list fuses with it', async () => {
    await videoWithText('roasts', { roastTwice: 'roast chicken, roast chicken', roastTwiceToday: 'roast chicken, roast chicken today', roastSign: 'ROASTCHICKEN' });
    await videoWithText('grill', { slip: 'roast chickenn wings', rye: 'Rye and chicken', beef: 'Roast beef' });
    const all = await first('roast chicken', 50);
    // The sign says the words once, after the scenes that say them twice, and is the one glued match: fused, the
    // two lists put it first. Read only as far as the hits shown, the words list would not hold it.
    expect(all[0]).toBe('roastSign');
    expect(new Set(all.slice(1, 3))).toEqual(new Set(['roastTwice', 'roastTwiceToday']));
    for (const limit of [1, 2]) expect(await first('roast chicken', limit), String(limit)).toEqual(all.slice(0, limit));
  });

  it('gives them for words no other list fuses with, and for a misspelt word with its corrections', async () => {
    for (const raw of ['chicken', 'roast today', 'chicken roast', 'roast chickenn']) {
      const all = await first(raw, 50);
      expect(all.length, raw).toBeGreaterThan(2);
      for (const limit of [1, 2]) expect(await first(raw, limit), `${raw} ${limit}`).toEqual(all.slice(0, limit));
    }
  });
});

describe("the on-screen text's words, parsed as they are written (scenes.ocr_tsv)", () => {
  const unlike = async () =>
    (await pg.query<{ ocr_text: string }>(`
      select ocr_text from scenes
      where ocr_tsv is distinct from to_tsvector('english', ocr_text || ' ' || coalesce(ocr_words, ''))`)).rows;

  it('are kept by the database as on-screen text and its split words are written, and by nothing else', async () => {
    expect(await unlike()).toEqual([]);
    const [scene] = (await pg.query<{ scene_id: string }>(`select scene_id from scenes where ocr_text = 'Carton of milk'`)).rows;
    await pg.query(`update scenes set ocr_text = 'Carton of oat milk', ocr_words = '' where scene_id = $1`, [scene!.scene_id]);
    await pg.query(`update scenes set transcript = 'a word said' where scene_id = $1`, [scene!.scene_id]);
    expect(await unlike()).toEqual([]);
    expect((await pg.query(`select ocr_tsv @@ to_tsquery('english', 'oat') as oat from scenes where scene_id = $1`, [scene!.scene_id])).rows).toEqual([{ oat: true }]);
    await pg.query(`update scenes set ocr_text = 'Carton of milk', transcript = '' where scene_id = $1`, [scene!.scene_id]);
  });

  it('answer as the text parsed at search time did, for scenes written before they were kept', async () => {
    const queries = ['wet', 'paint wet', 'text:wet', 'said:wet', 'blueberry', '0xC0000005', '€12.50', 'note', 'bread', 'milk carton', 'no entry'];
    const answers = async () => Promise.all(queries.map(async (q) => (await search(q)).hits.map(({ sceneId, confident, reasons, snippets }) => ({ sceneId, confident, reasons, snippets }))));
    const stored = await answers();
    expect(stored.flat().filter((h) => h.reasons.includes('text')).length).toBeGreaterThan(10);
    await pg.query(`update scenes set ocr_tsv = null`);
    try {
      expect(await answers()).toEqual(stored);
    } finally {
      await pg.query(`update scenes set ocr_text = ocr_text`);
    }
    expect(await unlike()).toEqual([]);
  });
});

describe('the start-up backfill', () => {
  it('splits the glued words of scenes indexed before, and records no change for sync', async () => {
    const videoId = await videoWithText('old', { old: 'FRESHBREAD daily', plain: 'Fresh bread', none: '' });
    await pg.query(`update scenes set ocr_words = null where video_id = $1`, [videoId]);
    const outbox = async () => Number((await pg.query<{ n: number }>('select count(*)::int as n from sync_outbox')).rows[0]!.n);
    const before = await outbox();
    expect(await confidentKeys('bread')).toEqual(['plain']);

    expect(await backfillOcrWords(pg)).toBe(2); // the scene without text needs nothing
    const rows = (await pg.query<{ ocr_text: string; ocr_words: string | null }>('select ocr_text, ocr_words from scenes where video_id = $1 order by idx', [videoId])).rows;
    expect(rows).toEqual([
      { ocr_text: 'FRESHBREAD daily', ocr_words: 'fresh bread' },
      { ocr_text: 'Fresh bread', ocr_words: '' },
      { ocr_text: '', ocr_words: null },
    ]);
    expect(await outbox()).toBe(before);
    const found = await search('bread');
    expect(keys(found).sort()).toEqual(['old', 'plain']);
    expect(found.hits.every((h) => h.confident)).toBe(true);
    expect(await backfillOcrWords(pg)).toBe(0);
  });
});
