// @vitest-environment node
// Change tracking on a real PGlite, through the app's own write paths (api.ts, people.ts): every user-visible
// change leaves its outbox entry in the change's own transaction, and the pusher reads it back as the protocol's
// changes. (The triggers are migration 0006; the app's database turns them on at open, as openTestDatabase does.)
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { videos, type JobStage } from '@heimdex/shared-schema';
import { syncChange, type SyncChange } from '@heimdex/shared-schema/protocol';
import { parseHlc } from '@heimdex/shared-schema/sync';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from '../db/api.ts';
import type { SceneFace } from '../db/stage-writes.ts';
import { makePeopleRepo, type PeopleRepo } from '../db/people.ts';
import { openTestDatabase } from '../db/testing.ts';
import { acknowledge, outboxSize, takeChanges, type OutboxEntry } from './outbox.ts';

const DEVICE = '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11';
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'THUMBNAILS', 'OCR', 'FACE_DETECT', 'FACE_EMBED', 'ASR_FAST', 'FINALIZE'];
const probe = { durationS: 6, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' };
const JPEG = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n]);
/** Two identities far apart: faces of one become one person. */
const descriptor = (identity: number) => Array.from({ length: 128 }, (_, i) => (i === identity ? 0.6 : 0));
const face = (idx: number, identity: number): SceneFace => ({
  idx, box: { x: 1, y: 1, w: 10, h: 10 }, score: 0.9, descriptor: descriptor(identity), crop: JPEG(50 + identity),
});

let pg: PGlite;
let api: DbApi;
let people: PeopleRepo;
const db = () => drizzle(pg);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
  people = makePeopleRepo(pg, LOCAL_USER_ID);
});
afterEach(async () => {
  await pg.close();
});

async function entries(): Promise<OutboxEntry[]> {
  return (await pg.query<OutboxEntry>('select kind, key, hlc from sync_outbox order by hlc')).rows;
}
const kinds = async () => (await entries()).map((e) => e.kind).sort();

async function stage(videoId: string, name: JobStage, writes: Parameters<DbApi['completeStage']>[2]['writes'] = []) {
  expect(await api.startStage(videoId, name)).not.toBeNull();
  expect(await api.completeStage(videoId, name, { outcome: 'done', writes })).toBe(true);
}

/** A video through every stage that writes what syncs: scenes, thumbnails, on-screen text, faces, people, speech. */
async function indexVideo(name: string): Promise<string> {
  const created = await api.createVideo({ title: name, fileName: `${name}.mp4`, sizeBytes: 10, mime: 'video/mp4', contentSha256: createHash('sha256').update(name).digest('hex') });
  if (created.status !== 'created') throw new Error(created.status);
  const { videoId } = created;
  await api.queueVideo(videoId, STAGES);
  await stage(videoId, 'UPLOAD_VALIDATE', [{ kind: 'probe', probe }]);
  await stage(videoId, 'SCENE_DETECT', [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 3 }, { idx: 1, startS: 3, endS: 6 }] }]);
  await stage(videoId, 'THUMBNAILS', [{ kind: 'thumbnails', thumbnails: [{ idx: 0, jpeg: JPEG(0) }, { idx: 1, jpeg: JPEG(1) }] }]);
  await stage(videoId, 'OCR', [{ kind: 'ocrText', texts: [{ idx: 1, text: 'WET PAINT' }] }]);
  await stage(videoId, 'FACE_DETECT', [{ kind: 'faces', modelId: 'face-test', faces: [face(0, 1), face(1, 2)] }]);
  await stage(videoId, 'FACE_EMBED', [{ kind: 'people' }]);
  await stage(videoId, 'ASR_FAST', [{ kind: 'transcript', language: 'en', segments: [{ startS: 0, endS: 2, text: 'hello there' }], sceneTexts: [{ idx: 0, text: 'hello there' }] }]);
  await stage(videoId, 'FINALIZE');
  return videoId;
}

describe('change tracking', () => {
  it('records each kind of indexed row once, stamped in increasing clock order, the row holding its stamp', async () => {
    const videoId = await indexVideo('clip');
    const list = await entries();
    expect((await kinds()).reduce<Record<string, number>>((n, k) => ({ ...n, [k]: (n[k] ?? 0) + 1 }), {})).toEqual({
      video: 1, scene: 2, segment: 1, face: 2, person: 2, scenePerson: 2,
    });
    // One node, strictly increasing stamps (string order is clock order).
    const stamps = list.map((e) => e.hlc);
    expect(new Set(stamps.map((s) => parseHlc(s).node)).size).toBe(1);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
    const [video] = await db().select().from(videos).where(eq(videos.videoId, videoId));
    expect(video!.hlc).toBe(list.find((e) => e.kind === 'video')!.hlc);
  });

  it('counts up within a millisecond the wall clock has not reached, and borrows the next one after 65536 changes', async () => {
    const ahead = Date.now() + 3_600_000; // a clock an hour ahead, as after a pull from a device that is
    await pg.query(`insert into device_sync_state (id, node, clock_millis, clock_counter) values (1, 'node-1', $1, 65533)
      on conflict (id) do update set clock_millis = excluded.clock_millis, clock_counter = excluded.clock_counter`, [ahead]);
    const stamps: string[] = [];
    for (const n of [1, 2, 3]) {
      const created = await api.createVideo({ title: `v${n}`, fileName: `v${n}.mp4`, sizeBytes: 1, mime: null, contentSha256: String(n).repeat(64) });
      if (created.status !== 'created') throw new Error(created.status);
      stamps.push((await db().select({ hlc: videos.hlc }).from(videos).where(eq(videos.videoId, created.videoId)))[0]!.hlc!);
    }
    expect(stamps.map((s) => parseHlc(s)).map(({ millis, counter }) => [millis - ahead, counter])).toEqual([
      [0, 0xfffe],
      [0, 0xffff],
      [1, 0],
    ]);
  });

  it('records nothing for a change that rolls back, and nothing for an update that changes nothing synced', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.insert(videos).values({ userId: LOCAL_USER_ID, title: 't', fileName: 't.mp4', sizeBytes: 1, contentSha256: 'a'.repeat(64) });
        throw new Error('cut');
      }),
    ).rejects.toThrow('cut');
    expect(await entries()).toEqual([]);
    // A failing app write (the second scene clashes with the first) leaves no entry either.
    const created = await api.createVideo({ title: 'v', fileName: 'v.mp4', sizeBytes: 1, mime: null, contentSha256: 'b'.repeat(64) });
    if (created.status !== 'created') throw new Error('not created');
    const before = await entries();
    await expect(pg.transaction(async (tx) => {
      await tx.query(`insert into scenes (video_id, user_id, idx, start_s, end_s) values ($1, $2, 0, 0, 1)`, [created.videoId, LOCAL_USER_ID]);
      await tx.query(`insert into scenes (video_id, user_id, idx, start_s, end_s) values ($1, $2, 0, 1, 2)`, [created.videoId, LOCAL_USER_ID]);
    })).rejects.toThrow();
    expect(await entries()).toEqual(before);
    await pg.query(`update videos set updated_at = now() + interval '1 hour' where video_id = $1`, [created.videoId]);
    expect(await entries()).toEqual(before);
  });

  it('records people edits: rename, hide, merge, never-merge; and deletions as tombstones', async () => {
    const videoId = await indexVideo('people');
    await pg.query('delete from sync_outbox');
    const [a, b] = (await people.listPeople()).sort((x, y) => x.number - y.number);
    await people.renamePerson(a!.personId, 'Alex Morgan');
    await people.setPersonHidden(b!.personId, true);
    expect(await kinds()).toEqual(['person', 'person']);
    await people.setNeverMerge(a!.personId, b!.personId, true);
    expect(await kinds()).toContain('neverMerge');
    await people.setNeverMerge(a!.personId, b!.personId, false);
    await people.mergePeople(b!.personId, a!.personId);
    const afterMerge = await kinds();
    expect(afterMerge).toEqual(expect.arrayContaining(['face', 'person', 'scenePerson', 'neverMerge']));
    const changes = await takeChanges(db(), { deviceId: DEVICE, limit: 100 });
    const merged = changes.find((c) => c.type === 'person' && c.key.personId === b!.personId);
    expect(merged?.row, 'the merged-away person is sent as a tombstone').toBeNull();
    const kept = changes.find((c) => c.type === 'person' && c.key.personId === a!.personId);
    expect(kept?.row).toMatchObject({ name: 'Alex Morgan' });

    await pg.query('delete from sync_outbox');
    expect(await api.deleteVideo(videoId)).toBe(true);
    const gone = await takeChanges(db(), { deviceId: DEVICE, limit: 100 });
    expect(gone.find((c) => c.type === 'video')).toMatchObject({ key: { videoId }, row: null });
    expect(gone.filter((c) => c.type === 'scene').map((c) => c.row)).toEqual([null, null]);
  });
});

describe('takeChanges and acknowledge', () => {
  it('sends valid protocol changes, parents first, with the device, blob hashes and vectors of each row', async () => {
    const videoId = await indexVideo('wire');
    const changes = await takeChanges(db(), { deviceId: DEVICE, limit: 100 });
    for (const change of changes) expect(syncChange.safeParse(change).success, JSON.stringify(change).slice(0, 300)).toBe(true);
    const order = ['video', 'person', 'scene', 'segment', 'face', 'scenePerson', 'neverMerge'];
    const ranks = changes.map((c) => order.indexOf(c.type));
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
    const video = changes.find((c): c is Extract<SyncChange, { type: 'video' }> => c.type === 'video')!;
    expect(video.row).toMatchObject({ deviceId: DEVICE, state: 'INDEXED', title: 'wire' });
    const scenes = changes.filter((c): c is Extract<SyncChange, { type: 'scene' }> => c.type === 'scene').sort((x, y) => x.row!.idx - y.row!.idx);
    const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(scenes.map((s) => s.row!.thumbnailSha256)).toEqual([sha(JPEG(0)), sha(JPEG(1))]);
    expect(scenes.map((s) => s.row!.videoId)).toEqual([videoId, videoId]);
    const faces = changes.filter((c): c is Extract<SyncChange, { type: 'face' }> => c.type === 'face');
    expect(faces.every((f) => f.row!.embedding?.model === 'face-test' && f.row!.cropSha256?.length === 64)).toBe(true);
    expect(await takeChanges(db(), { deviceId: DEVICE, limit: 3 })).toHaveLength(3);
  });

  it('acknowledges only what was sent: a row changed again meanwhile stays waiting with its newer stamp', async () => {
    await indexVideo('ack');
    const sent = await takeChanges(db(), { deviceId: DEVICE, limit: 100 });
    const [person] = await people.listPeople();
    await people.renamePerson(person!.personId, 'Sam');
    await acknowledge(db(), sent);
    const left = await entries();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ kind: 'person', key: { personId: person!.personId } });
    expect(left[0]!.hlc > sent.find((c) => c.type === 'person' && c.key.personId === person!.personId)!.hlc).toBe(true);
    expect(await outboxSize(db())).toBe(1);
  });
});
