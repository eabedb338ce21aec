// @vitest-environment node
// Applying pulled changes last-writer-wins, between two real PGlite libraries: A's changes (read from its outbox
// as the pusher sends them) applied to B, as B would receive them from the server.
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { SyncChange } from '@heimdex/shared-schema/protocol';
import { formatHlc, parseHlc } from '@heimdex/shared-schema/sync';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from '../db/api.ts';
import { makePeopleRepo, type PeopleRepo } from '../db/people.ts';
import { openTestDatabase } from '../db/testing.ts';
import { applyRemoteChanges } from './apply.ts';
import { acknowledge, takeChanges } from './outbox.ts';

const DEVICE_A = '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11';
const JPEG = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n]);
const descriptor = (identity: number) => Array.from({ length: 128 }, (_, i) => (i === identity ? 0.6 : 0));

interface Library { pg: PGlite; api: DbApi; people: PeopleRepo }
let a: Library;
let b: Library;
const open = async (): Promise<Library> => {
  const pg = await openTestDatabase();
  return { pg, api: makeDbApi(pg), people: makePeopleRepo(pg, LOCAL_USER_ID) };
};
beforeEach(async () => {
  [a, b] = await Promise.all([open(), open()]);
});
afterEach(async () => {
  await Promise.all([a.pg.close(), b.pg.close()]);
});

/** What A would push now (and then forgets, as after a push). */
async function sendFrom(lib: Library): Promise<SyncChange[]> {
  const changes = await takeChanges(drizzle(lib.pg), { deviceId: DEVICE_A, limit: 1000 });
  await acknowledge(drizzle(lib.pg), changes);
  return changes;
}
const receive = (lib: Library, changes: SyncChange[]) => drizzle(lib.pg).transaction((tx) => applyRemoteChanges(tx, LOCAL_USER_ID, changes));
const count = async (lib: Library, table: string) => Number((await lib.pg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n);

async function indexOn(lib: Library, name: string): Promise<string> {
  const created = await lib.api.createVideo({ title: name, fileName: `${name}.mp4`, sizeBytes: 5, mime: 'video/mp4', contentSha256: createHash('sha256').update(name).digest('hex') });
  if (created.status !== 'created') throw new Error(created.status);
  const { videoId } = created;
  const stages = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'THUMBNAILS', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'] as const;
  await lib.api.queueVideo(videoId, [...stages]);
  const writes: Record<(typeof stages)[number], Parameters<DbApi['completeStage']>[2]['writes']> = {
    UPLOAD_VALIDATE: [{ kind: 'probe', probe: { durationS: 4, width: 64, height: 36, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' } }],
    SCENE_DETECT: [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 2 }, { idx: 1, startS: 2, endS: 4 }] }],
    THUMBNAILS: [{ kind: 'thumbnails', thumbnails: [{ idx: 0, jpeg: JPEG(0) }, { idx: 1, jpeg: JPEG(1) }] }],
    FACE_DETECT: [{ kind: 'faces', modelId: 'face-test', faces: [0, 1].map((idx) => ({ idx, box: { x: 1, y: 1, w: 5, h: 5 }, score: 0.9, descriptor: descriptor(3), crop: JPEG(9) })) }],
    FACE_EMBED: [{ kind: 'people' }],
    FINALIZE: [],
  };
  for (const stage of stages) {
    await lib.api.startStage(videoId, stage);
    expect(await lib.api.completeStage(videoId, stage, { outcome: 'done', writes: writes[stage] })).toBe(true);
  }
  return videoId;
}

describe('applying pulled changes', () => {
  it('inserts another device’s video with its scenes, faces and people, and sends none of it back', async () => {
    const videoId = await indexOn(a, 'trip');
    const result = await receive(b, await sendFrom(a));
    expect(result).toMatchObject({ ignored: 0, orphaned: 0 });
    const [video] = await b.api.listVideos();
    expect(video).toMatchObject({ videoId, title: 'trip', state: 'INDEXED' });
    const scenes = (await b.pg.query<{ thumbnail: Uint8Array | null; thumbnail_sha256: string }>('select thumbnail, thumbnail_sha256 from scenes order by idx')).rows;
    expect(scenes.map((s) => [s.thumbnail, s.thumbnail_sha256])).toEqual([
      [null, createHash('sha256').update(JPEG(0)).digest('hex')],
      [null, createHash('sha256').update(JPEG(1)).digest('hex')],
    ]);
    expect(await b.pg.query('select device_id from videos').then((r) => r.rows)).toEqual([{ device_id: DEVICE_A }]);
    expect(await b.people.listPeople()).toHaveLength(1);
    expect(await count(b, 'faces')).toBe(2);
    expect(await count(b, 'scene_people')).toBe(2);
    expect(await count(b, 'sync_outbox'), 'applied rows are not sent back').toBe(0);
  });

  it('takes a newer change, ignores an older one, and deletes on a tombstone with the children', async () => {
    const videoId = await indexOn(a, 'update');
    const first = await sendFrom(a);
    await receive(b, first);
    const [person] = await a.people.listPeople();
    await a.people.renamePerson(person!.personId, 'Robin');
    const rename = await sendFrom(a);
    expect((await receive(b, rename)).applied).toBe(1);
    expect((await b.people.listPeople())[0]!.name).toBe('Robin');
    // The original state again (older stamps): changes nothing.
    const again = await receive(b, first.filter((c) => c.type === 'person'));
    expect(again).toMatchObject({ applied: 0, ignored: 1 });
    expect((await b.people.listPeople())[0]!.name).toBe('Robin');

    expect(await a.api.deleteVideo(videoId)).toBe(true);
    await receive(b, await sendFrom(a));
    expect(await b.api.listVideos()).toEqual([]);
    expect(await count(b, 'scenes')).toBe(0);
    expect(await count(b, 'faces')).toBe(0);
  });

  it('lets the later of two edits win on both sides, and brings back a row deleted before the other’s edit', async () => {
    await indexOn(a, 'conflict');
    await receive(b, await sendFrom(a));
    const [person] = await a.people.listPeople();
    const id = person!.personId;
    await a.people.renamePerson(id, 'From A');
    await b.people.renamePerson(id, 'From B'); // later
    const fromA = await sendFrom(a);
    const fromB = await takeChanges(drizzle(b.pg), { deviceId: DEVICE_A, limit: 100 });
    expect(await receive(b, fromA)).toMatchObject({ applied: 0, ignored: 1 });
    expect(await count(b, 'sync_outbox'), 'B’s newer rename still waits to be pushed').toBe(1);
    await receive(a, fromB);
    expect((await a.people.listPeople())[0]!.name).toBe('From B');
    expect((await b.people.listPeople())[0]!.name).toBe('From B');

    // B removes a scene link; A then renames the person (stamped later): the rename wins, the link stays gone.
    await acknowledge(drizzle(b.pg), fromB);
    await b.pg.query('delete from scene_people where person_id = $1 and scene_id = (select scene_id from scenes where idx = 0)', [id]);
    const deletion = await takeChanges(drizzle(b.pg), { deviceId: DEVICE_A, limit: 100 });
    expect(deletion.map((c) => [c.type, c.row])).toEqual([['scenePerson', null]]);
    // A deletes the person; B, later, renames it: B's rename is newer and brings the person back on A.
    await a.pg.query('delete from face_profiles where person_id = $1', [id]);
    const tombstone = await sendFrom(a);
    await b.people.renamePerson(id, 'Still here');
    const revive = await takeChanges(drizzle(b.pg), { deviceId: DEVICE_A, limit: 100 });
    expect(await receive(b, tombstone.filter((c) => c.type === 'person'))).toMatchObject({ ignored: 1 });
    await receive(a, revive.filter((c) => c.type === 'person'));
    expect((await a.people.listPeople()).map((p) => p.name)).toEqual(['Still here']);
  });

  it('skips a child whose parent this device deleted later, and moves its clock past pulled stamps', async () => {
    const videoId = await indexOn(a, 'orphan');
    const all = await sendFrom(a);
    const video = all.filter((c) => c.type === 'video');
    await receive(b, video);
    await b.api.deleteVideo(videoId); // B's deletion is newer than A's scenes
    const result = await receive(b, all.filter((c) => c.type === 'scene'));
    expect(result, JSON.stringify(result)).toMatchObject({ orphaned: 2 });
    expect(await count(b, 'scenes')).toBe(0);

    // A stamp from a device whose clock is a minute ahead: B's next change still sorts after it.
    const ahead = formatHlc({ ...parseHlc(video[0]!.hlc), millis: Date.now() + 60_000, node: 'other-device' });
    await receive(b, [{ ...video[0]!, hlc: ahead } as SyncChange]);
    await b.pg.query(`update videos set title = 'renamed here'`);
    const { rows } = await b.pg.query<{ hlc: string }>('select hlc from videos');
    expect(rows[0]!.hlc > ahead).toBe(true);
  });
});
