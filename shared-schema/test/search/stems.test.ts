// @vitest-environment node
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, expect, it } from 'vitest';
import { ENGLISH_WORDS_BY_FREQUENCY } from '../../src/search/english-words.ts';
import { wordsToStem } from '../../src/search/hits.ts';
import { commonStemsQuery, type DetailRow } from '../../src/search/sql.ts';
import { makeStemCache } from '../../src/search/stems.ts';

const pg = await PGlite.create();
const db = drizzle(pg);
afterAll(() => pg.close());

it('asks the database once per word, and answers stems, the word itself or nothing for a stop word', async () => {
  const asked: number[] = [];
  const stemsOf = makeStemCache(async (query: SQL) => {
    const rows = (await db.execute<{ w: string; l: string[] | null }>(query)).rows;
    asked.push(rows.length);
    return rows;
  });
  const first = await stemsOf(['waves', 'crashing', 'the', 'waves']);
  expect(Object.fromEntries(first)).toEqual({ waves: ['wave'], crashing: ['crash'], the: [] });
  expect(asked).toEqual([3]);
  const second = await stemsOf(['waves', 'shore']);
  expect(Object.fromEntries(second)).toEqual({ waves: ['wave'], shore: ['shore'] });
  expect(asked).toEqual([3, 1]);
  expect((await stemsOf(['the'])).get('the')).toEqual([]);
  expect(await stemsOf([])).toEqual(new Map());
  expect(asked).toEqual([3, 1]);
});

it("remembers the stems of a library's commonest words and of every short word, asked once ahead", async () => {
  const user = '00000000-0000-4000-8000-000000000001';
  await pg.exec(`create table scene_words (word text, user_id uuid, scenes int)`);
  await pg.query(`insert into scene_words values ('harbours', $1, 9), ('sailing', $1, 5), ('rare', $1, 1), ('gone', $1, 0), ('theirs', '00000000-0000-4000-8000-000000000002', 7)`, [user]);
  const asked: string[][] = [];
  const stemsOf = makeStemCache(async (query: SQL) => {
    const rows = (await db.execute<{ w: string; l: string[] | null }>(query)).rows;
    asked.push(rows.map((r) => r.w));
    return rows;
  });
  const ahead = (await db.execute<{ w: string; l: string[] | null }>(commonStemsQuery(user, 2))).rows;
  // The two commonest live words of this user, and the 36 + 36 × 36 words of one or two letters or digits.
  expect(ahead.filter((r) => r.w.length > 2).map((r) => r.w)).toEqual(['harbours', 'sailing']);
  expect(ahead).toHaveLength(2 + 36 + 36 * 36);
  stemsOf.remember(ahead);
  const found = await stemsOf(['harbours', 'sailing', 'a', 'tv', '3d', 'to']);
  expect(Object.fromEntries(found)).toEqual({ harbours: ['harbour'], sailing: ['sail'], a: [], tv: ['tv'], '3d': ['3d'], to: [] });
  expect(asked).toEqual([]);
  // A word not stemmed ahead is asked for, alone.
  expect((await stemsOf(['rare', 'harbours'])).get('rare')).toEqual(['rare']);
  expect(asked).toEqual([['rare']]);
});

it("keeps every word's first letter (what wordsToStem relies on to leave words out), over 30,000 English words", async () => {
  // The stemmer's own exceptions among them: its rewritten forms ("dying" → "die") and its invariant ones.
  const words = [...ENGLISH_WORDS_BY_FREQUENCY.split(' '), 'dying', 'lying', 'tying', 'skies', 'idly', 'gently', 'ugly', 'early', 'only', 'singly', "y'all", 'yearly'];
  const { rows } = await pg.query<{ w: string; l: string[] | null }>(`select w, ts_lexize('english_stem', w) as l from unnest($1::text[]) w`, [words]);
  const stemmed = rows.filter((r) => r.l !== null && r.l.length > 0);
  expect(stemmed.length).toBeGreaterThan(29_000);
  expect(stemmed.filter((r) => r.l!.some((stem) => stem[0] !== r.w[0]))).toEqual([]);
  expect(Object.fromEntries(rows.filter((r) => ['dying', 'skies'].includes(r.w)).map((r) => [r.w, r.l]))).toEqual({ dying: ['die'], skies: ['sky'] });
});

it('stems the matched texts’ words that could share a stem with a query word, and every word when typos are forgiven', () => {
  const row = (transcript: string, ocr: string): DetailRow => ({
    scene_id: 's',
    video_id: 'v',
    title: 't',
    file_name: 'f',
    idx: 0,
    start_s: 0,
    end_s: 1,
    transcript,
    ocr_text: ocr,
    speech_match: transcript !== '',
    text_match: ocr !== '',
    words_confident: true,
    play_from: null,
    people: null,
  });
  const rows = [row('The Runner was running past the harbour', 'HARBORFESTIVAL tonight'), row('', 'Dying light')];
  const terms = { free: ['run', 'festival'], said: [], onScreen: [], people: [], typos: new Map<string, string[]>(), alike: new Map(), glued: [] };
  expect(new Set(wordsToStem(rows, terms))).toEqual(new Set(['run', 'festival', 'runner', 'running', 'festival']));
  const dying = { ...terms, free: ['die'] };
  expect(wordsToStem(rows, dying)).toContain('dying');
  const typos = { ...terms, typos: new Map([['festival', ['festivals']]]) };
  expect(wordsToStem(rows, typos)).toEqual(expect.arrayContaining(['the', 'was', 'past', 'harbour', 'tonight', 'light', 'harborfestival']));
});
