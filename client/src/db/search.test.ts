// @vitest-environment node
// Retrieval on a real in-memory PGlite (vector + pg_trgm), with a small library that looks like a real one:
// three videos of one user (a call with slides, a holiday clip, an offsite), transcripts with segment timing,
// on-screen text, picture embeddings of two visual models, faces and people — plus another user's rows and
// deleted rows that must never come back.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceMatchPercent, PROFILE_ALLOWANCE_MAX, profileAllowance } from '../ml/faces/distance.ts';
import { FACE_MODEL_ID } from '../ml/faces/engine.ts';
import { filtersOf, FROM, fullTextQuery, parseQuery, type ModelVector } from '@heimdex/shared-schema/search';
import type { SearchHit, SearchResult } from '../search/types.ts';
import { LOCAL_USER_ID, makeDbApi } from './api.ts';
import { makePictureIndex } from './picture-index.ts';
import { ensureVectorIndex, makeSearchRepo, nearestScenesQuery, ownScenes, vectorIndexName, type PictureSource, type SearchRepo } from './search.ts';
import { backfillOcrWords } from './ocr-words.ts';
import { makePreparedStatements } from './prepared.ts';
import { openTestDatabase } from './testing.ts';
import { drizzle } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';

const OTHER_USER = '11111111-1111-4111-8111-111111111111';
const MODEL_A = 'clip-a';
const MODEL_B = 'clip-b';
const DIM = 8;

/** A unit vector along axis `axis`, nudged towards `towards` by `mix` (cluster structure, not noise). */
function unit(axis: number, towards = axis, mix = 0): number[] {
  const v = Array.from({ length: DIM }, (_, i) => (i === axis ? 1 - mix : 0) + (i === towards ? mix : 0));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** A 128-d face descriptor of "person" p, with a small per-photo variation. */
function face(p: number, variation = 0): number[] {
  return Array.from({ length: 128 }, (_, i) => (i === p ? 0.9 : 0) + (i === 100 + variation ? 0.1 : 0));
}

interface SceneSpec {
  key: string;
  start: number;
  end: number;
  transcript?: string;
  ocr?: string;
  vec?: { model: string; v: number[] };
  deleted?: boolean;
}

let pg: PGlite;
let repo: SearchRepo;
const sceneIds = new Map<string, string>();
const videoIds = new Map<string, string>();
const personIds = new Map<string, string>();
const id = (key: string) => sceneIds.get(key)!;
const keyOf = (sceneId: string) => [...sceneIds].find(([, v]) => v === sceneId)?.[0] ?? sceneId;
const keys = (result: SearchResult) => result.hits.map((h) => keyOf(h.sceneId));
const hit = (result: SearchResult, key: string): SearchHit | undefined => result.hits.find((h) => h.sceneId === id(key));
const search = (raw: string, textVector: ModelVector | null = null) => repo.searchScenes({ query: parseQuery(raw), textVector });

async function addVideo(
  user: string,
  key: string,
  title: string,
  fileName: string,
  meta: { creationTime?: string; deleted?: boolean; state?: string; firstIndexing?: boolean },
  scenes: SceneSpec[],
  segments: { start: number; end: number; text: string }[] = [],
) {
  const probe = { durationS: 60, width: 1280, height: 720, fps: 25, ...(meta.creationTime ? { creationTime: meta.creationTime } : {}) };
  const { rows } = await pg.query<{ video_id: string }>(
    `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state, metadata, deleted, first_indexing)
     values ($1, $2, $3, 1000, $4, $7, $5, $6, $8) returning video_id`,
    [user, title, fileName, `${user}-${key}`, JSON.stringify({ probe }), meta.deleted ?? false, meta.state ?? 'INDEXED', meta.firstIndexing ?? false],
  );
  const videoId = rows[0]!.video_id;
  videoIds.set(key, videoId);
  for (const [idx, s] of scenes.entries()) {
    const inserted = await pg.query<{ scene_id: string }>(
      `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text, image_vec, image_model, deleted, thumbnail)
       values ($1, $2, $3, $4, $5, $6, $7, $8::vector, $9, $10, $11) returning scene_id`,
      [
        videoId,
        user,
        idx,
        s.start,
        s.end,
        s.transcript ?? '',
        s.ocr ?? '',
        s.vec ? `[${s.vec.v.join(',')}]` : null,
        s.vec?.model ?? null,
        s.deleted ?? false,
        new Uint8Array([0xff, 0xd8, idx]),
      ],
    );
    sceneIds.set(s.key, inserted.rows[0]!.scene_id);
  }
  for (const seg of segments) {
    await pg.query('insert into transcript_segments (video_id, start_s, end_s, text) values ($1, $2, $3, $4)', [videoId, seg.start, seg.end, seg.text]);
  }
}

async function addPerson(user: string, key: string, name: string | null, number: number, hidden = false) {
  const { rows } = await pg.query<{ person_id: string }>(
    'insert into face_profiles (user_id, name, number, hidden, face_model) values ($1, $2, $3, $4, $5) returning person_id',
    [user, name, number, hidden, FACE_MODEL_ID],
  );
  personIds.set(key, rows[0]!.person_id);
}

async function addFace(user: string, sceneKey: string, personKey: string | null, descriptor: number[], model = FACE_MODEL_ID) {
  const sceneId = id(sceneKey);
  const personId = personKey ? personIds.get(personKey)! : null;
  await pg.query(
    `insert into faces (scene_id, video_id, user_id, bbox, score, embedding, face_model, person_id)
     select $1, video_id, $2, '{"x":0,"y":0,"w":10,"h":10}', 0.99, $3::vector, $4, $5 from scenes where scene_id = $1`,
    [sceneId, user, `[${descriptor.join(',')}]`, model, personId],
  );
  if (personId) {
    await pg.query('insert into scene_people (scene_id, person_id, user_id) values ($1, $2, $3) on conflict do nothing', [sceneId, personId, user]);
  }
}

beforeAll(async () => {
  pg = await openTestDatabase();
  repo = makeSearchRepo(pg, LOCAL_USER_ID);
  const me = LOCAL_USER_ID;

  await addVideo(
    me,
    'call',
    'Q3 Earnings Call',
    'q3-earnings.mp4',
    { creationTime: '2025-10-05T09:00:00.000000Z' },
    [
      { key: 'call0', start: 0, end: 10, transcript: 'Welcome everyone to the earnings call. Today we are running through the numbers.', ocr: 'ACME CORP Q3 2025', vec: { model: MODEL_A, v: unit(0) } },
      {
        key: 'call1',
        start: 10,
        end: 20,
        transcript: 'Thanks Ada. Let me start with the highlights. Our quarterly revenue grew twelve percent.',
        ocr: 'QUARTERLY REVENUE +12%',
        vec: { model: MODEL_A, v: unit(0, 1, 0.2) },
      },
      { key: 'call2', start: 20, end: 30, transcript: 'The marketing team runs campaigns in Europe and Asia.', ocr: 'Marketing', vec: { model: MODEL_A, v: unit(0, 2, 0.3) } },
      { key: 'call3', start: 30, end: 40, transcript: 'Questions from analysts about the dividend.', ocr: 'Q&A', vec: { model: MODEL_B, v: unit(3) } },
      { key: 'callDeleted', start: 40, end: 50, transcript: 'quarterly revenue again, deleted', ocr: 'QUARTERLY REVENUE', deleted: true },
    ],
    [
      { start: 0, end: 10, text: 'Welcome everyone to the earnings call. Today we are running through the numbers.' },
      { start: 10, end: 14.5, text: 'Thanks Ada. Let me start with the highlights.' },
      { start: 14.5, end: 20, text: 'Our quarterly revenue grew twelve percent.' },
      { start: 20, end: 30, text: 'The marketing team runs campaigns in Europe and Asia.' },
      { start: 30, end: 40, text: 'Questions from analysts about the dividend.' },
    ],
  );
  // No recorded creation time: its date is the import's (today).
  await addVideo(me, 'beach', 'Beach holiday', 'IMG_2041.MOV', {}, [
    { key: 'beach0', start: 0, end: 5, transcript: 'Look at the waves, the ocean is beautiful today.', vec: { model: MODEL_A, v: unit(4) } },
    { key: 'beach1', start: 5, end: 9, ocr: 'Sunset Cafe open daily', vec: { model: MODEL_A, v: unit(4, 5, 0.4) } },
    { key: 'beach2', start: 9, end: 15, transcript: 'Ada is building a sandcastle with the kids.', vec: { model: MODEL_B, v: unit(4) } },
  ]);
  await addVideo(me, 'offsite', 'Team offsite 2024', 'offsite.mp4', { creationTime: '2024-06-15T10:00:00Z' }, [
    { key: 'off0', start: 0, end: 20, transcript: 'We discussed the product roadmap and the budget for next year.', ocr: 'ROADMAP 2025', vec: { model: MODEL_A, v: unit(6) } },
    { key: 'off1', start: 20, end: 40, transcript: 'Grace presents the design review.', ocr: 'Design Review', vec: { model: MODEL_A, v: unit(6, 7, 0.3) } },
  ]);
  // OCR over a busy background often loses the spaces between words.
  await addVideo(me, 'poster', 'Festival poster', 'poster.mp4', { creationTime: '2025-08-01T12:00:00Z' }, [
    { key: 'poster0', start: 0, end: 6, ocr: 'HARBORFESTIVALTICKETS on sale' },
  ]);
  await addVideo(me, 'gone', 'Deleted video about revenue', 'gone.mp4', { deleted: true }, [
    { key: 'gone0', start: 0, end: 5, transcript: 'quarterly revenue in a deleted video', ocr: 'QUARTERLY REVENUE', vec: { model: MODEL_A, v: unit(0) } },
  ]);
  // Another user's library: its words, vectors and people match everything above and must never be returned.
  await addVideo(OTHER_USER, 'theirs', 'Q3 Earnings Call', 'q3-earnings.mp4', { creationTime: '2025-10-05T09:00:00Z' }, [
    { key: 'theirs0', start: 0, end: 10, transcript: 'Our quarterly revenue grew, Ada said.', ocr: 'QUARTERLY REVENUE', vec: { model: MODEL_A, v: unit(0) } },
  ]);

  await addPerson(me, 'ada', 'Ada Lovelace', 1);
  await addPerson(me, 'p2', null, 2);
  await addPerson(me, 'grace', 'Grace Hopper', 3, true);
  await addPerson(OTHER_USER, 'theirAda', 'Ada Lovelace', 1);
  await addFace(me, 'call1', 'ada', face(1, 0));
  await addFace(me, 'beach2', 'ada', face(1, 1));
  await addFace(me, 'beach0', 'p2', face(2, 0));
  await addFace(me, 'off0', 'p2', face(2, 1));
  await addFace(me, 'off1', 'grace', face(3, 0));
  // An unclustered face of Ada (no person yet) and a face of another model that would be "identical".
  await addFace(me, 'call2', null, face(1, 2));
  await addFace(me, 'call3', null, face(1, 0), 'other-face-model');
  await addFace(OTHER_USER, 'theirs0', 'theirAda', face(1, 0));

  // A video whose first indexing run failed, and one being indexed for the first time, both dated 2026-01-10.
  await addVideo(me, 'failed', 'Broken Upload', 'broken.mp4', { creationTime: '2026-01-10T10:00:00Z', state: 'FAILED', firstIndexing: true }, [
    { key: 'failed0', start: 0, end: 5, transcript: 'the zeppelin hangar tour', ocr: 'ZEPPELIN' },
  ]);
  await addVideo(me, 'running', 'Still Indexing', 'running.mp4', { creationTime: '2026-01-10T11:00:00Z', state: 'PROCESSING', firstIndexing: true }, [
    { key: 'running0', start: 0, end: 5, transcript: 'the zeppelin takes off' },
  ]);

  // Inserted as an older version would have: the split of glued words is filled in as at start-up.
  expect(await backfillOcrWords(pg)).toBeGreaterThan(0);

  await ensureVectorIndex(drizzle(pg), MODEL_A, DIM);
  await ensureVectorIndex(drizzle(pg), MODEL_B, DIM);
});

afterAll(async () => {
  await pg.close();
});

const everyHitIsMine = (result: SearchResult) => {
  for (const h of result.hits) {
    expect(['theirs0', 'gone0', 'callDeleted']).not.toContain(keyOf(h.sceneId));
    expect([...sceneIds.values()]).toContain(h.sceneId);
  }
};

describe('full text', () => {
  it('ranks the scene with every word first and explains why it matched', async () => {
    const result = await search('quarterly revenue');
    everyHitIsMine(result);
    expect(keys(result)[0]).toBe('call1');
    const top = result.hits[0]!;
    expect(top.reasons).toEqual(['speech', 'text']);
    expect(top.confident).toBe(true);
    expect(top.videoTitle).toBe('Q3 Earnings Call');
    expect(top.fileName).toBe('q3-earnings.mp4');
    expect([top.idx, top.startS, top.endS]).toEqual([1, 10, 20]);
    expect(top, 'a hit’s thumbnail is read when its card is seen, not with the search').not.toHaveProperty('thumbnail');
    expect(await makeDbApi(pg).sceneThumbnails([top.sceneId])).toEqual([{ sceneId: top.sceneId, thumbnail: new Uint8Array([0xff, 0xd8, 1]) }]);
    expect(top.people).toEqual(['Ada Lovelace']);
    expect(result.query?.words).toEqual(['quarterly', 'revenue']);
    expect(result.tookMs).toBeGreaterThan(0);
  });

  it('highlights the matched words in plain parts, for speech and on-screen text apart', async () => {
    const top = (await search('quarterly revenue')).hits[0]!;
    const speech = top.snippets.find((s) => s.source === 'speech')!;
    const text = top.snippets.find((s) => s.source === 'text')!;
    expect(speech.parts.map((p) => p.text).join('')).toBe('Thanks Ada. Let me start with the highlights. Our quarterly revenue grew twelve percent.');
    expect(speech.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['quarterly revenue']);
    expect(text.parts).toEqual([
      { text: 'QUARTERLY REVENUE', highlight: true },
      { text: ' +12%', highlight: false },
    ]);
  });

  it('plays from the transcript segment that holds the words', async () => {
    const top = (await search('revenue')).hits.find((h) => h.sceneId === id('call1'))!;
    expect(top.playFromS).toBe(14.5);
    // Misspelt, one slip or two: the segment that holds the word it stands for.
    for (const typo of ['revnue', 'reveneu']) {
      expect((await search(typo)).hits.find((h) => h.sceneId === id('call1'))?.playFromS, typo).toBe(14.5);
    }
    // On-screen text alone: the scene start.
    const sunset = (await search('sunset')).hits[0]!;
    expect(keyOf(sunset.sceneId)).toBe('beach1');
    expect(sunset.reasons).toEqual(['text']);
    expect(sunset.playFromS).toBe(5);
  });

  it('matches and highlights other forms of a word (stemming)', async () => {
    const result = await search('running');
    expect(keys(result).slice(0, 2).sort()).toEqual(['call0', 'call2']);
    const runs = hit(result, 'call2')!;
    expect(runs.confident).toBe(true);
    expect(runs.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['runs']);
    expect(hit(result, 'call0')!.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['running']);
  });

  it('requires a quoted phrase to be in order', async () => {
    expect(keys(await search('"revenue quarterly"')).filter((k) => k === 'call1')).toEqual([]);
    expect(keys(await search('"quarterly revenue"'))).toEqual(['call1']);
  });

  it('finds words despite typos, through the trigram indexes', async () => {
    const result = await search('quartely revenu');
    everyHitIsMine(result);
    expect(keys(result)[0]).toBe('call1');
    const top = result.hits[0]!;
    expect(top.reasons).toContain('speech');
    expect(top.reasons).toContain('text');
    expect(top.snippets.find((s) => s.source === 'text')!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['QUARTERLY REVENUE']);
    // "revenu" (0.67 strict) is a confident spelling, "quartely" (0.58) too: both above TRIGRAM_CONFIDENT.
    expect(top.confident).toBe(true);
  });

  it('flags no hit as confident for words that are not there', async () => {
    const result = await search('zebra giraffe volcano');
    expect(result.hits.filter((h) => h.confident)).toEqual([]);
    const prefixOnly = await search('cafeteria');
    expect(prefixOnly.hits.filter((h) => h.confident)).toEqual([]);
  });

  it('is not confident when only some of the words are there', async () => {
    const result = await search('quarterly zebra');
    expect(keys(result)).toContain('call1');
    expect(result.hits.filter((h) => h.confident)).toEqual([]);
  });
});

describe('weaker matches', () => {
  it('say why they matched and mark what matched, like confident ones', async () => {
    const unmarked: string[] = [];
    let weak = 0;
    for (const query of ['quarterly zebra', 'cafeteria', 'revnue', 'marketng campains', 'sandcastel', 'roadmp', 'dividens', 'sunsett']) {
      for (const h of (await search(query)).hits) {
        expect(h.reasons.length, `${query}: ${h.sceneId} has a reason`).toBeGreaterThan(0);
        if (!h.confident && (h.reasons.includes('speech') || h.reasons.includes('text'))) weak++;
        for (const source of ['speech', 'text'] as const) {
          if (!h.reasons.includes(source)) continue;
          const marked = h.snippets.filter((s) => s.source === source).flatMap((s) => s.parts.filter((p) => p.highlight));
          if (marked.length === 0) unmarked.push(`${query} → ${source} of a ${h.confident ? 'confident' : 'weaker'} hit: ${JSON.stringify(h.snippets)}`);
        }
      }
    }
    expect(weak, 'weaker word matches among these queries').toBeGreaterThanOrEqual(3);
    expect(unmarked).toEqual([]);
  });
});

describe('said: and text:', () => {
  it('said: matches the speech only', async () => {
    expect(keys(await search('said:ocean'))).toEqual(['beach0']);
    expect(keys(await search('said:sunset'))).toEqual([]);
    const said = await search('said:"quarterly revenue"');
    expect(keys(said)).toEqual(['call1']);
    expect(said.hits[0]!.reasons).toEqual(['speech']);
    expect(said.hits[0]!.playFromS).toBe(14.5);
    expect(said.hits[0]!.confident).toBe(true);
  });

  it('text: matches the on-screen text only', async () => {
    expect(keys(await search('text:sunset'))).toEqual(['beach1']);
    expect(keys(await search('text:ocean'))).toEqual([]);
    const roadmap = await search('text:roadmap');
    expect(keys(roadmap)).toEqual(['off0']);
    expect(roadmap.hits[0]!.reasons).toEqual(['text']);
    expect(roadmap.hits[0]!.snippets).toEqual([{ source: 'text', parts: [{ text: 'ROADMAP', highlight: true }, { text: ' 2025', highlight: false }] }]);
  });

  it('finds words that OCR ran together, confidently, for plain words, a phrase or text:', async () => {
    for (const query of ['harbor festival tickets', '"Harbor Festival"', 'text:"festival tickets"']) {
      const result = await search(query);
      expect(keys(result), query).toEqual(['poster0']);
      expect(result.hits[0]!.confident, query).toBe(true);
      expect(result.hits[0]!.reasons, query).toEqual(['text']);
      expect(result.hits[0]!.snippets, query).toEqual([
        { source: 'text', parts: [{ text: 'HARBORFESTIVALTICKETS', highlight: true }, { text: ' on sale', highlight: false }] },
      ]);
    }
    // Split at index time into dictionary words, so its words are found in any order, and alone.
    for (const query of ['tickets harbor', 'festival', 'text:tickets']) {
      const result = await search(query);
      expect(keys(result), query).toEqual(['poster0']);
      expect(result.hits[0]!.confident, query).toBe(true);
    }
  });

  it('combines with free words', async () => {
    const result = await search('budget text:roadmap');
    expect(keys(result)).toEqual(['off0']);
    expect(result.hits[0]!.reasons).toEqual(['speech', 'text']);
  });
});

describe('filters', () => {
  it('person: finds a person by name, case-insensitively, by first name or surname, or "Person N"', async () => {
    for (const query of ['person:"Ada Lovelace"', 'person:ada', 'person:"ADA LOVELACE"']) {
      const result = await search(query);
      everyHitIsMine(result);
      expect(keys(result).sort()).toEqual(['beach2', 'call1']);
      for (const h of result.hits) {
        expect(h.reasons).toEqual(['person']);
        expect(h.confident).toBe(true);
        expect(h.people).toContain('Ada Lovelace');
      }
    }
    expect(keys(await search('person:"Person 2"')).sort()).toEqual(['beach0', 'off0']);
    expect(hit(await search('person:"Person 2"'), 'off0')!.people).toEqual(['Person 2']);
    // A surname alone finds the person too; part of a word does not.
    expect(keys(await search('person:Lovelace')).sort()).toEqual(['beach2', 'call1']);
    expect(keys(await search('person:love'))).toEqual([]);
    expect(keys(await search('person:Nobody'))).toEqual([]);
  });

  it('person: still finds hidden people by name', async () => {
    const result = await search('person:grace');
    expect(keys(result)).toEqual(['off1']);
    expect(result.hits[0]!.people).toEqual(['Grace Hopper']);
    // Elsewhere a hidden person is not listed.
    expect(hit(await search('design'), 'off1')!.people).toEqual([]);
  });

  it('a name typed without person: finds the scenes of the person the user named, confidently, and says who', async () => {
    for (const query of ['Lovelace', 'ada lovelace', 'ADA']) {
      const result = await search(query);
      everyHitIsMine(result);
      for (const key of ['beach2', 'call1']) {
        const h = hit(result, key)!;
        expect(h, `${query}: ${key}`).toBeDefined();
        expect(h.confident).toBe(true);
        expect(h.reasons).toContain('person');
        expect(h.filters).toEqual([{ kind: 'person', names: ['Ada Lovelace'] }]);
      }
      expect(keys(result).slice(0, 2).sort()).toEqual(['beach2', 'call1']);
    }
    // A hidden person is found by their name too, and named on the hit.
    const grace = hit(await search('Hopper'), 'off1')!;
    expect(grace.filters).toEqual([{ kind: 'person', names: ['Grace Hopper'] }]);
    expect(grace.people).toEqual(['Grace Hopper']);
    // Part of a word, an unnamed "Person N" typed bare, or a name inside a longer query: words only.
    expect(keys(await search('love'))).toEqual([]);
    for (const h of (await search('person 2')).hits) expect(h.filters).toEqual([]);
    for (const h of (await search('ocean ada')).hits) expect(h.filters).toEqual([]);
  });

  it('person: combines with words', async () => {
    const result = await search('person:ada revenue');
    expect(keys(result)).toEqual(['call1']);
    expect(result.hits[0]!.reasons).toEqual(['speech', 'text', 'person']);
    expect(keys(await search('person:ada ocean'))).toEqual([]);
  });

  it('video: narrows to videos by title or file name', async () => {
    expect(keys(await search('video:img_2041')).sort()).toEqual(['beach0', 'beach1', 'beach2']);
    expect(keys(await search('video:"earnings call" revenue'))).toEqual(['call1']);
    expect(keys(await search('video:beach revenue'))).toEqual([]);
    // LIKE wildcards in the fragment are literal.
    expect(keys(await search('video:%'))).toEqual([]);
  });

  it('leaves out a video whose first indexing failed or has not finished (by words, date and picture)', async () => {
    expect(keys(await search('zeppelin'))).toEqual([]);
    expect(keys(await search('after:2026-01-10 before:2026-01-10'))).toEqual([]);
    // Set here only (one more vector or scene changes the tiny fixture's plans, see 'visual'): its picture, and an
    // indexed video whose stages run again (a model installed since), which is searched on what it has meanwhile.
    const setPicture = (vec: number[] | null) =>
      pg.query(`update scenes set image_vec = $2::vector, image_model = $3 where scene_id = $1`, [id('running0'), vec && `[${vec.join(',')}]`, vec && MODEL_A]);
    const setState = (key: string, state: string, firstIndexing: boolean) =>
      pg.query(`update videos set state = $2, first_indexing = $3 where video_id = $1`, [videoIds.get(key), state, firstIndexing]);
    await setPicture(unit(5));
    await setState('off', 'PROCESSING', false);
    try {
      const byPicture = await repo.searchByExample({ imageVector: { modelId: MODEL_A, vector: unit(5) }, faces: [] });
      expect(byPicture.hits.map((h) => h.sceneId)).not.toContain(id('running0'));
      expect(keys(await search('roadmap'))).toEqual(['off0']);
      // Its run again cancelled after a stage wrote (FAILED "Cancelled" until Retry): still searched on what it has.
      await setState('off', 'FAILED', false);
      expect(keys(await search('roadmap'))).toEqual(['off0']);
      // Done: searched from then on.
      await setState('running', 'INDEXED', false);
      expect(keys(await search('zeppelin'))).toEqual(['running0']);
      expect((await repo.searchByExample({ imageVector: { modelId: MODEL_A, vector: unit(5) }, faces: [] })).hits[0]!.sceneId).toBe(id('running0'));
    } finally {
      await setState('running', 'PROCESSING', true);
      await setState('off', 'INDEXED', false);
      await setPicture(null);
    }
  });

  it('after: and before: use the recorded creation time, else the import date', async () => {
    expect(keys(await search('after:2025-01-01 before:2025-12-31 revenue'))).toEqual(['call1']);
    expect(keys(await search('before:2024-12-31')).sort()).toEqual(['off0', 'off1']);
    expect(keys(await search('after:2024-06-15 before:2024-06-15')).sort()).toEqual(['off0', 'off1']);
    const today = new Date().toISOString().slice(0, 10);
    expect(keys(await search(`after:${today}`)).sort()).toEqual(['beach0', 'beach1', 'beach2']);
  });

  it('reports a bad date and runs the rest', async () => {
    const result = await search('before:someday sandcastle');
    expect(keys(result)).toEqual(['beach2']);
    expect(result.notes).toEqual(['before: needs a date like 2026-01-31 ("someday" is not one); it was left out.']);
  });

  it('says which filter found a scene when a filter alone did, and who a person: filter named', async () => {
    for (const h of (await search('person:lovelace')).hits) expect(h.filters).toEqual([{ kind: 'person', names: ['Ada Lovelace'] }]);
    expect(hit(await search('person:"Person 2"'), 'off0')!.filters).toEqual([{ kind: 'person', names: ['Person 2'] }]);
    const byVideo = hit(await search('video:img_2041'), 'beach1')!;
    expect(byVideo.reasons).toEqual(['video']);
    expect(byVideo.filters).toEqual([{ kind: 'video', title: 'Beach holiday' }]);
    const byDate = hit(await search('video:offsite before:2024-12-31'), 'off0')!;
    expect(byDate.reasons).toEqual(['video', 'date']);
    expect(byDate.filters).toEqual([
      { kind: 'video', title: 'Team offsite 2024' },
      { kind: 'date', after: null, before: '2024-12-31' },
    ]);
    // Found by its words: the words are why, the filters only narrowed the search.
    const byWords = hit(await search('after:2025-01-01 before:2025-12-31 revenue'), 'call1')!;
    expect(byWords.reasons).toEqual(['speech', 'text']);
    expect(byWords.filters).toEqual([]);
    const withPerson = hit(await search('person:ada revenue'), 'call1')!;
    expect(withPerson.filters).toEqual([{ kind: 'person', names: ['Ada Lovelace'] }]);
  });

  it('returns nothing for an empty query', async () => {
    expect(await search('   ')).toMatchObject({ hits: [], notes: [] });
  });
});

describe('visual', () => {
  const query = (axis: number, model = MODEL_A): ModelVector => ({ modelId: model, vector: unit(axis) });

  it('ranks by cosine similarity within the query vector\'s model only', async () => {
    const result = await search('seaside', query(4));
    everyHitIsMine(result);
    const visual = result.hits.filter((h) => h.reasons.includes('visual'));
    expect(keys({ ...result, hits: visual })[0]).toBe('beach0');
    // beach2 and call3 hold vectors of model B (beach2's is identical to the query): never compared.
    expect(keys(result)).not.toContain('beach2');
    expect(keys(result)).not.toContain('call3');
    expect(visual.length).toBe(7); // the user's seven live model-A scenes
    expect(hit(result, 'beach0')!.confident).toBe(true); // cosine 1
    expect(hit(result, 'off0')!.confident).toBe(false); // cosine 0
  });

  it('a model-B query never sees a model-A vector', async () => {
    const result = await search('seaside', query(4, MODEL_B));
    expect(keys(result).sort()).toEqual(['beach2', 'call3']);
  });

  it('fuses words and pictures: a scene found by both ranks first', async () => {
    const result = await search('marketing', query(0));
    expect(keys(result)[0]).toBe('call2');
    expect(hit(result, 'call2')!.reasons).toEqual(['speech', 'text', 'visual']);
    expect(hit(result, 'call2')!.score).toBeGreaterThan(hit(result, 'call0')!.score);
  });

  it('the planner uses the per-model HNSW index for the query as written', async () => {
    const db = drizzle(pg);
    await pg.exec('set enable_seqscan = off');
    try {
      const plan = async (where = ownScenes(LOCAL_USER_ID)) =>
        (await db.execute<{ 'QUERY PLAN': string }>(sql`explain ${nearestScenesQuery(query(4), where)}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const text = await plan();
      expect(text).toContain(`Index Scan using ${vectorIndexName(MODEL_A, DIM)}`);
      expect(text).not.toContain(vectorIndexName(MODEL_B, DIM));
      // Each row's distance is computed once (cosineNearestQuery orders by its name): the result names it once.
      const verbose = (await db.execute<{ 'QUERY PLAN': string }>(sql`explain verbose ${nearestScenesQuery(query(4), ownScenes(LOCAL_USER_ID))}`)).rows;
      const output = verbose.map((r) => r['QUERY PLAN']).find((line) => line.trim().startsWith('Output:'))!;
      expect(output.match(/<=>/g)).toHaveLength(1);
      // The search runs it prepared, with the plan made once for any values (prepared.ts): the same index.
      const generic = await makePreparedStatements(pg).plan(nearestScenesQuery(query(4), ownScenes(LOCAL_USER_ID)));
      expect(generic).toMatch(/user_id = \$\d/);
      expect(generic).toContain(`Index Scan using ${vectorIndexName(MODEL_A, DIM)}`);
      // As a search without a filter on the video runs it: the same index, and no scene's video read.
      const alone = await makePreparedStatements(pg).plan(nearestScenesQuery(query(4), ownScenes(LOCAL_USER_ID), { readsVideo: false }));
      expect(alone).toContain(`Index Scan using ${vectorIndexName(MODEL_A, DIM)}`);
      expect(alone).not.toMatch(/videos v\b|videos_pkey/);
      expect(generic).toMatch(/videos_pkey|videos v\b/);
    } finally {
      await pg.exec('reset enable_seqscan');
    }
  });

  it('takes the nearest pictures from an index in memory when it can answer, with the same hits', async () => {
    // The index holds what the source must hold: the searchable scenes' vectors of one model.
    const index = await makePictureIndex(DIM);
    const searchable = await drizzle(pg).execute<{ scene_id: string; v: string }>(
      sql`select s.scene_id, s.image_vec::text as v from ${FROM} where ${ownScenes(LOCAL_USER_ID)} and s.image_model = ${MODEL_A}`,
    );
    for (const r of searchable.rows) index.put(r.scene_id, JSON.parse(r.v) as number[]);
    const asked: string[] = [];
    const source: PictureSource = {
      nearest: (vector, k) => {
        asked.push(vector.modelId);
        return vector.modelId === MODEL_A ? index.nearest(vector.vector, k) : null;
      },
    };
    const inMemory = makeSearchRepo(pg, LOCAL_USER_ID, source);
    const both = async (raw: string, vector: ModelVector) => {
      const request = { query: parseQuery(raw), textVector: vector };
      const [fromMemory, fromStatement] = [await inMemory.searchScenes(request), await repo.searchScenes(request)];
      expect(fromMemory.hits.length).toBeGreaterThan(0);
      expect(fromMemory.hits).toEqual(fromStatement.hits);
    };
    await both('seaside', query(4));
    await both('marketing', query(0));
    expect(asked).toEqual([MODEL_A, MODEL_A]);
    // A model it does not hold: the statement answers, and a model-B query still sees only model B.
    await both('seaside', query(4, MODEL_B));
    expect(asked).toEqual([MODEL_A, MODEL_A, MODEL_B]);
    // A filter is read by the statements first: the index is not asked.
    await both('video:img_2041 seaside', query(4));
    expect(asked).toHaveLength(3);
    // More like this: the example's own picture, the example left out.
    const [fromMemory, fromStatement] = [await inMemory.moreLikeThis(id('call0')), await repo.moreLikeThis(id('call0'))];
    expect(asked).toEqual([MODEL_A, MODEL_A, MODEL_B, MODEL_A]);
    expect(keys(fromMemory)).not.toContain('call0');
    expect(keys(fromMemory).slice(0, 2)).toEqual(['call1', 'call2']);
    expect(fromMemory.hits).toEqual(fromStatement.hits);
  });

  it('creating the index again is harmless and names differ per model', async () => {
    expect(await repo.ensureVectorIndex(MODEL_A, DIM)).toBe(vectorIndexName(MODEL_A, DIM));
    expect(vectorIndexName(MODEL_A, DIM)).not.toBe(vectorIndexName(MODEL_B, DIM));
    expect(vectorIndexName("it's; drop table scenes", 512)).toMatch(/^scenes_image_vec_512_[0-9a-f]{8}$/);
    await repo.ensureVectorIndex("it's a model", DIM);
    const { rows } = await pg.query<{ n: number }>("select count(*)::int as n from pg_indexes where indexname like 'scenes_image_vec_%'");
    expect(rows[0]!.n).toBe(3);
  });
});

describe('the vector index follows the pipeline', () => {
  it('storing a model\'s first image vectors creates its HNSW index', async () => {
    const fresh = await openTestDatabase();
    try {
      const api = makeDbApi(fresh, LOCAL_USER_ID);
      const created = await api.createVideo({ title: 'v', fileName: 'v.mp4', sizeBytes: 1, mime: 'video/mp4', contentSha256: 'sha' });
      await api.queueVideo(created.videoId, ['SCENE_DETECT', 'VISION_EMBED']);
      for (const [stage, writes] of [
        ['SCENE_DETECT', [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 4 }] }]],
        ['VISION_EMBED', [{ kind: 'imageVectors', modelId: 'clip-c', vectors: [{ idx: 0, vector: unit(2) }] }]],
      ] as const) {
        expect(await api.startStage(created.videoId, stage)).not.toBeNull();
        expect(await api.completeStage(created.videoId, stage, { outcome: 'done', writes: writes as never })).toBe(true);
      }
      const { rows } = await fresh.query<{ indexdef: string }>('select indexdef from pg_indexes where indexname = $1', [vectorIndexName('clip-c', DIM)]);
      expect(rows[0]?.indexdef).toContain(
        "USING hnsw (((image_vec)::vector(8)) vector_cosine_ops) WITH (ef_construction='128') WHERE (image_model = 'clip-c'::text)",
      );
    } finally {
      await fresh.close();
    }
  });
});

describe('the warm-up as the library opens', () => {
  const statements = async (db: PGlite) => (await db.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);

  it('the full-text list parses its words once per statement, with one plan for any words', async () => {
    for (const words of [['alpha'], ['alpha', 'beta']]) {
      const plan = await makePreparedStatements(pg).plan(fullTextQuery(words, filtersOf(LOCAL_USER_ID, parseQuery(words.join(' ')), new Map())));
      expect(plan).toMatch(/user_id = \$\d/); // the generic plan, not one made for these values
      // Each tsquery is an InitPlan's value: matched and ranked on, never parsed again per row.
      expect(plan).toMatch(/search_tsv @@ \(InitPlan \d+\)\.col1/);
      expect(plan).toMatch(/ts_rank_cd\(\w+\.search_tsv, \(InitPlan \d+\)\.col1\)/);
      expect(plan).not.toContain('websearch_to_tsquery');
      // Without a filter on the video no scene's video is read (ownScenes, FROM): the videos not searched are read once.
      expect(plan).not.toMatch(/videos v\b|videos_pkey/);
      expect(plan).toMatch(/on videos h\b/);
    }
  });

  it('prepares the statements of a hybrid search, and runs on an empty library too', async () => {
    const hybrid = (list: string[]) => list.filter((s) => s.includes('query_vector') && s.includes('scenes_image_vec') === false).length;
    const before = await statements(pg);
    await makeSearchRepo(pg, LOCAL_USER_ID).warmUp();
    const after = await statements(pg);
    expect(hybrid(after)).toBeGreaterThan(hybrid(before)); // the nearest-neighbour list, with a vector of the library's own
    const details = (list: string[]) => list.filter((s) => s.includes("'words_confident'")).length; // the hit details
    expect(details(after)).toBeGreaterThan(details(before));
    // The full-text list too (a word of the library's and one it lacks: both tiers).
    expect(after.filter((s) => s.includes('every_term')).length).toBeGreaterThan(before.filter((s) => s.includes('every_term')).length);

    const empty = await openTestDatabase();
    try {
      await expect(makeSearchRepo(empty, LOCAL_USER_ID).warmUp()).resolves.toBeUndefined();
      expect((await statements(empty)).some((s) => s.includes('query_vector'))).toBe(false); // no picture vectors: words only
    } finally {
      await empty.close();
    }
  });
});

describe('search by example', () => {
  it('finds the nearest pictures of the same model and leaves the example scene out', async () => {
    const result = await repo.moreLikeThis(id('call0'));
    everyHitIsMine(result);
    expect(keys(result)).not.toContain('call0');
    expect(keys(result).slice(0, 2)).toEqual(['call1', 'call2']);
    expect(keys(result)).not.toContain('call3'); // model B
    expect(hit(result, 'call1')!.confident).toBe(true); // cosine 0.97
    expect(hit(result, 'beach0')!.confident).toBe(false); // cosine 0
    expect(hit(result, 'call1')!.reasons).toEqual(['visual']);
  });

  it('finds a face among faces of the same model, then every scene of that person', async () => {
    const result = await repo.searchByExample({ imageVector: null, faces: [{ modelId: FACE_MODEL_ID, vector: face(1, 3) }] });
    everyHitIsMine(result);
    // Direct: call1, beach2 (Ada) and call2 (an unclustered face of hers). call3's face is another model's.
    expect(keys(result).sort()).toEqual(['beach2', 'call1', 'call2']);
    for (const h of result.hits) {
      expect(h.confident).toBe(true);
      expect(h.reasons).toEqual(['person']);
    }
  });

  it('a face farther than a confident match is a weaker match, and says how close it is', async () => {
    // 0.48 from Ada's face in call1, ~0.50 from her other two: past FACE_MATCH_THRESHOLD, within FACE_WEAK_THRESHOLD.
    const vector = face(1, 0).map((x, i) => (i === 112 ? 0.48 : x));
    const result = await repo.searchByExample({ imageVector: null, faces: [{ modelId: FACE_MODEL_ID, vector }] });
    expect(keys(result).sort()).toEqual(['beach2', 'call1', 'call2']);
    for (const h of result.hits) {
      expect(h.confident).toBe(false);
      expect(h.reasons).toEqual(['person']);
    }
    expect(hit(result, 'call1')!.face).toEqual({ percent: faceMatchPercent(0.48), confident: false });
    expect(hit(result, 'call1')!.face!.percent).toBeGreaterThan(50);
    expect(hit(result, 'call1')!.face!.percent).toBeLessThan(80);
  });

  /** Person 2's two faces either side of their centroid c, `spread` from it; runs `check` and puts them back. */
  async function withPerson2Spread(spread: number, check: (near: (by: number) => number[]) => Promise<void>): Promise<void> {
    const c = face(2, 0).map((x, i) => (i === 2 ? x : 0));
    const shifted = (i: number, by: number) => c.map((x, j) => (j === i ? by : x));
    const vec = (v: number[]) => `[${v.join(',')}]`;
    const setFace = (scene: string, v: number[]) => pg.query('update faces set embedding = $2::vector where scene_id = $1', [id(scene), vec(v)]);
    await setFace('beach0', shifted(110, spread));
    await setFace('off0', shifted(110, -spread));
    await pg.query('update face_profiles set centroid = $2::vector where person_id = $1', [personIds.get('p2'), vec(c)]);
    try {
      // An example `by` from c, in a direction of its own: sqrt(by² + spread²) from each face.
      await check((by) => shifted(111, by));
    } finally {
      await setFace('beach0', face(2, 0));
      await setFace('off0', face(2, 1));
      await pg.query('update face_profiles set centroid = null where person_id = $1', [personIds.get('p2')]);
    }
  }
  const byExample = (vector: number[]) => repo.searchByExample({ imageVector: null, faces: [{ modelId: FACE_MODEL_ID, vector }] });

  it("matches a person's profile (the centroid of their faces) where no single face is close enough", async () => {
    // The example is 0.35 from c and 0.57 from each face; the profile's spread (0.45) earns it the full allowance.
    await withPerson2Spread(0.45, async (near) => {
      const result = await byExample(near(0.35));
      expect(keys(result).sort()).toEqual(['beach0', 'off0']);
      for (const h of result.hits) {
        expect(h.confident).toBe(true);
        expect(h.face!.percent).toBe(faceMatchPercent(0.35 - PROFILE_ALLOWANCE_MAX));
      }
    });
  });

  it("lets a photo lie farther from a profile whose faces differ (its spread), within a bound", async () => {
    // 0.44 from c: past FACE_MATCH_THRESHOLD, but a profile of faces 0.45 apart from c allows PROFILE_ALLOWANCE_MAX.
    await withPerson2Spread(0.45, async (near) => {
      expect((await byExample(near(0.44))).hits.map((h) => h.confident)).toEqual([true, true]);
      // Never farther than the bound: 0.455 - 0.03 is past the confident distance.
      expect((await byExample(near(0.455))).hits.map((h) => h.confident)).toEqual([false, false]);
    });
    // Faces close to their centroid (spread 0.04) earn a quarter of that: 0.44 stays a weaker match.
    await withPerson2Spread(0.04, async (near) => {
      const result = await byExample(near(0.44));
      expect(keys(result).sort()).toEqual(['beach0', 'off0']);
      expect(result.hits.map((h) => h.confident)).toEqual([false, false]);
      expect(result.hits[0]!.face!.percent).toBe(faceMatchPercent(0.44 - profileAllowance(0.04, 2)));
    });
  });

  it('more like this uses the scene\'s faces when it has no picture embedding', async () => {
    await pg.query('update scenes set image_vec = null, image_model = null where scene_id = $1', [id('beach2')]);
    try {
      const result = await repo.moreLikeThis(id('beach2'));
      expect(keys(result).sort()).toEqual(['call1', 'call2']);
    } finally {
      await pg.query(`update scenes set image_vec = $2::vector, image_model = $3 where scene_id = $1`, [id('beach2'), `[${unit(4).join(',')}]`, MODEL_B]);
    }
  });

  it('finds nobody for a stranger\'s face, and says so', async () => {
    const result = await repo.searchByExample({ imageVector: null, faces: [{ modelId: FACE_MODEL_ID, vector: face(50) }] });
    expect(result.hits).toEqual([]);
    expect(result.notes).toEqual(['No one in your videos looks like the face in the example.']);
  });

  it('another user\'s scene cannot be used as an example', async () => {
    const result = await repo.moreLikeThis(id('theirs0'));
    expect(result.hits).toEqual([]);
    expect(result.notes).toEqual(['That scene is no longer in your library.']);
  });
});

describe('user scoping', () => {
  it('another user sees only their own rows', async () => {
    const theirs = makeSearchRepo(pg, OTHER_USER);
    const result = await theirs.searchScenes({ query: parseQuery('quarterly revenue'), textVector: { modelId: MODEL_A, vector: unit(0) } });
    expect(result.hits.map((h) => keyOf(h.sceneId))).toEqual(['theirs0']);
    expect(keys(await theirs.searchScenes({ query: parseQuery('person:ada'), textVector: null }))).toEqual(['theirs0']);
  });
});

describe('the moment to play from in a long video', () => {
  it('is the best segment overlapping the scene, one that began before it included, never one before it', async () => {
    // A lecture with a scene ten minutes in; full text of "pythagoras" everywhere else would rank other scenes.
    const filler = Array.from({ length: 200 }, (_, i) => ({ start: i * 3, end: i * 3 + 3, text: `filler talk number ${i}` }));
    await addVideo(LOCAL_USER_ID, 'lecture', 'Geometry lecture', 'lecture.mp4', {}, [{ key: 'lecture0', start: 600, end: 610, transcript: 'pythagoras pythagoras pythagoras and pythagoras again' }], [
      ...filler,
      { start: 10, end: 14, text: 'pythagoras pythagoras pythagoras pythagoras' }, // long before the scene
      { start: 576, end: 603, text: 'pythagoras pythagoras pythagoras' }, // 27 s long, from 24 s before the scene: the best
      { start: 605, end: 609, text: 'pythagoras again' },
    ]);
    const lecture = (await search('pythagoras')).hits.find((h) => h.sceneId === id('lecture0'))!;
    expect(lecture.reasons).toContain('speech');
    expect(lecture.playFromS).toBe(600);
    // Without the segment that began before the scene, the one inside it.
    await pg.query(`update transcript_segments set deleted = true where start_s = 576`);
    expect((await search('pythagoras')).hits.find((h) => h.sceneId === id('lecture0'))!.playFromS).toBe(605);
  });
});
