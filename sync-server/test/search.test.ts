// @vitest-environment node
// POST /search through the real app (`app.request()`), filled through the real sync push as devices fill it, on
// embedded PGlite and over the Postgres wire: the app's query language, why each hit matched, the device holding
// the video, models never mixed, users never mixed, deleted rows gone, and recall for a small user among many.
import { randomUUID } from 'node:crypto';
import type { SearchResponse, VideoRow } from '@heimdex/shared-schema/protocol';
import { fillOcrWords, ownScenes } from '@heimdex/shared-schema/search';
import { encodeVector } from '@heimdex/shared-schema/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { selectRows } from '../src/db/rows.ts';
import type { Db } from '../src/db/types.ts';
import { nearestStatement } from '../src/search/repository.ts';
import { makeVectorIndexes, vectorIndexName } from '../src/search/vector-index.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';
import { api, randomVector, signUp, SimDevice } from './sync-client.ts';

const UNLIMITED = { perUser: { name: 'sync-user', limit: 1e6, windowS: 60 }, perIp: { name: 'sync-ip', limit: 1e6, windowS: 60 } };
const MODEL_A = 'clip-a';
const MODEL_B = 'clip-b';
const DIM = 8;
const sha = (n: number) => n.toString(16).padStart(64, '0');

/** A unit vector along one axis. */
const axis = (i: number, dim = DIM) => Float32Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0));
const wire = (model: string, values: Float32Array) => ({ model, data: encodeVector(values) });

const video = (deviceId: string, title: string): VideoRow => ({
  title,
  fileName: `${title.toLowerCase().replace(/\W+/g, '-')}.mp4`,
  sizeBytes: 1_000_000,
  contentSha256: sha(title.length * 7919 + title.charCodeAt(0)),
  mime: 'video/mp4',
  durationS: 60,
  width: 1280,
  height: 720,
  fps: 25,
  state: 'INDEXED',
  error: null,
  metadata: {},
  firstIndexing: false,
  deviceId,
  createdAt: '2026-11-20T10:00:00.000Z',
});

interface SceneSpec {
  idx: number;
  transcript?: string;
  ocr?: string;
  vec?: { model: string; values: Float32Array } | null;
  /** The scene's meaning vector (text_vec). */
  meaning?: { model: string; values: Float32Array };
}
const scene = (videoId: string, s: SceneSpec) => ({
  videoId,
  idx: s.idx,
  startS: s.idx * 10,
  endS: s.idx * 10 + 10,
  keyframeS: s.idx * 10 + 5,
  transcript: s.transcript ?? '',
  ocrText: s.ocr ?? '',
  thumbnailSha256: sha(500 + s.idx),
  imageVec: s.vec ? wire(s.vec.model, s.vec.values) : null,
  textVec: s.meaning ? wire(s.meaning.model, s.meaning.values) : null,
});
const MEANING_MODEL = 'meaning-a';

/** Cosine similarity, for the exact answer the server's must match. */
function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe.each(TEST_DATABASES)('search on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;
  const ids = new Map<string, string>();
  const id = (key: string) => ids.get(key)!;
  let tokenA: string;
  let tokenB: string;
  let laptopA: string;

  const searchAs = async (token: string, body: unknown) => {
    const res = await app.request('/search', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as SearchResponse & { error?: string; field?: string } };
  };
  const found = async (token: string, body: unknown) => {
    const { status, body: answer } = await searchAs(token, body);
    expect(status, JSON.stringify(answer)).toBe(200);
    return answer;
  };
  const keysOf = (answer: SearchResponse) => answer.hits.map((h) => [...ids].find(([, v]) => v === h.sceneId)?.[0] ?? h.sceneId);

  /** A signed-up user's device, pushing its rows through /sync/push. */
  async function deviceOf(token: string, name: string) {
    const client = api(app, token);
    return new SimDevice(client, await client.registerDevice(name));
  }

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT }, sync: { rateLimits: UNLIMITED } });
    tokenA = await signUp(app, `a-${randomUUID().slice(0, 8)}@example.org`);
    tokenB = await signUp(app, `b-${randomUUID().slice(0, 8)}@example.org`);

    // User A: a call with slides (model A pictures), a holiday clip with Ada in it, a scene embedded by model B
    // with the very vector of the call's picture, and a video later deleted on the device.
    const laptop = await deviceOf(tokenA, "Ada's laptop");
    laptopA = laptop.deviceId;
    for (const key of ['call', 'holiday', 'deleted', 'callB', 'secret', 'intro', 'beach', 'modelB', 'sign', 'ada', 'grace']) ids.set(key, randomUUID());
    laptop.write('video', { videoId: id('call') }, video(laptop.deviceId, 'Quarterly call'));
    laptop.write('video', { videoId: id('holiday') }, video(laptop.deviceId, 'Holiday'));
    laptop.write('video', { videoId: id('deleted') }, video(laptop.deviceId, 'Old draft'));
    laptop.write('scene', { sceneId: id('intro') }, scene(id('call'), {
      idx: 0,
      transcript: 'Welcome everyone. Our quarterly revenue grew twelve percent this year.',
      ocr: 'Q3 REVENUE',
      vec: { model: MODEL_A, values: axis(0) },
      meaning: { model: MEANING_MODEL, values: axis(2) },
    }));
    laptop.write('segment', { segmentId: randomUUID() }, { videoId: id('call'), startS: 0, endS: 3, text: 'Welcome everyone.' });
    laptop.write('segment', { segmentId: randomUUID() }, { videoId: id('call'), startS: 3.5, endS: 9, text: 'Our quarterly revenue grew twelve percent this year.' });
    laptop.write('scene', { sceneId: id('beach') }, scene(id('holiday'), {
      idx: 0,
      transcript: 'The waves at the beach were huge.',
      vec: { model: MODEL_A, values: axis(1) },
    }));
    laptop.write('scene', { sceneId: id('modelB') }, scene(id('holiday'), {
      idx: 1,
      transcript: 'Sunset over the harbour.',
      vec: { model: MODEL_B, values: axis(0) },
    }));
    // A sign OCR read without its space: the server splits its words as the app does.
    laptop.write('scene', { sceneId: id('sign') }, scene(id('holiday'), { idx: 2, ocr: 'WETPAINT do not touch' }));
    laptop.write('scene', { sceneId: id('secret') }, scene(id('deleted'), {
      idx: 0,
      transcript: 'The confidential roadmap slide.',
      vec: { model: MODEL_A, values: axis(0) },
      meaning: { model: MEANING_MODEL, values: axis(2) },
    }));
    laptop.write('person', { personId: id('ada') }, { name: 'Ada Lovelace', number: 1, centroid: null, hidden: false });
    laptop.write('person', { personId: id('grace') }, { name: 'Grace Hopper', number: 2, centroid: null, hidden: false });
    laptop.write('scenePerson', { sceneId: id('beach'), personId: id('ada') }, {});
    await laptop.pushAll();
    // Deleted on the device afterwards: a tombstone for the video (its scene row stays live on the server).
    laptop.write('video', { videoId: id('deleted') }, null);
    await laptop.pushAll();

    // User B: a scene that matches A's words and A's picture.
    const phone = await deviceOf(tokenB, "Bo's phone");
    ids.set('videoB', randomUUID());
    phone.write('video', { videoId: id('videoB') }, video(phone.deviceId, 'Board meeting'));
    phone.write('scene', { sceneId: id('callB') }, scene(id('videoB'), {
      idx: 0,
      transcript: 'The quarterly revenue and the confidential roadmap.',
      vec: { model: MODEL_A, values: axis(0) },
      meaning: { model: MEANING_MODEL, values: axis(2) },
    }));
    await phone.pushAll();
  });
  afterAll(() => close());

  it('finds the pushed scene by its words, says why, highlights them and names the device holding the video', async () => {
    const answer = await found(tokenA, { query: 'quarterly revenue' });
    expect(keysOf(answer)).toEqual(['intro']);
    const [hit] = answer.hits;
    expect(hit).toMatchObject({
      videoId: id('call'),
      videoTitle: 'Quarterly call',
      confident: true,
      thumbnailSha256: sha(500),
      device: { id: laptopA, name: "Ada's laptop" },
      // The spoken words' moment, from the transcript segment that holds them.
      playFromS: 3.5,
    });
    expect(hit!.reasons).toEqual(['speech', 'text']);
    const speech = hit!.snippets.find((s) => s.source === 'speech')!;
    expect(speech.parts.map((p) => p.text).join('')).toBe('Welcome everyone. Our quarterly revenue grew twelve percent this year.');
    expect(speech.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['quarterly revenue']);
    expect(hit!.snippets.find((s) => s.source === 'text')!.parts).toEqual([
      { text: 'Q3 ', highlight: false },
      { text: 'REVENUE', highlight: true },
    ]);
    expect(answer.query.words).toEqual(['quarterly', 'revenue']);
  });

  it('finds a scene by meaning with no word in common: its own user’s, live, same meaning model only', async () => {
    const answer = await found(tokenA, { query: 'sales increased', meaningVector: wire(MEANING_MODEL, axis(2)) });
    expect(keysOf(answer)).toEqual(['intro']);
    expect(answer.hits[0]).toMatchObject({ reasons: ['meaning'], confident: true });
    expect(keysOf(await found(tokenA, { query: 'sales increased', meaningVector: wire('meaning-b', axis(2)) }))).toEqual([]);
    // A query of filters only asks nothing of meaning.
    expect(keysOf(await found(tokenA, { query: 'video:holiday', meaningVector: wire(MEANING_MODEL, axis(2)) })).sort()).toEqual(['beach', 'modelB', 'sign']);
  });

  it('gives meaning vectors their own per-model index, which a large library is searched through', async () => {
    const model = { kind: 'text' as const, modelId: MEANING_MODEL, dim: DIM };
    const indexNames = async () =>
      (await selectRows<{ indexname: string }>(database.db, sql`select indexname from pg_indexes where tablename = 'scenes'`)).map((r) => r.indexname);
    expect(vectorIndexName(model)).not.toBe(vectorIndexName({ ...model, kind: 'image' }));
    expect(await indexNames()).not.toContain(vectorIndexName(model));
    const [holder] = await selectRows<{ user_id: string }>(database.db, sql`select user_id from scenes where text_model = ${MEANING_MODEL} limit 1`);
    await makeVectorIndexes(database.db, () => {}, { minUserRows: 0 }).ensure([model], holder!.user_id);
    expect(await indexNames()).toContain(vectorIndexName(model));
    const [made] = await selectRows<{ indexdef: string }>(database.db, sql`select indexdef from pg_indexes where indexname = ${vectorIndexName(model)}`);
    expect(made!.indexdef).toContain("vector_cosine_ops) WITH (ef_construction='128') WHERE");
    // A handful of rows would be sorted rather than looked up: the index must be usable, which only the
    // planner's last resort shows on a table this small.
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_sort = off`);
      return (await selectRows<{ 'QUERY PLAN': string }>(tx as Db, sql`
        explain ${nearestStatement(ownScenes(holder!.user_id), model, axis(2), 'index')}`)).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(`Index Scan using ${vectorIndexName(model)}`);
    // Every user "large": the answer comes through the index, and is the same.
    const indexed = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT }, search: { exactScanMax: 0 } });
    const res = await indexed.request('/search', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'sales increased', meaningVector: wire(MEANING_MODEL, axis(2)) }),
    });
    const answer = (await res.json()) as SearchResponse;
    expect(answer.hits.map((h) => h.sceneId)[0]).toBe((await found(tokenA, { query: 'sales increased', meaningVector: wire(MEANING_MODEL, axis(2)) })).hits[0]!.sceneId);
    expect(answer.hits[0]).toMatchObject({ reasons: ['meaning'], confident: true });
  });

  it('forgives a typo as the app does', async () => {
    const answer = await found(tokenA, { query: 'quartely' });
    expect(keysOf(answer)).toEqual(['intro']);
    expect(answer.hits[0]!.reasons).toContain('speech');
    expect(answer.hits[0]!.snippets[0]!.parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['quarterly']);
    // Two slips in a longer word, confidently, as the app forgives them.
    const twoSlips = await found(tokenA, { query: 'quartrly' });
    expect(keysOf(twoSlips)).toEqual(['intro']);
    expect(twoSlips.hits[0]!.confident).toBe(true);
  });

  it('takes a rare word the library holds as meant, as the app does: a word spelt like it is a weaker match', async () => {
    const token = await signUp(app, `c-${randomUUID().slice(0, 8)}@example.org`);
    const laptop = await deviceOf(token, "Cy's laptop");
    const [studio, motto, sign] = [randomUUID(), randomUUID(), randomUUID()];
    laptop.write('video', { videoId: studio }, video(laptop.deviceId, 'Studio'));
    laptop.write('scene', { sceneId: motto }, scene(studio, { idx: 0, transcript: 'No pain, no gain.' }));
    laptop.write('scene', { sceneId: sign }, scene(studio, { idx: 1, ocr: 'Fresh paint' }));
    await laptop.pushAll();
    const answer = await found(token, { query: 'pain' });
    expect(answer.hits.filter((h) => h.confident).map((h) => h.sceneId)).toEqual([motto]);
    expect(answer.hits.map((h) => h.sceneId)).toEqual([motto, sign]);
  });

  it('finds a word of a sign OCR glued, as the app does: a confident on-screen text match', async () => {
    for (const query of ['wet', 'paint', 'do not touch']) {
      const answer = await found(tokenA, { query });
      expect(keysOf(answer), query).toEqual(['sign']);
      expect(answer.hits[0], query).toMatchObject({ confident: true, reasons: ['text'] });
    }
    expect((await found(tokenA, { query: 'wet' })).hits[0]!.snippets).toEqual([
      { source: 'text', parts: [{ text: 'WETPAINT', highlight: true }, { text: ' do not touch', highlight: false }] },
    ]);
  });

  it('splits the glued words of scenes stored before the split existed (the start-up backfill), on this driver', async () => {
    await database.db.execute(sql`update scenes set ocr_words = null where scene_id = ${id('sign')}`);
    expect(keysOf(await found(tokenA, { query: 'wet' }))).toEqual([]);
    expect(await fillOcrWords((q) => selectRows(database.db, q))).toBe(1);
    expect(await selectRows(database.db, sql`select ocr_words from scenes where scene_id = ${id('sign')}`)).toEqual([{ ocr_words: 'wet paint' }]);
    expect(keysOf(await found(tokenA, { query: 'wet' }))).toEqual(['sign']);
  });

  it('filters by person, by full name or first name, and lists who is in the scene', async () => {
    const answer = await found(tokenA, { query: 'person:Ada' });
    expect(keysOf(answer)).toEqual(['beach']);
    expect(answer.hits[0]).toMatchObject({ reasons: ['person'], people: ['Ada Lovelace'], confident: true });
    expect(keysOf(await found(tokenA, { query: 'person:"Ada Lovelace" waves' }))).toEqual(['beach']);
    expect(keysOf(await found(tokenA, { query: 'person:Grace' }))).toEqual([]);
    expect(keysOf(await found(tokenA, { query: 'person:Ada quarterly' }))).toEqual([]);
  });

  it('finds a named person by a name typed without person:, as the app does', async () => {
    const answer = await found(tokenA, { query: 'lovelace' });
    expect(keysOf(answer)).toEqual(['beach']);
    expect(answer.hits[0]).toMatchObject({ reasons: ['person'], people: ['Ada Lovelace'], confident: true, filters: [{ kind: 'person', names: ['Ada Lovelace'] }] });
    expect(keysOf(await found(tokenB, { query: 'lovelace' }))).toEqual([]);
  });

  it('compares a query vector only with pictures of the same model, through that model’s own index', async () => {
    const answer = await found(tokenA, { query: 'slides', vector: wire(MODEL_A, axis(0)) });
    expect(keysOf(answer)).toEqual(['intro', 'beach']);
    expect(answer.hits[0]!.reasons).toEqual(['visual']);
    expect(answer.hits[0]!.confident).toBe(true);
    // The model-B scene holds the very same vector and is never compared.
    expect(keysOf(await found(tokenA, { query: '', vector: wire(MODEL_B, axis(0)) }))).toEqual(['modelB']);
    const unknown = await found(tokenA, { query: '', vector: wire('clip-c', axis(0)) });
    expect(unknown.hits).toEqual([]);
    expect(unknown.notes).toContain('No scene has a picture embedding from the same visual model yet.');
    // A vector of another size under model A's id: no scene of that size, nothing compared.
    expect((await found(tokenA, { query: '', vector: wire(MODEL_A, axis(0, 4)) })).hits).toEqual([]);
    // A small library is searched by an exact scan: no index is built for it (every later insert would pay for it)…
    const indexNames = async () =>
      (await selectRows<{ indexname: string }>(database.db, sql`select indexname from pg_indexes where tablename = 'scenes'`)).map((r) => r.indexname);
    const models = [MODEL_A, MODEL_B].map((modelId) => ({ kind: 'image' as const, modelId, dim: DIM }));
    for (const model of models) expect(await indexNames()).not.toContain(vectorIndexName(model));
    // …until a user holds more scenes of the model than the exact-scan limit.
    for (const model of models) {
      const [holder] = await selectRows<{ user_id: string }>(database.db, sql`select user_id from scenes where image_model = ${model.modelId} limit 1`);
      const held = (minUserRows: number) => makeVectorIndexes(database.db, () => {}, { minUserRows }).ensure([model], holder!.user_id);
      await held(1_000); // the user holds fewer: still no index
      expect(await indexNames()).not.toContain(vectorIndexName(model));
      await held(0);
    }
    expect(await indexNames()).toContain(vectorIndexName(models[0]!));
    expect(await indexNames()).toContain(vectorIndexName(models[1]!));
  });

  it('never shows one user another user’s scenes, by words or by picture', async () => {
    expect(keysOf(await found(tokenB, { query: 'quarterly revenue' }))).toEqual(['callB']);
    expect(keysOf(await found(tokenB, { query: '', vector: wire(MODEL_A, axis(0)) }))).toEqual(['callB']);
    expect(keysOf(await found(tokenB, { query: 'person:Ada' }))).toEqual([]);
    expect(keysOf(await found(tokenA, { query: 'board meeting' }))).toEqual([]);
    const b = await found(tokenB, { query: 'roadmap' });
    expect(keysOf(b)).toEqual(['callB']);
    expect(b.hits[0]!.device.name).toBe("Bo's phone");
  });

  it('leaves out the scenes of a deleted video', async () => {
    expect(keysOf(await found(tokenA, { query: 'confidential roadmap' }))).toEqual([]);
    expect(keysOf(await found(tokenA, { query: '', vector: wire(MODEL_A, axis(0)) }))).not.toContain('secret');
  });

  it('leaves out a video its device is still indexing for the first time, until the device sends it done', async () => {
    const tablet = await deviceOf(tokenA, "Ada's tablet");
    const [videoId, sceneId] = [randomUUID(), randomUUID()];
    ids.set('zeppelin', sceneId);
    tablet.write('video', { videoId }, { ...video(tablet.deviceId, 'Airship day'), state: 'PROCESSING', firstIndexing: true });
    tablet.write('scene', { sceneId }, scene(videoId, { idx: 0, transcript: 'The zeppelin takes off.' }));
    await tablet.pushAll();
    expect(keysOf(await found(tokenA, { query: 'zeppelin' }))).toEqual([]);
    tablet.write('video', { videoId }, video(tablet.deviceId, 'Airship day'));
    await tablet.pushAll();
    expect(keysOf(await found(tokenA, { query: 'zeppelin' }))).toEqual(['zeppelin']);
    // An app made before the field existed sends none: searched, as such apps did.
    const { firstIndexing: _, ...older } = { ...video(tablet.deviceId, 'Airship day'), state: 'PROCESSING' as const };
    tablet.write('video', { videoId }, older as VideoRow);
    await tablet.pushAll();
    expect(keysOf(await found(tokenA, { query: 'zeppelin' }))).toEqual(['zeppelin']);
  });

  it('refuses a bad request naming the field, and a signed-out or oversized one', async () => {
    expect(await searchAs(tokenA, {})).toMatchObject({ status: 400, body: { field: 'query', error: 'query is required.' } });
    expect(await searchAs(tokenA, { query: 'x', limit: 0 })).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await searchAs(tokenA, { query: 'x', vector: { model: MODEL_A, data: 'not base64!' } })).toMatchObject({
      status: 400,
      body: { field: 'vector.data', error: 'vector.data must be base64 of float32 values.' },
    });
    expect(await searchAs(tokenA, { query: 'x', vector: { data: encodeVector(axis(0)) } })).toMatchObject({ status: 400, body: { field: 'vector.model' } });
    const signedOut = await app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"x"}' });
    expect(signedOut.status).toBe(401);
    const huge = await app.request('/search', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x'.repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await (await app.request('/health')).json()) as unknown).toMatchObject({ features: { search: true } });
  });

  describe('a small user among many', () => {
    const DIM_R = 32;
    const OTHERS = 4;
    const OTHER_SCENES = 1250;
    const SMALL_SCENES = 50;
    let tokenSmall: string;
    const small = new Map<string, Float32Array>();

    /** One video of `count` scenes with random pictures, pushed in batches as a device sends them. */
    async function fill(token: string, count: number, seed: number, keep?: Map<string, Float32Array>) {
      const device = await deviceOf(token, 'Desktop');
      const videoId = randomUUID();
      device.write('video', { videoId }, video(device.deviceId, `Library ${seed}`));
      for (let i = 0; i < count; i++) {
        const sceneId = randomUUID();
        const values = randomVector(DIM_R, seed * 100_000 + i + 1);
        keep?.set(sceneId, values);
        device.write('scene', { sceneId }, scene(videoId, { idx: i, transcript: `scene ${i}`, vec: { model: 'clip-r', values } }));
      }
      await device.pushAll(1000);
    }

    beforeAll(async () => {
      for (let u = 0; u < OTHERS; u++) await fill(await signUp(app, `o${u}-${randomUUID().slice(0, 8)}@example.org`), OTHER_SCENES, u + 1);
      tokenSmall = await signUp(app, `small-${randomUUID().slice(0, 8)}@example.org`);
      await fill(tokenSmall, SMALL_SCENES, 99, small);
    }, 600_000);

    /** recall@10 of the server's visual hits against the exact top 10 of the user's own vectors. */
    async function recallAt10(server: ReturnType<typeof buildApp>, query: Float32Array): Promise<number> {
      const exact = [...small].sort((a, b) => cosine(b[1], query) - cosine(a[1], query)).slice(0, 10).map(([k]) => k);
      const res = await server.request('/search', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenSmall}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '', vector: wire('clip-r', query), limit: 10 }),
      });
      expect(res.status).toBe(200);
      const got = ((await res.json()) as SearchResponse).hits.map((h) => h.sceneId);
      expect(got).toHaveLength(10);
      return exact.filter((k) => got.includes(k)).length / 10;
    }

    it('finds every one of its 10 nearest scenes, by exact scan and through the shared HNSW index', async () => {
      const total = await selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from scenes where image_model = 'clip-r'`);
      expect(Number(total[0]!.n)).toBe(OTHERS * OTHER_SCENES + SMALL_SCENES);
      // Forcing the index path: every user is "large", so the HNSW index with iterative scans answers.
      const indexed = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT }, search: { exactScanMax: 0 } });
      const [holder] = await selectRows<{ user_id: string }>(database.db, sql`select user_id from scenes where image_model = 'clip-r' limit 1`);
      await makeVectorIndexes(database.db, () => {}, { minUserRows: 0 }).ensure([{ kind: 'image', modelId: 'clip-r', dim: DIM_R }], holder!.user_id);
      for (let q = 0; q < 5; q++) {
        const query = randomVector(DIM_R, 7_000_000 + q);
        expect(await recallAt10(app, query)).toBe(1);
        expect(await recallAt10(indexed, query)).toBe(1);
      }
      // And the two ways are what they say: the index serves only the indexed one.
      const [owner] = await selectRows<{ user_id: string }>(database.db, sql`select user_id from scenes where scene_id = ${[...small.keys()][0]!}`);
      const model = { kind: 'image' as const, modelId: 'clip-r', dim: DIM_R };
      const plan = async (way: 'exact' | 'index') =>
        (await selectRows<{ 'QUERY PLAN': string }>(database.db, sql`explain ${nearestStatement(ownScenes(owner!.user_id), model, randomVector(DIM_R, 5), way)}`))
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      expect(await plan('index')).toContain(`Index Scan using ${vectorIndexName(model)}`);
      expect(await plan('exact')).not.toContain('scenes_image_vec_srv');
      // The target scene's own picture is its first hit either way.
      const [targetId, target] = [...small][17]!;
      for (const server of [app, indexed]) {
        const res = await server.request('/search', {
          method: 'POST',
          headers: { authorization: `Bearer ${tokenSmall}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '', vector: wire('clip-r', target) }),
        });
        expect(((await res.json()) as SearchResponse).hits[0]!.sceneId).toBe(targetId);
      }
    }, 300_000);
  });

  describe('a user with many videos', () => {
    const DIM_L = 32;
    const VIDEOS = 40;
    const SCENES_PER_VIDEO = 50;
    const model = { kind: 'image' as const, modelId: 'clip-l', dim: DIM_L };
    let userId: string;
    let token: string;
    const vectors = new Map<string, Float32Array>();

    beforeAll(async () => {
      token = await signUp(app, `many-${randomUUID().slice(0, 8)}@example.org`);
      const device = await deviceOf(token, 'Desktop');
      for (let v = 0; v < VIDEOS; v++) {
        const videoId = randomUUID();
        device.write('video', { videoId }, { ...video(device.deviceId, `Trip ${v}`), contentSha256: sha(1_000_000 + v) });
        for (let i = 0; i < SCENES_PER_VIDEO; i++) {
          const sceneId = randomUUID();
          const values = randomVector(DIM_L, 3_000_000 + v * 1000 + i);
          vectors.set(sceneId, values);
          device.write('scene', { sceneId }, scene(videoId, { idx: i, vec: { model: 'clip-l', values } }));
        }
      }
      await device.pushAll(1000);
      userId = (await selectRows<{ user_id: string }>(database.db, sql`select user_id from scenes where image_model = 'clip-l' limit 1`))[0]!.user_id;
      await makeVectorIndexes(database.db, () => {}, { minUserRows: 0 }).ensure([model], userId);
      // As the server's tidy or autovacuum leaves the planner's statistics.
      await database.db.execute(sql`analyze`);
    }, 600_000);

    it('takes its nearest scenes from the index in its order, stopping at the limit, and finds the true nearest', async () => {
      const query = randomVector(DIM_L, 9_000_001);
      const plan = (await selectRows<{ 'QUERY PLAN': string }>(database.db, sql`explain ${nearestStatement(ownScenes(userId), model, query, 'index')}`))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain(`Index Scan using ${vectorIndexName(model)}`);
      // Joined so that the videos were hashed, the index's order was lost: the scan read every vector the index
      // holds and sorted them (embedded PGlite, 15k scenes of one user in 75 videos: 145 ms against 8).
      expect(plan).not.toMatch(/Sort|Hash Join/);
      const indexed = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT }, search: { exactScanMax: 0 } });
      const res = await indexed.request('/search', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '', vector: wire('clip-l', query), limit: 10 }),
      });
      const exact = [...vectors].sort((a, b) => cosine(b[1], query) - cosine(a[1], query)).slice(0, 10).map(([k]) => k);
      expect(((await res.json()) as SearchResponse).hits.map((h) => h.sceneId)).toEqual(exact);
    }, 300_000);
  });
});
