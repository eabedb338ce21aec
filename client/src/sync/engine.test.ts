// @vitest-environment node
// Two libraries (real PGlite, as two browser profiles hold them) syncing through the real sync server (its Hono
// app on an embedded PGlite, called in-process): what one device indexes, renames or deletes reaches the other;
// concurrent renames end the same on both; a push whose answer is lost is resent and applied once.
import { createHash, randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { parseQuery } from '@heimdex/shared-schema/search';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from '../db/api.ts';
import { makePeopleRepo, type PeopleRepo } from '../db/people.ts';
import { textVectorIndexName } from '../db/meaning.ts';
import { makeSearchRepo, vectorIndexName } from '../db/search.ts';
import { openTestDatabase } from '../db/testing.ts';
import { syncRound, type RoundResult } from './engine.ts';
import { outboxSize } from './outbox.ts';
import { makeSyncServer, SyncError, type SyncServer } from './server-api.ts';
import { startSync } from './service.ts';
import { becomeDevice, readSyncState } from './state.ts';
import { useTestServer } from './testing.ts';

const JPEG = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n, n, n, n]);
const descriptor = (identity: number) => Array.from({ length: 128 }, (_, i) => (i === identity ? 0.6 : 0));
/** A meaning vector (what scene 2 says, as the meaning model would embed it). */
const MEANING = { modelId: 'meaning-test', vector: Array.from({ length: 8 }, (_, i) => (i === 3 ? 1 : 0)) };
const PICTURE = { modelId: 'clip-test', vector: Array.from({ length: 8 }, (_, i) => (i === 5 ? 1 : 0)) };

const server = useTestServer();

interface Device {
  pg: PGlite;
  api: DbApi;
  people: PeopleRepo;
  server: SyncServer;
  /** What the network does with a request: the app by default; a test may cut it. */
  network: (path: string, init?: RequestInit) => Promise<Response>;
  sync(): Promise<RoundResult>;
}

let accountEmail = '';
async function signUp(): Promise<string> {
  accountEmail = `u${randomUUID().slice(0, 8)}@example.org`;
  const res = await server.app.request('/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: accountEmail, password: 'correct horse battery' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function device(token: string, name: string): Promise<Device> {
  const pg = await openTestDatabase();
  const d: Device = {
    pg,
    api: makeDbApi(pg),
    people: makePeopleRepo(pg, LOCAL_USER_ID),
    network: async (path, init) => server.app.request(path, init),
    server: null as never,
    sync: () => syncRound(drizzle(pg), d.server, LOCAL_USER_ID, { batchChanges: 4, pullLimit: 5 }),
  };
  d.server = makeSyncServer({ baseUrl: '', accessToken: async () => token, fetch: ((url: string, init?: RequestInit) => d.network(url, init)) as typeof fetch });
  const res = await server.app.request('/devices', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'heimdex-protocol': '1' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  await becomeDevice(drizzle(pg), ((await res.json()) as { deviceId: string }).deviceId);
  return d;
}

async function indexOn(d: Device, name: string): Promise<string> {
  const created = await d.api.createVideo({ title: name, fileName: `${name}.mp4`, sizeBytes: 5, mime: 'video/mp4', contentSha256: createHash('sha256').update(name).digest('hex') });
  if (created.status !== 'created') throw new Error(created.status);
  const { videoId } = created;
  const stages = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'THUMBNAILS', 'VISION_EMBED', 'OCR', 'FACE_DETECT', 'FACE_EMBED', 'TEXT_INDEX', 'FINALIZE'] as const;
  const writes: Record<(typeof stages)[number], Parameters<DbApi['completeStage']>[2]['writes']> = {
    UPLOAD_VALIDATE: [{ kind: 'probe', probe: { durationS: 6, width: 64, height: 36, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' } }],
    TEXT_INDEX: [{ kind: 'textVectors', modelId: MEANING.modelId, vectors: [0, 1, 2].map((idx) => ({ idx, vector: idx === 2 ? MEANING.vector : null })) }],
    SCENE_DETECT: [{ kind: 'scenes', scenes: [0, 1, 2].map((idx) => ({ idx, startS: idx * 2, endS: idx * 2 + 2 })) }],
    THUMBNAILS: [{ kind: 'thumbnails', thumbnails: [0, 1, 2].map((idx) => ({ idx, jpeg: JPEG(idx) })) }],
    VISION_EMBED: [{ kind: 'imageVectors', modelId: PICTURE.modelId, vectors: [{ idx: 1, vector: Float32Array.from(PICTURE.vector) }] }],
    OCR: [{ kind: 'ocrText', texts: [{ idx: 2, text: 'WET PAINT do not touch' }] }],
    FACE_DETECT: [{ kind: 'faces', modelId: 'face-test', faces: [0, 1].map((idx) => ({ idx, box: { x: 1, y: 1, w: 5, h: 5 }, score: 0.9, descriptor: descriptor(7), crop: JPEG(40 + idx) })) }],
    FACE_EMBED: [{ kind: 'people' }],
    FINALIZE: [],
  };
  await d.api.queueVideo(videoId, [...stages]);
  for (const stage of stages) {
    await d.api.startStage(videoId, stage);
    expect(await d.api.completeStage(videoId, stage, { outcome: 'done', writes: writes[stage] })).toBe(true);
  }
  return videoId;
}

const names = async (d: Device) => (await d.people.listPeople()).map((p) => p.name);
const count = async (pg: PGlite, sql: string) => Number((await pg.query<{ n: number }>(sql)).rows[0]!.n);

let a: Device;
let b: Device;
beforeEach(async () => {
  const token = await signUp();
  a = await device(token, 'Laptop');
  b = await device(token, 'Phone');
});
afterEach(async () => {
  await Promise.all([a.pg.close(), b.pg.close()]);
});

describe('sync between two devices through the server', () => {
  it('brings what A indexed to B: the video as held by A, its on-screen text searchable, its images and people', async () => {
    const videoId = await indexOn(a, 'hallway');
    const first = await a.sync();
    expect(first.pushed).toBeGreaterThan(4); // several batches of 4
    expect(await outboxSize(drizzle(a.pg))).toBe(0);
    const got = await b.sync();
    expect(got.pulled).toBe(first.pushed);
    const [video] = await b.api.listVideos();
    expect(video).toMatchObject({ videoId, title: 'hallway', state: 'INDEXED' });
    const { deviceId: aDevice } = await readSyncState(drizzle(a.pg));
    expect((await b.pg.query<{ device_id: string }>('select device_id from videos')).rows[0]!.device_id).toBe(aDevice);
    const found = await makeSearchRepo(b.pg, LOCAL_USER_ID).searchScenes({ query: parseQuery('paint'), textVector: null });
    expect(found.hits[0]).toMatchObject({ videoId, idx: 2, confident: true });
    expect(await b.api.sceneThumbnails([found.hits[0]!.sceneId]), 'its thumbnail came along').toEqual([{ sceneId: found.hits[0]!.sceneId, thumbnail: JPEG(2) }]);
    // Its meaning vector came along with its model: B finds the scene by meaning with no word in common.
    const byMeaning = await makeSearchRepo(b.pg, LOCAL_USER_ID).searchScenes({ query: parseQuery('careful fresh coating'), textVector: null, meaningVector: MEANING });
    expect(byMeaning.hits.map((h) => [h.idx, h.reasons])).toEqual([[2, ['meaning']]]);
    // Both kinds of pulled vectors are searched through their models' own indexes, made on B by the pull.
    const indexes = (await b.pg.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'scenes'`)).rows.map((r) => r.indexname);
    expect(indexes).toContain(textVectorIndexName(MEANING.modelId, 8));
    expect(indexes).toContain(vectorIndexName(PICTURE.modelId, 8));
    const byPicture = await makeSearchRepo(b.pg, LOCAL_USER_ID).searchByExample({ imageVector: { modelId: PICTURE.modelId, vector: PICTURE.vector }, faces: [] });
    expect(byPicture.hits[0]).toMatchObject({ idx: 1 });
    expect(await count(b.pg, 'select count(*)::int as n from faces where crop is not null')).toBe(2);
    expect(await names(b)).toEqual([null]);
    expect(await outboxSize(drizzle(b.pg)), 'B sends nothing back').toBe(0);
  });

  it('tidies what a pull wrote: the GIN pending lists merged after every pull, VACUUM and ANALYZE after a large one', async () => {
    await b.pg.exec('create extension if not exists pageinspect');
    const pending = async () =>
      count(b.pg, `select sum((select n_pending_tuples from gin_metapage_info(get_raw_page(i, 0))))::int as n
        from unnest(array['scenes_tsv_idx', 'scenes_ocr_trgm_idx']) i`);
    const vacuumed = () => count(b.pg, `select vacuum_count::int as n from pg_stat_user_tables where relname = 'scenes'`);
    await indexOn(a, 'hallway');
    await a.sync();
    expect((await b.sync()).pulled).toBeGreaterThan(0);
    expect(await pending(), 'merged after a small pull').toBe(0);
    expect(await vacuumed(), 'no VACUUM for a small pull').toBe(0);
    await indexOn(a, 'stairs');
    await a.sync();
    await syncRound(drizzle(b.pg), b.server, LOCAL_USER_ID, { batchChanges: 4, pullLimit: 5, tidyAfterPulled: 1 });
    expect(await pending()).toBe(0);
    expect(await vacuumed(), 'VACUUM after a large pull').toBe(1);
  });

  it('carries a rename from B to A, a deletion from A to B, and ends concurrent renames the same on both', async () => {
    const videoId = await indexOn(a, 'garden');
    await a.sync();
    await b.sync();
    const [person] = await b.people.listPeople();
    await b.people.renamePerson(person!.personId, 'Alex Morgan');
    await b.sync();
    await a.sync();
    expect(await names(a)).toEqual(['Alex Morgan']);

    // Both rename while apart; the later rename wins everywhere, whichever syncs first.
    await a.people.renamePerson(person!.personId, 'Alex (laptop)');
    await b.people.renamePerson(person!.personId, 'Alex (phone)');
    await b.sync();
    await a.sync();
    await b.sync();
    expect(await names(a)).toEqual(['Alex (phone)']);
    expect(await names(b)).toEqual(['Alex (phone)']);

    expect(await a.api.deleteVideo(videoId)).toBe(true);
    await a.sync();
    await b.sync();
    expect(await b.api.listVideos()).toEqual([]);
    const found = await makeSearchRepo(b.pg, LOCAL_USER_ID).searchScenes({ query: parseQuery('paint'), textVector: null });
    expect(found.hits).toEqual([]);
  });

  it('carries merges, hidden people and never-merge marks from one device to the other', async () => {
    await indexOn(a, 'one');
    // A second person on A: a face of another identity in a second video.
    const created = await a.api.createVideo({ title: 'two', fileName: 'two.mp4', sizeBytes: 5, mime: 'video/mp4', contentSha256: createHash('sha256').update('two').digest('hex') });
    if (created.status !== 'created') throw new Error(created.status);
    const stages = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'] as const;
    const writes: Record<(typeof stages)[number], Parameters<DbApi['completeStage']>[2]['writes']> = {
      UPLOAD_VALIDATE: [{ kind: 'probe', probe: { durationS: 2, width: 64, height: 36, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' } }],
      SCENE_DETECT: [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 2 }] }],
      FACE_DETECT: [{ kind: 'faces', modelId: 'face-test', faces: [{ idx: 0, box: { x: 1, y: 1, w: 5, h: 5 }, score: 0.9, descriptor: descriptor(60), crop: JPEG(70) }] }],
      FACE_EMBED: [{ kind: 'people' }],
      FINALIZE: [],
    };
    await a.api.queueVideo(created.videoId, [...stages]);
    for (const stage of stages) {
      await a.api.startStage(created.videoId, stage);
      await a.api.completeStage(created.videoId, stage, { outcome: 'done', writes: writes[stage] });
    }
    await a.sync();
    await b.sync();
    const [first, second] = (await b.people.listPeople()).sort((x, y) => x.number - y.number);
    await b.people.setNeverMerge(first!.personId, second!.personId, true);
    await b.people.setPersonHidden(second!.personId, true);
    await b.sync();
    await a.sync();
    const onA = await a.people.getPerson(first!.personId);
    expect(onA?.neverMerge).toEqual([second!.personId]);
    expect((await a.people.listPeople()).find((p) => p.personId === second!.personId)?.hidden).toBe(true);

    await b.people.setNeverMerge(first!.personId, second!.personId, false);
    expect(await b.people.mergePeople(second!.personId, first!.personId)).toMatchObject({ status: 'merged' });
    await b.sync();
    await a.sync();
    const people = await a.people.listPeople();
    expect(people.map((p) => p.personId)).toEqual([first!.personId]);
    expect(people[0]!.faceCount).toBe(3);
  });

  it('resends a batch whose answer was lost, and the server applies it once: nothing lost or doubled', async () => {
    await indexOn(a, 'cut');
    let pushes = 0;
    a.network = async (path, init) => {
      const res = await server.app.request(path, init);
      if (path === '/sync/push' && ++pushes === 2) throw new TypeError('Failed to fetch'); // applied, answer lost
      return res;
    };
    await expect(a.sync()).rejects.toSatisfy((e) => e instanceof SyncError && e.kind === 'offline');
    const pending = (await readSyncState(drizzle(a.pg))).pendingBatch;
    expect(pending?.batchSeq).toBe(2);
    a.network = async (path, init) => server.app.request(path, init);
    await a.sync();
    expect((await readSyncState(drizzle(a.pg))).pendingBatch).toBeNull();
    expect(await outboxSize(drizzle(a.pg))).toBe(0);
    await b.sync();
    const tables = ['videos', 'scenes', 'faces', 'face_profiles', 'scene_people'];
    for (const table of tables) {
      const n = `select count(*)::int as n from ${table}`;
      expect(await count(b.pg, n), table).toBe(await count(a.pg, n));
    }
  });

  it('searches the server for what a newly signed-in device has not pulled, naming the device that holds it', async () => {
    const videoId = await indexOn(a, 'server-side');
    await a.sync();
    const pg = await openTestDatabase();
    const service = startSync(pg, LOCAL_USER_ID, '', server.fetch);
    try {
      await service.signIn(accountEmail, 'correct horse battery', 'Tablet');
      const found = await service.serverSearch('paint', null);
      expect(found?.hits[0]).toMatchObject({ videoId, idx: 2, confident: true, fromServer: { deviceName: 'Laptop' } });
      const thumbnailSha256 = found?.hits[0]?.fromServer?.thumbnailSha256;
      expect(thumbnailSha256, 'the hit says where its thumbnail is kept').toMatch(/^[0-9a-f]{64}$/);
      expect(await service.serverThumbnail(thumbnailSha256!)).toEqual(JPEG(2));
      await service.signOut();
      expect(await service.serverSearch('paint', null), 'signed out: nothing asked').toBeNull();
      expect(await service.serverThumbnail(thumbnailSha256!), 'signed out: nothing asked').toBeNull();
    } finally {
      await service.stopSync();
      await pg.close();
    }
  });

  it('numbers its batches from what the server expects when they disagree (a library restored from a copy)', async () => {
    await indexOn(a, 'restored');
    await a.pg.query('update device_sync_state set last_batch_seq = 7');
    await a.sync();
    expect((await readSyncState(drizzle(a.pg))).lastBatchSeq).toBeGreaterThan(1);
    await b.sync();
    expect(await b.api.listVideos()).toHaveLength(1);
  });
});
