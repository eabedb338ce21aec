/**
 * Sync throughput through the real server: a device pushes a synthetic library (10k scenes with 512-d picture
 * vectors, 50 scenes a video, transcripts from a Zipf vocabulary) in batches as its outbox would send them, over
 * HTTP on loopback to the whole app on embedded PGlite; then a second device of the same account pulls it all in
 * pages. References, measured in the same run on the same kind of database (a fresh in-memory PGlite with the
 * same migrations and indexes):
 *   - push: a plain multi-row INSERT of the same rows, one transaction per batch of the same size;
 *   - pull: a plain SELECT of the same rows.
 * A diagnostic row applies the same batches with applyPush in-process (no HTTP, no JSON, no validation): what is
 * left between it and the HTTP row is transport and validation; what lies between it and the reference is the
 * push's own work (ownership, LWW, seq numbers, audit).
 * `npm run bench -- --only sync` (or `tsx bench/sync.ts [--scenes N] [--batch N]`). Writes bench/results/sync.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionResponse } from '@heimdex/shared-schema/protocol';
import { pushRequest, type PullResponse, type PushRequest, type PushResponse, type SyncChange } from '@heimdex/shared-schema/protocol';
import { encodeVector, HybridLogicalClock, kindOf } from '@heimdex/shared-schema/sync';
import { eq } from 'drizzle-orm';
import { scenes as scenesTable, videos as videosTable } from '@heimdex/shared-schema';
import { openDatabase, type OpenDatabase } from '../sync-server/src/db/open.ts';
import type { Db } from '../sync-server/src/db/types.ts';
import { makeDevicesRepo } from '../sync-server/src/devices/repository.ts';
import { applyPush } from '../sync-server/src/sync/push.ts';
import { overHttp, randomVector, register, syncApi } from '../sync-server/test/sync-api.ts';
import { startBenchServer } from './bench-server.ts';
import { parseQuery } from '@heimdex/shared-schema/search';
import { drizzle } from 'drizzle-orm/pglite';
import { LOCAL_USER_ID } from '../client/src/db/api.ts';
import { makeSearchRepo } from '../client/src/db/search.ts';
import { openTestDatabase } from '../client/src/db/testing.ts';
import { pullAll } from '../client/src/sync/engine.ts';
import { makeSyncServer } from '../client/src/sync/server-api.ts';
import { makeSession } from '../client/src/sync/session.ts';
import { makeWords, prng, zipfSampler } from './search.ts';
import { markdownTable, wholeNumberFlag } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results/sync.json');
const DEFAULT_SCENES = 10_000;
/** Changes per push batch and per pull page: the pull default, half the protocol's largest batch. */
const DEFAULT_BATCH = 500;
const DIM = 512;
const SCENES_PER_VIDEO = 50;
const MODEL = 'bench-clip-512';

export interface SyncBenchRow {
  name: string;
  scenes: number;
  wallS: number;
  scenesPerS: number;
  /** This row's throughput over its reference's; null for references. */
  vsReference: number | null;
  requests: number;
}

export interface SyncBenchResult {
  scenes: number;
  batch: number;
  dim: number;
  pushBodyMB: number;
  rows: SyncBenchRow[];
  /** From a new profile's sign-in until its first search answered with a hit (after the first page). */
  profileFirstSearchS: number;
}

// ---- the library, as a device's outbox --------------------------------------------------------------------

const sha = (n: number) => n.toString(16).padStart(64, '0');

/** Videos each followed by their scenes, stamped by one device's clock: the order an outbox fills in. */
function libraryChanges(sceneCount: number, holderDeviceId: string): SyncChange[] {
  const random = prng(11);
  const words = makeWords(random);
  const zipf = zipfSampler(words.length, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[zipf()]).join(' ');
  const clock = new HybridLogicalClock('bench-device');
  const changes: SyncChange[] = [];
  for (let v = 0; v * SCENES_PER_VIDEO < sceneCount; v++) {
    const videoId = randomUUID();
    changes.push({
      type: 'video',
      hlc: clock.send(),
      key: { videoId },
      row: {
        title: `Video ${v}`,
        fileName: `video-${v}.mp4`,
        sizeBytes: 50_000_000 + v,
        contentSha256: sha(v + 1),
        mime: 'video/mp4',
        durationS: SCENES_PER_VIDEO * 5,
        width: 1280,
        height: 720,
        fps: 30,
        state: 'INDEXED',
        error: null,
        metadata: { codec: 'avc1' },
        firstIndexing: false,
        deviceId: holderDeviceId,
        createdAt: new Date(Date.UTC(2026, 0, 1) + v * 60_000).toISOString(),
      },
    });
    for (let idx = 0; idx < SCENES_PER_VIDEO && v * SCENES_PER_VIDEO + idx < sceneCount; idx++) {
      const n = v * SCENES_PER_VIDEO + idx;
      changes.push({
        type: 'scene',
        hlc: clock.send(),
        key: { sceneId: randomUUID() },
        row: {
          videoId,
          idx,
          startS: idx * 5,
          endS: idx * 5 + 5,
          keyframeS: idx * 5 + 2.5,
          transcript: sentence(30),
          ocrText: sentence(4),
          thumbnailSha256: sha(1_000_000 + n),
          imageVec: { model: MODEL, data: encodeVector(randomVector(DIM, n + 1)) },
          textVec: null,
        },
      });
    }
  }
  return changes;
}

function batches(changes: SyncChange[], size: number, deviceId: string): PushRequest[] {
  const out: PushRequest[] = [];
  for (let i = 0; i < changes.length; i += size) out.push({ deviceId, batchSeq: out.length + 1, changes: changes.slice(i, i + size) });
  return out;
}

// ---- measurements -----------------------------------------------------------------------------------------

async function seconds(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** The reference: the same rows, columns mapped as the server maps them, inserted plainly batch by batch. */
async function bulkInsert(db: Db, userId: string, requests: PushRequest[]): Promise<number> {
  let serverSeq = 1;
  const rowsOf = (changes: SyncChange[], type: 'video' | 'scene') =>
    changes
      .filter((c) => c.type === type)
      .map((c) => ({ ...c.key, ...kindOf(type).toColumns(c.row as never), userId, hlc: c.hlc, serverSeq: serverSeq++, deleted: false }));
  return seconds(async () => {
    for (const request of requests) {
      await db.transaction(async (tx) => {
        const videoRows = rowsOf(request.changes, 'video');
        const sceneRows = rowsOf(request.changes, 'scene');
        if (videoRows.length > 0) await tx.insert(videosTable).values(videoRows as never);
        if (sceneRows.length > 0) await tx.insert(scenesTable).values(sceneRows as never);
      });
    }
  });
}

async function pushOverHttp(url: string, token: string, deviceId: string, requests: PushRequest[]): Promise<number> {
  const client = syncApi(overHttp(url), token);
  // Encoded before the clock starts: a device's JSON work happens on the device, not on the server.
  const bodies = requests.map((r) => JSON.stringify({ ...r, deviceId }));
  return seconds(async () => {
    for (const body of bodies) {
      const res = await client.push(body);
      const answer = (await res.json()) as PushResponse;
      if (res.status !== 200 || answer.applied !== JSON.parse(body).changes.length) {
        throw new Error(`push answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
    }
  });
}

async function pullOverHttp(url: string, token: string, limit: number, expectScenes: number): Promise<{ wallS: number; requests: number }> {
  const client = syncApi(overHttp(url), token);
  let requests = 0;
  let scenes = 0;
  const wallS = await seconds(async () => {
    for (let cursor = 0, more = true; more; ) {
      const res = await client.pull(cursor, limit);
      if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const page = (await res.json()) as PullResponse;
      requests++;
      scenes += page.changes.filter((c) => c.type === 'scene').length;
      ({ cursor, more } = page);
    }
  });
  if (scenes !== expectScenes) throw new Error(`pull brought ${scenes} scenes, expected ${expectScenes}`);
  return { wallS, requests };
}

async function signUpWithDevice(url: string, email: string): Promise<{ token: string; userId: string; deviceId: string }> {
  const res = await register(overHttp(url), email);
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  const { accessToken, user } = (await res.json()) as SessionResponse;
  const device = await syncApi(overHttp(url), accessToken).registerDevice('bench device');
  if (device.status !== 201) throw new Error(`device registration answered ${device.status}`);
  const { deviceId } = (await device.json()) as { deviceId: string };
  return { token: accessToken, userId: user.userId, deviceId };
}

/**
 * A second profile signing in to the account: the app's own sync code (client/src/sync) on a fresh library
 * (PGlite with the app's migrations and change tracking), pulling over HTTP and applying each page
 * last-writer-wins. Times from the sign-in: until a search of a word of the first page answers with a hit, and
 * until everything is pulled. (Images come after, in the background: not counted.)
 */
async function signInAndPull(url: string, email: string, limit: number, probeWord: string, expectScenes: number) {
  const pg = await openTestDatabase();
  try {
    const db = drizzle(pg);
    const session = makeSession({ db, baseUrl: url });
    const server = makeSyncServer({ baseUrl: url, accessToken: session.accessToken, tokenRefused: session.tokenRefused });
    const search = makeSearchRepo(pg, LOCAL_USER_ID);
    const started = performance.now();
    let firstSearchS = Number.NaN;
    let requests = 0;
    await session.signIn(email, 'correct horse battery', 'bench profile');
    await pullAll(db, server, LOCAL_USER_ID, { batchChanges: limit, pullLimit: limit }, async () => {
      requests++;
      if (!Number.isNaN(firstSearchS)) return;
      const found = await search.searchScenes({ query: parseQuery(probeWord), textVector: null });
      if (found.hits.length > 0) firstSearchS = (performance.now() - started) / 1000;
    });
    const allS = (performance.now() - started) / 1000;
    const { rows } = await pg.query<{ n: number }>('select count(*)::int as n from scenes');
    if (rows[0]!.n !== expectScenes) throw new Error(`the profile pulled ${rows[0]!.n} scenes, expected ${expectScenes}`);
    return { firstSearchS, allS, requests };
  } finally {
    await pg.close();
  }
}

async function withDatabase<T>(work: (database: OpenDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

export async function measureSync(sceneCount: number, batch: number, log: (line: string) => void): Promise<SyncBenchResult> {
  const holder = randomUUID();
  const changes = libraryChanges(sceneCount, holder);
  const requests = batches(changes, batch, holder);
  const pushBodyMB = requests.reduce((total, r) => total + JSON.stringify(r).length, 0) / 2 ** 20;

  const userId = randomUUID();
  // The first statements of a process pay for compiling PGlite's WASM and the SQL paths: warm both paths up on
  // a throwaway database, so neither row carries it.
  log('  warming up…');
  await withDatabase(({ db }) => bulkInsert(db, userId, requests.slice(0, 2)));
  await withDatabase(async ({ db }) => {
    const { deviceId } = await makeDevicesRepo(db).register(userId, 'warm-up device');
    for (const request of requests.slice(0, 2)) await applyPush(db, pushRequest.parse({ ...request, deviceId }), { userId, ip: null, checkQuota: async () => {} });
  });

  log(`  reference: plain INSERT of ${sceneCount} scenes in ${requests.length} transactions…`);
  const reference = await withDatabase(async ({ db }) => {
    const insertS = await bulkInsert(db, userId, requests);
    let selected = 0;
    const selectS = await seconds(async () => {
      selected = (await db.select().from(scenesTable).where(eq(scenesTable.userId, userId))).length;
      await db.select().from(videosTable).where(eq(videosTable.userId, userId));
    });
    if (selected !== sceneCount) throw new Error(`the reference holds ${selected} scenes, expected ${sceneCount}`);
    return { insertS, selectS };
  });

  log('  applyPush in-process (no HTTP)…');
  const inProcessS = await withDatabase(async ({ db }) => {
    const { deviceId } = await makeDevicesRepo(db).register(userId, 'bench device');
    const parsed = requests.map((r) => pushRequest.parse({ ...r, deviceId }));
    return seconds(async () => {
      for (const request of parsed) await applyPush(db, request, { userId, ip: null, checkQuota: async () => {} });
    });
  });

  log('  push and pull over HTTP…');
  const server = await startBenchServer();
  let push: number;
  let pull: { wallS: number; requests: number };
  let profile: { firstSearchS: number; allS: number; requests: number };
  try {
    const email = `bench-${randomUUID().slice(0, 8)}@example.org`;
    const account = await signUpWithDevice(server.url, email);
    push = await pushOverHttp(server.url, account.token, account.deviceId, requests);
    const second = await syncApi(overHttp(server.url), account.token).registerDevice('second bench device');
    if (second.status !== 201) throw new Error(`second device answered ${second.status}`);
    pull = await pullOverHttp(server.url, account.token, batch, sceneCount);
    log('  a second profile signs in and pulls with the app’s sync code…');
    const firstScene = changes.find((c) => c.type === 'scene');
    const probeWord = firstScene?.type === 'scene' ? firstScene.row!.transcript.split(' ')[0]! : 'video';
    profile = await signInAndPull(server.url, email, batch, probeWord, sceneCount);
  } finally {
    await server.close();
  }

  const row = (name: string, wallS: number, requestCount: number, referenceS: number | null): SyncBenchRow => ({
    name,
    scenes: sceneCount,
    wallS,
    scenesPerS: sceneCount / wallS,
    vsReference: referenceS === null ? null : referenceS / wallS,
    requests: requestCount,
  });
  return {
    scenes: sceneCount,
    batch,
    dim: DIM,
    pushBodyMB,
    rows: [
      row(`plain INSERT, ${batch} rows a transaction (reference)`, reference.insertS, 0, null),
      row('push over HTTP', push, requests.length, reference.insertS),
      row('applyPush in-process (no HTTP, no validation)', inProcessS, 0, reference.insertS),
      row('plain SELECT of the same rows (reference)', reference.selectS, 0, null),
      row(`pull over HTTP, pages of ${batch}`, pull.wallS, pull.requests, reference.selectS),
      row('new profile signs in: pull and apply (app’s sync code), vs raw pull', profile.allS, profile.requests, pull.wallS),
    ],
    profileFirstSearchS: profile.firstSearchS,
  };
}

// ---- report -----------------------------------------------------------------------------------------------

export function formatSyncReport(result: SyncBenchResult, machine: string): string {
  const header = ['sync (server on embedded PGlite)', 'scenes', 'wall s', 'scenes/s', 'vs reference', 'requests'];
  const body = result.rows.map((r) => [
    r.name,
    String(r.scenes),
    r.wallS.toFixed(2),
    r.scenesPerS.toFixed(0),
    r.vsReference === null ? '—' : `${r.vsReference.toFixed(2)}×`,
    r.requests === 0 ? '—' : String(r.requests),
  ]);
  return [
    `\n${machine}`,
    ...markdownTable(header, body),
    `${result.scenes} scenes with ${result.dim}-d vectors (base64 float32), ${SCENES_PER_VIDEO} a video, in batches of ${result.batch} changes ` +
      `(${result.pushBodyMB.toFixed(1)} MB of push bodies); loopback HTTP to the whole app (auth, protocol, rate limits, quota, audit).`,
    'vs reference: the reference\'s time over the row\'s (1× = as fast as a plain INSERT / SELECT of the same rows on a fresh in-memory PGlite; ' +
      'the new profile\'s row: the raw pull over HTTP of the same run).',
    `new profile: its first search answered ${result.profileFirstSearchS.toFixed(2)} s after signing in; everything was pulled after ${result.rows.at(-1)!.wallS.toFixed(2)} s.`,
  ].join('\n');
}

export async function runSyncBench(options: { scenes?: number; batch?: number; log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => console.log(line));
  const loadAverage = loadavg()[0]!.toFixed(1);
  log('sync bench:');
  const result = await measureSync(options.scenes ?? DEFAULT_SCENES, options.batch ?? DEFAULT_BATCH, log);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start); Node ${process.version}`;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  return `${formatSyncReport(result, machine)}\nwritten: ${RESULTS}`;
}

/** `--scenes 2000 --batch 200` */
export function syncOptionsFromArgs(argv: string[]): { scenes?: number; batch?: number } {
  const number = (flag: string) => wholeNumberFlag(argv, flag);
  const batch = number('--batch');
  const scenes = number('--scenes');
  return { ...(scenes ? { scenes } : {}), ...(batch ? { batch } : {}) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSyncBench(syncOptionsFromArgs(process.argv))
    .then((report) => console.log(report))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}
