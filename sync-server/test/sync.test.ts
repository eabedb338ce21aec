// @vitest-environment node
// Sync through the real app (`app.request()`): push, pull, last-writer-wins, the batch rule, faults and isolation,
// on embedded PGlite and over the Postgres wire.
import { randomUUID } from 'node:crypto';
import { auditEvents, devices } from '@heimdex/shared-schema';
import { PROTOCOL_HEADER, type PullResponse, type SyncChange, type VideoRow } from '@heimdex/shared-schema/protocol';
import { encodeVector, formatHlc } from '@heimdex/shared-schema/sync';
import { eq } from 'drizzle-orm';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { purgeTombstones } from '../src/sync/pull.ts';
import type { PushUsage } from '../src/sync/quota.ts';
import { DEFAULT_TIER_QUOTAS } from '../src/quota/limits.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';
import { api, keyOf, randomVector, signUp, SimDevice } from './sync-client.ts';


/** The device said to hold the original files. */
const HOLDER = '11111111-1111-4111-8111-111111111111';
const sha = (n: number) => n.toString(16).padStart(64, '0');
const video = (n: number, over: Partial<VideoRow> = {}): VideoRow => ({
  title: `Video ${n}`,
  fileName: `video-${n}.mp4`,
  sizeBytes: 1_000_000 + n,
  contentSha256: sha(n),
  mime: 'video/mp4',
  durationS: 61.5,
  width: 1280,
  height: 720,
  fps: 29.97,
  state: 'INDEXED',
  error: null,
  metadata: { codec: 'avc1' },
  firstIndexing: false,
  deviceId: HOLDER,
  createdAt: '2026-11-20T10:00:00.000Z',
  ...over,
});
const scene = (videoId: string, idx: number, transcript = `words of scene ${idx}`) => ({
  videoId,
  idx,
  startS: idx * 5,
  endS: idx * 5 + 5,
  keyframeS: idx * 5 + 2.5,
  transcript,
  ocrText: `SIGN ${idx}`,
  thumbnailSha256: sha(1000 + idx),
  imageVec: { model: 'mobileclip-s0', data: encodeVector(randomVector(512, idx + 1)) },
  textVec: null,
});

describe.each(TEST_DATABASES)('sync on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;
  const quotaCalls: PushUsage[] = [];
  let quotaRefuses = false;

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({
      database,
      auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT },
      sync: {
        checkQuota: async (_tx, _userId, usage) => {
          quotaCalls.push(usage);
          if (quotaRefuses) throw new HTTPException(403, { message: 'Scene limit reached' });
        },
      },
    });
  });
  afterAll(() => close());

  /** A fresh account with one registered device. */
  async function newDevice(email = `u${randomUUID().slice(0, 8)}@example.org`, token?: string) {
    const access = token ?? (await signUp(app, email));
    const client = api(app, access);
    const device = new SimDevice(client, await client.registerDevice('Laptop'));
    return { token: access, client, device };
  }

  it('round-trips every kind of row, vectors bit-exact, then tombstones', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    const sceneId = randomUUID();
    const personId = randomUUID();
    const otherPersonId = randomUUID();
    const [pa, pb] = [personId, otherPersonId].sort() as [string, string];
    const centroid = { model: 'face-api-128', data: encodeVector(randomVector(128, 7)) };
    const pushed = [
      device.write('video', { videoId }, video(1)),
      device.write('scene', { sceneId }, { ...scene(videoId, 0), textVec: { model: 'mobileclip-s0-text', data: encodeVector(randomVector(512, 99)) } }),
      device.write('segment', { segmentId: randomUUID() }, { videoId, startS: 0.5, endS: 2.25, text: 'hello there' }),
      device.write('person', { personId }, { name: 'Ada', number: 1, centroid, hidden: false }),
      device.write('person', { personId: otherPersonId }, { name: null, number: 2, centroid: null, hidden: true }),
      device.write('face', { faceId: randomUUID() }, {
        sceneId,
        videoId,
        bbox: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
        score: 0.987,
        embedding: { model: 'face-api-128', data: encodeVector(randomVector(128, 8)) },
        personId,
        personLocked: true,
        cropSha256: sha(5),
      }),
      device.write('scenePerson', { sceneId, personId }, {}),
      device.write('neverMerge', { personA: pa, personB: pb }, {}),
    ];
    const [answer] = await device.pushAll();
    expect(answer).toEqual({ type: 'applied', batchSeq: 1, duplicate: false, applied: 8, ignored: 0, dropped: [] });

    const fresh = new SimDevice(client, await client.registerDevice('Phone'));
    await fresh.pullAll();
    expect([...fresh.rows.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))).toEqual(
      pushed.sort((a, b) => keyOf(a).localeCompare(keyOf(b))),
    );
    // Equal base64 is equal bytes: the float32 values came back bit for bit.
    const pulledScene = fresh.rows.get(`scene:${sceneId}`) as Extract<SyncChange, { type: 'scene' }>;
    expect(pulledScene.row!.imageVec!.data).toBe(scene(videoId, 0).imageVec.data);

    device.write('scenePerson', { sceneId, personId }, null);
    device.write('neverMerge', { personA: pa, personB: pb }, null);
    device.write('video', { videoId }, null);
    await device.pushAll();
    await fresh.pullAll();
    expect(fresh.rows.get(`scenePerson:${sceneId}/${personId}`)!.row).toBeNull();
    expect(fresh.rows.get(`neverMerge:${pa}/${pb}`)!.row).toBeNull();
    expect(fresh.rows.get(`video:${videoId}`)!.row).toBeNull();
    expect(quotaCalls).toContainEqual({ addedScenes: 1 });
  });

  it('merges last-writer-wins: an older change is ignored, a newer one wins, equal times go to the higher node id', async () => {
    const { client, device } = await newDevice();
    const personId = randomUUID();
    const at = (millis: number, node: string) => formatHlc({ millis, counter: 0, node });
    const t = Date.now() - 60_000;
    const person = (name: string) => ({ name, number: 1, centroid: null, hidden: false });
    const send = async (batchSeq: number, hlc: string, name: string | null) => {
      const res = await client.push({ deviceId: device.deviceId, batchSeq, changes: [{ type: 'person', hlc, key: { personId }, row: name === null ? null : person(name) }] });
      expect(res.status).toBe(200);
      return (await res.json()) as { applied: number; ignored: number };
    };
    const nameOnServer = async () => {
      const page = (await (await client.pull(0, 2000)).json()) as PullResponse;
      const row = page.changes.find((c) => c.type === 'person' && c.key.personId === personId)!;
      return row.row === null ? null : (row.row as { name: string }).name;
    };
    expect(await send(1, at(t, 'a'), 'First')).toMatchObject({ applied: 1 });
    expect(await send(2, at(t - 1000, 'a'), 'Older')).toMatchObject({ applied: 0, ignored: 1 });
    expect(await nameOnServer()).toBe('First');
    expect(await send(3, at(t + 1000, 'a'), 'Newer')).toMatchObject({ applied: 1 });
    // Same time and counter from two nodes: node "b" wins whichever arrives first.
    expect(await send(4, at(t + 2000, 'b'), 'From b')).toMatchObject({ applied: 1 });
    expect(await send(5, at(t + 2000, 'a'), 'From a')).toMatchObject({ applied: 0, ignored: 1 });
    expect(await nameOnServer()).toBe('From b');
    // Resurrection: the tombstone wins over edits stamped before it; a change stamped after it brings the row back.
    expect(await send(6, at(t + 3000, 'a'), null)).toMatchObject({ applied: 1 });
    expect(await send(7, at(t + 2500, 'b'), 'Edited before the delete')).toMatchObject({ applied: 0, ignored: 1 });
    expect(await nameOnServer()).toBeNull();
    expect(await send(8, at(t + 4000, 'a'), 'Back again')).toMatchObject({ applied: 1 });
    expect(await nameOnServer()).toBe('Back again');
  });

  it('merges a mixed batch row by row: of one kind, only the newer rows and tombstones are written, numbered without gaps', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const at = (millis: number) => formatHlc({ millis, counter: 0, node: 'n' });
    const t = Date.now() - 60_000;
    const put = (i: number, millis: number, transcript: string): SyncChange => ({ type: 'scene', hlc: at(millis), key: { sceneId: ids[i]! }, row: scene(videoId, i, transcript) });
    const drop = (i: number, millis: number): SyncChange => ({ type: 'scene', hlc: at(millis), key: { sceneId: ids[i]! }, row: null });
    const push = async (batchSeq: number, changes: SyncChange[]) => (await client.push({ deviceId: device.deviceId, batchSeq, changes })).json();
    await push(1, [{ type: 'video', hlc: at(t), key: { videoId }, row: video(9) }, ...[0, 1, 2, 3].map((i) => put(i, t + 1000, 'first'))]);

    const cursor = ((await (await client.pull(0, 2000)).json()) as PullResponse).cursor;
    const answer = await push(2, [
      put(0, t + 2000, 'newer'), // wins
      put(1, t + 500, 'older'), // loses to the row held
      drop(2, t + 2000), // a newer tombstone: wins
      drop(3, t + 500), // an older tombstone: loses
      drop(4, t + 2000), // a tombstone for a row the server never had: changes nothing
      put(5, t + 2000, 'new row'), // wins
    ]);
    expect(answer).toMatchObject({ applied: 3, ignored: 3, dropped: [] });

    const page = (await (await client.pull(cursor, 2000)).json()) as PullResponse;
    expect(page.cursor).toBe(cursor + 3); // three change numbers for three written rows
    const byId = new Map(page.changes.map((c) => [(c.key as { sceneId: string }).sceneId, c]));
    expect([...byId.keys()].sort()).toEqual([ids[0], ids[2], ids[5]].sort());
    expect(byId.get(ids[0]!)!.row).toMatchObject({ transcript: 'newer' });
    expect(byId.get(ids[2]!)!.row).toBeNull();
    expect(byId.get(ids[5]!)!.row).toMatchObject({ transcript: 'new row' });
  });

  it('applies a batch once: a duplicate is answered as applied, a batch from the future is refused with the number expected', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    const batch1 = [device.write('video', { videoId }, video(2))];
    const batch2 = [device.write('scene', { sceneId: randomUUID() }, scene(videoId, 0))];
    const batch3 = [device.write('scene', { sceneId: randomUUID() }, scene(videoId, 1))];
    const push = (batchSeq: number, changes: SyncChange[]) => client.push({ deviceId: device.deviceId, batchSeq, changes });

    expect((await push(1, batch1)).status).toBe(200);
    const early = await push(3, batch3); // reordered: 3 overtook 2
    expect(early.status).toBe(409);
    expect(await early.json()).toEqual({ type: 'batch-gap', error: 'Batch 3 arrived before batch 2: send 2 first.', expectedBatchSeq: 2 });
    expect((await push(2, batch2)).status).toBe(200);
    expect(await (await push(3, batch3)).json()).toMatchObject({ duplicate: false, applied: 1 });
    const cursorBefore = ((await (await client.pull(0, 2000)).json()) as PullResponse).cursor;
    const again = await push(2, batch2); // a retry after a lost answer
    expect(await again.json()).toEqual({ type: 'applied', batchSeq: 2, duplicate: true, applied: 0, ignored: 0, dropped: [] });
    const after = (await (await client.pull(cursorBefore)).json()) as PullResponse;
    expect(after).toEqual({ type: 'changes', changes: [], cursor: cursorBefore, more: false });
  });

  it('rolls back a push that fails mid-batch; its retry applies whole', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    const good = [device.write('video', { videoId }, video(3)), device.write('scene', { sceneId: randomUUID() }, scene(videoId, 0))];
    // The second scene takes a position already taken: the database refuses it after the video and first scene were written.
    const clash = { type: 'scene', hlc: device.clock.send(), key: { sceneId: randomUUID() }, row: scene(videoId, 0) } as SyncChange;
    const cut = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: [...good, clash] });
    expect(cut.status).toBe(500);
    expect(await cut.json()).toEqual({ error: 'Internal server error' });
    expect(((await (await client.pull(0)).json()) as PullResponse).changes).toEqual([]);
    const [row] = await database.db.select().from(devices).where(eq(devices.deviceId, device.deviceId));
    expect(row!.lastBatchSeq).toBe(0);

    const retry = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: good });
    expect(await retry.json()).toMatchObject({ applied: 2, duplicate: false });
    expect(((await (await client.pull(0)).json()) as PullResponse).changes.map((c) => c.type)).toEqual(['video', 'scene']);
  });

  it('never splits a batch across pull pages, and brings a parent that moved to a later page', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    device.write('video', { videoId }, video(4));
    for (let i = 0; i < 9; i++) device.write('scene', { sceneId: randomUUID() }, scene(videoId, i));
    await device.pushAll(10); // one batch of 10
    for (let i = 9; i < 15; i++) device.write('scene', { sceneId: randomUUID() }, scene(videoId, i));
    await device.pushAll(3); // two batches of 3
    device.write('video', { videoId }, video(4, { title: 'Renamed' })); // the video moves to the last batch
    await device.pushAll();

    const page = async (cursor: number, limit: number) => (await (await client.pull(cursor, limit)).json()) as PullResponse;
    const first = await page(0, 3);
    expect(first.changes.filter((c) => c.type === 'scene')).toHaveLength(9); // the whole first batch, over the limit
    expect(first.changes[0]).toMatchObject({ type: 'video', key: { videoId }, row: { title: 'Renamed' } }); // its parent, current
    expect(first.more).toBe(true);
    const second = await page(first.cursor, 4);
    expect(second.changes).toHaveLength(3 + 1); // one batch of 3 fits in 4, not two; plus the video
    const third = await page(second.cursor, 100);
    expect(third.changes.map((c) => c.type)).toEqual(['video', 'scene', 'scene', 'scene']);
    expect(third.more).toBe(false);
  });

  it('two devices pushing concurrently while a third pulls in small pages end identical to the server', async () => {
    const { token, client } = await newDevice();
    const laptop = new SimDevice(client, await client.registerDevice('Laptop'));
    const desktop = new SimDevice(client, await client.registerDevice('Desktop'));
    const phone = new SimDevice(client, await client.registerDevice('Phone'));
    const personIds = [randomUUID(), randomUUID(), randomUUID()];
    personIds.forEach((personId, i) => laptop.write('person', { personId }, { name: `Person ${i}`, number: i, centroid: null, hidden: false }));
    await laptop.pushAll();
    await desktop.pullAll();

    for (let round = 0; round < 4; round++) {
      for (const [n, device] of [laptop, desktop].entries()) {
        const videoId = randomUUID();
        device.write('video', { videoId }, video(100 + round * 2 + n));
        for (let i = 0; i < 7; i++) device.write('scene', { sceneId: randomUUID() }, scene(videoId, i));
        // Both rename the same people: the later stamp must win everywhere.
        for (const personId of personIds) device.write('person', { personId }, { name: `${n ? 'Desk' : 'Lap'} ${round}`, number: 1, centroid: null, hidden: round % 2 === 1 });
      }
      const [lapAnswers, deskAnswers] = await Promise.all([laptop.pushAll(4), desktop.pushAll(5), phone.pullAll(6)]);
      // A flaky network resends a batch already applied: it changes nothing.
      const resend = await client.push({ deviceId: laptop.deviceId, batchSeq: laptop.batchSeq, changes: laptop.sent.get(laptop.batchSeq) });
      expect(await resend.json()).toMatchObject({ duplicate: true });
      expect([...lapAnswers!, ...deskAnswers!].every((a) => !a.duplicate)).toBe(true);
      await Promise.all([laptop.pullAll(7), desktop.pullAll(3)]);
    }
    await Promise.all([laptop.pullAll(), desktop.pullAll(), phone.pullAll(5)]);
    const server = new SimDevice(api(app, token), randomUUID());
    await server.pullAll(2000);
    const state = (d: SimDevice) => Object.fromEntries([...d.rows.entries()].sort(([a], [b]) => a.localeCompare(b)));
    expect(server.rows.size).toBe(3 + 2 * 4 * 8);
    expect(state(laptop)).toEqual(state(server));
    expect(state(desktop)).toEqual(state(server));
    expect(state(phone)).toEqual(state(server));
    // Every batch applied exactly once: one audited, non-duplicate push per batch number.
    const pushes = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'sync_push'));
    const applied = pushes.filter((e) => e.eventMetadata.deviceId === laptop.deviceId && (e.eventMetadata.applied as number) + (e.eventMetadata.ignored as number) > 0);
    expect(applied.map((e) => e.eventMetadata.batchSeq).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: laptop.batchSeq }, (_, i) => i + 1));
  });

  it('keeps accounts apart: B cannot read, change or delete A’s rows by guessing ids or replaying A’s batches', async () => {
    const a = await newDevice();
    const videoId = randomUUID();
    const sceneId = randomUUID();
    const batch = [a.device.write('video', { videoId }, video(5)), a.device.write('scene', { sceneId }, scene(videoId, 0, 'secret words'))];
    await a.device.pushAll();
    const b = await newDevice();

    const asB = (changes: SyncChange[], deviceId = b.device.deviceId, batchSeq = 1) => b.client.push({ deviceId, batchSeq, changes });
    const replayOnAsDevice = await asB(batch, a.device.deviceId);
    expect(replayOnAsDevice.status).toBe(404);
    const replay = await asB(batch);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toEqual({ type: 'not-yours', error: 'This batch changes rows that are not in your library. Nothing was applied.' });
    const later = formatHlc({ millis: Date.now(), counter: 9, node: 'b' });
    expect((await asB([{ type: 'video', hlc: later, key: { videoId }, row: video(5, { title: 'Mine now' }) }])).status).toBe(403);
    expect((await asB([{ type: 'scene', hlc: later, key: { sceneId }, row: null }])).status).toBe(403);
    // A new row of B's that points into A's library is refused too.
    expect((await asB([{ type: 'scene', hlc: later, key: { sceneId: randomUUID() }, row: scene(videoId, 1) }])).status).toBe(403);
    expect((await b.client.removeDevice(a.device.deviceId)).status).toBe(404);
    const bDevices = (await (await b.client.devices()).json()) as { devices: { deviceId: string }[] };
    expect(bDevices.devices.map((d) => d.deviceId)).toEqual([b.device.deviceId]);
    expect(await (await b.client.pull(0)).json()).toEqual({ type: 'changes', changes: [], cursor: 0, more: false });

    const aView = new SimDevice(a.client, randomUUID());
    await aView.pullAll();
    expect(aView.rows.get(`video:${videoId}`)!.row).toMatchObject({ title: 'Video 5' });
    expect(aView.rows.get(`scene:${sceneId}`)!.row).toMatchObject({ transcript: 'secret words' });
  });

  it('tells an app on another protocol version to update, before anything else', async () => {
    const { token } = await newDevice();
    const pull = (version?: string) =>
      app.request('/sync/pull', { headers: { authorization: `Bearer ${token}`, ...(version === undefined ? {} : { [PROTOCOL_HEADER]: version }) } });
    const old = await pull('0');
    expect(old.status).toBe(426);
    expect(await old.json()).toMatchObject({ type: 'update-required', error: 'This version of the app can no longer sync. Update the app to keep syncing.', serverProtocol: 1 });
    expect((await pull('99')).status).toBe(426);
    const missing = await pull();
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: PROTOCOL_HEADER });
    expect((await app.request('/devices', { headers: { [PROTOCOL_HEADER]: '0' } })).status).toBe(426); // even signed out
    expect((await app.request('/sync/pull', { headers: { [PROTOCOL_HEADER]: '1' } })).status).toBe(401);
  });

  it('tells a device whose cursor is older than the purge watermark to start over', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    device.write('video', { videoId }, video(6));
    device.write('video', { videoId: randomUUID() }, video(7));
    await device.pushAll();
    const early = new SimDevice(client, await client.registerDevice('Tablet'));
    await early.pullAll();
    device.write('video', { videoId }, null);
    await device.pushAll();
    device.write('video', { videoId: randomUUID() }, video(8));
    await device.pushAll();
    const caughtUp = new SimDevice(client, await client.registerDevice('Phone'));
    await caughtUp.pullAll();

    const { purged } = await purgeTombstones(database.db, new Date(Date.now() + 60_000));
    expect(purged).toBeGreaterThanOrEqual(1);
    const stale = await client.pull(early.cursor);
    expect(stale.status).toBe(410);
    expect(await stale.json()).toMatchObject({ type: 'start-over', error: 'This device was away too long: it will download your library again.' });
    expect((await client.pull(caughtUp.cursor)).status).toBe(200);
    const restart = new SimDevice(client, early.deviceId);
    await restart.pullAll();
    expect(restart.rows.has(`video:${videoId}`)).toBe(false); // the purged tombstone is simply gone
    expect(restart.rows.size).toBe(2);
    expect((await client.pull(10_000_000)).status).toBe(410); // a cursor this server never gave
  });

  it('registers, lists, renames and removes devices (audited); a removed device must register again to push', async () => {
    const { client, device, token } = await newDevice();
    const phone = await client.registerDevice('  Phone  ');
    const list = (await (await client.devices()).json()) as { devices: { name: string; lastSeenAt: string | null; lastBatchSeq: number }[] };
    expect(list.devices.map((d) => d.name)).toEqual(['Laptop', 'Phone']);
    expect(list.devices[0]!.lastSeenAt).toEqual(expect.any(String));
    const rename = (id: string, body: unknown) =>
      app.request(`/devices/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: '1' }, body: JSON.stringify(body) });
    const renamed = await rename(phone, { name: ' Work phone ' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ deviceId: phone, name: 'Work phone' });
    expect((await rename(phone, { name: '' })).status).toBe(400);
    expect((await rename(randomUUID(), { name: 'Not mine' })).status).toBe(404);
    const other = await newDevice();
    const stranger = await app.request(`/devices/${phone}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: '1' },
      body: JSON.stringify({ name: 'Taken over' }),
    });
    expect(stranger.status, 'another account cannot rename it').toBe(404);
    expect((await client.removeDevice(phone)).status).toBe(204);
    expect((await client.removeDevice(phone)).status).toBe(404);
    const pushed = await client.push({ deviceId: phone, batchSeq: 1, changes: [] });
    expect(pushed.status).toBe(404);
    expect(await pushed.json()).toMatchObject({ type: 'unknown-device' });
    // A pull that names the removed device is told too (one with nothing to push learns it this way).
    const pulled = await app.request(`/sync/pull?cursor=0&deviceId=${phone}`, { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: '1' } });
    expect(pulled.status).toBe(404);
    expect(await pulled.json()).toMatchObject({ type: 'unknown-device' });
    const pulledHere = await app.request(`/sync/pull?cursor=0&deviceId=${device.deviceId}`, { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: '1' } });
    expect(pulledHere.status).toBe(200);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'device_removed'));
    expect(events.some((e) => e.eventMetadata.deviceId === phone)).toBe(true);
    expect((await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: [] })).status).toBe(200);
  });

  it('validates every field (400 naming it), refuses big bodies (413), clocks far ahead, and over-quota batches', async () => {
    const { client, device } = await newDevice();
    const videoId = randomUUID();
    const bad = await client.push({
      deviceId: device.deviceId,
      batchSeq: 1,
      changes: [{ type: 'scene', hlc: device.clock.send(), key: { sceneId: randomUUID() }, row: { ...scene(videoId, 0), imageVec: { model: 'm', data: 'abc' } } }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'changes.0.row.imageVec.data must be base64 of float32 values.', field: 'changes.0.row.imageVec.data' });
    const unknownType = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: [{ type: 'jobs', hlc: device.clock.send(), key: {}, row: null }] });
    expect(unknownType.status).toBe(400);
    expect(((await unknownType.json()) as { field: string }).field).toBe('changes.0.type');
    expect((await client.pull(-1)).status).toBe(400);

    const huge = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: [], padding: 'x'.repeat(25 * 1024 * 1024) });
    expect(huge.status).toBe(413);

    const ahead = formatHlc({ millis: Date.now() + 3_600_000, counter: 0, node: 'x' });
    const future = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: [{ type: 'video', hlc: ahead, key: { videoId }, row: video(9) }] });
    expect(future.status).toBe(400);
    expect(await future.json()).toMatchObject({ type: 'clock-ahead', field: 'changes.0.hlc' });

    quotaRefuses = true;
    try {
      device.write('video', { videoId }, video(9));
      device.write('scene', { sceneId: randomUUID() }, scene(videoId, 0));
      const over = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: device.outbox });
      expect(over.status).toBe(403);
      expect(quotaCalls.at(-1)).toEqual({ addedScenes: 1 });
    } finally {
      quotaRefuses = false;
    }
    expect(((await (await client.pull(0)).json()) as PullResponse).changes).toEqual([]); // nothing of the refused batch
  });

  it('keeps a push within the plan’s scenes (the real quota service, checked in the push’s transaction)', async () => {
    const planned = buildApp({
      database,
      auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT },
      quotas: { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 2, blobBytes: 1_000_000 } },
    });
    const client = api(planned, await signUp(planned, `plan${randomUUID().slice(0, 8)}@example.org`));
    const device = new SimDevice(client, await client.registerDevice('Laptop'));
    const videoId = randomUUID();
    device.write('video', { videoId }, video(3));
    for (const idx of [0, 1, 2]) device.write('scene', { sceneId: randomUUID() }, scene(videoId, idx));
    const over = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: device.outbox });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: 'Your FREE plan holds 2 scenes; 0 are used and this change adds 3.', quota: { limit: 'scenes' } });
    expect(((await (await client.pull(0)).json()) as PullResponse).changes).toEqual([]); // nothing of the refused batch
    const lastScene = device.outbox.findLastIndex((c) => c.type === 'scene');
    const fits = await client.push({ deviceId: device.deviceId, batchSeq: 1, changes: device.outbox.filter((_, i) => i !== lastScene) });
    expect(fits.status).toBe(200);
  });

  it('limits sync requests per user (429 with Retry-After), counted in the database', async () => {
    const limited = buildApp({
      database,
      auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT },
      sync: { rateLimits: { perUser: { name: `sync-user-${randomUUID()}`, limit: 3, windowS: 60 }, perIp: { name: 'sync-ip-test', limit: 1000, windowS: 60 } } },
    });
    const { token } = await newDevice();
    const client = api(limited, token);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.pull(0)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await client.pull(0)).headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('reports a row whose parent is not on the server and applies the rest', async () => {
    const { device } = await newDevice();
    const videoId = randomUUID();
    const orphanId = randomUUID();
    device.write('video', { videoId }, video(10));
    device.write('scene', { sceneId: randomUUID() }, scene(videoId, 0));
    device.write('scene', { sceneId: orphanId }, scene(randomUUID(), 0));
    const [answer] = await device.pushAll();
    expect(answer).toMatchObject({ applied: 2, dropped: [{ type: 'scene', key: { sceneId: orphanId }, reason: 'parent-missing' }] });
  });
});
