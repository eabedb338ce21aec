/**
 * Server-side search under load: POST /search p50/p95 for one account among 100 sharing one server database of
 * 100k scenes (1% each: the small user for whom a filtered nearest-neighbour search must not lose recall), with
 * `connections` requests in flight from a separate process (autocannon, bench/load-client.ts), against the same
 * queries one at a time (the reference: latency without queueing). The whole app on embedded PGlite serves it
 * on 127.0.0.1. The library is bulk-loaded straight into the server's database (COPY, as bench/search.ts does;
 * pushing 100k scenes would take minutes and measure sync, not search), then indexed and analysed.
 * When the server answers 404 the part is skipped with a loud line: it needs the /search endpoint.
 * `npm run bench -- --only search-load` (or `tsx bench/search-load.ts [--scenes N] [--users N] [--seconds N]`).
 * Writes bench/results/search-load.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { SessionResponse, WireVector } from '@heimdex/shared-schema/protocol';
import { encodeVector, formatHlc } from '@heimdex/shared-schema/sync';
import { overHttp, register } from '../sync-server/test/sync-api.ts';
import { startBenchServer, type BenchServer } from './bench-server.ts';
import type { LoadResult, LoadTask } from './load-client.ts';
import { gaussian, makeWords, near, normalise, percentile, prng, zipfSampler } from './search.ts';
import { markdownTable, wholeNumberFlag } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results/search-load.json');
const SEARCH_PATH = '/search';
const MODEL = 'bench-clip-512';
const DIM = 512;
const TOPICS = 64;
const SCENES_PER_VIDEO = 50;
const COPY_ROWS = 5000;
const DEFAULTS = { scenes: 100_000, users: 100, seconds: 10, connections: [1, 8, 32] };

/**
 * The body of one POST /search: the one place to align with the endpoint's request schema once it exists
 * (words in the app's query language, and optionally a query vector computed on the device, with its model).
 */
export function searchBody(query: string, vector: WireVector | null): unknown {
  return { query, ...(vector ? { vector } : {}) };
}

export interface LoadRow {
  connections: number;
  requests: number;
  perS: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** p50 at one connection over this row's p50. */
  vsOne: number;
  failed: number;
}

// ---- library ----------------------------------------------------------------------------------------------

interface Library {
  words: string[];
  centres: Float64Array[];
  loadS: number;
  indexS: number;
}

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
const vectorLiteral = (v: Float64Array) => `[${Array.from(v, (x) => x.toFixed(5)).join(',')}]`;

/** Every user's videos and scenes, straight into the server's tables (text indexes rebuilt after the load). */
async function loadLibrary(pg: PGlite, userIds: string[], scenes: number, log: (line: string) => void): Promise<Library> {
  const random = prng(42);
  const centres = Array.from({ length: TOPICS }, () => normalise(Float64Array.from({ length: DIM }, () => gaussian(random))));
  const words = makeWords(random);
  const zipf = zipfSampler(words.length, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[zipf()]).join(' ');
  const hlc = formatHlc({ millis: Date.UTC(2026, 0, 1), counter: 0, node: 'bench' });
  const perUser = Math.floor(scenes / userIds.length);

  const { rows: gin } = await pg.query<{ indexdef: string; indexname: string }>(
    `select indexname, indexdef from pg_indexes where tablename = 'scenes' and indexdef ~* 'using gin'`,
  );
  for (const index of gin) await pg.exec(`drop index ${index.indexname}`);
  const started = performance.now();
  for (const [u, userId] of userIds.entries()) {
    const videoCount = Math.ceil(perUser / SCENES_PER_VIDEO);
    const { rows: videoRows } = await pg.query<{ video_id: string }>(
      `insert into videos (user_id, device_id, title, file_name, size_bytes, content_sha256, state, hlc, server_seq)
       select $1::uuid, gen_random_uuid(), 'Video ' || i, 'video-' || i || '.mp4', 1000000, md5($1::text || i), 'INDEXED', $3::text, i from generate_series(1, $2::int) i
       returning video_id`,
      [userId, videoCount, hlc],
    );
    const lines: string[] = [];
    for (let i = 0; i < perUser; i++) {
      const idx = i % SCENES_PER_VIDEO;
      const vector = near(centres[Math.floor(random() * TOPICS)]!, random);
      const fields = [videoRows[Math.floor(i / SCENES_PER_VIDEO)]!.video_id, userId, idx, idx * 5, idx * 5 + 5, csvField(sentence(30)), csvField(sentence(4))];
      lines.push([...fields, csvField(vectorLiteral(vector)), MODEL, hlc, videoCount + i + 1].join(','));
      if (lines.length === COPY_ROWS || i === perUser - 1) {
        await pg.query(
          `copy scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text, image_vec, image_model, hlc, server_seq) from '/dev/blob' with (format csv)`,
          [],
          { blob: new Blob([lines.join('\n')]) },
        );
        lines.length = 0;
      }
    }
    if ((u + 1) % 20 === 0) log(`  loaded ${u + 1} of ${userIds.length} accounts`);
  }
  const loadS = (performance.now() - started) / 1000;
  const indexing = performance.now();
  for (const index of gin) await pg.exec(index.indexdef);
  await pg.exec('analyze');
  return { words, centres, loadS, indexS: (performance.now() - indexing) / 1000 };
}

// ---- load -------------------------------------------------------------------------------------------------

function runLoadProcess(task: LoadTask): Promise<LoadResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/load-client.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${code}: ${err.slice(-2000)}`));
      else resolveResult(JSON.parse(out) as LoadResult);
    });
    child.stdin.end(JSON.stringify(task));
  });
}

async function signUp(server: BenchServer, email: string): Promise<SessionResponse> {
  const res = await register(overHttp(server.url), email);
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as SessionResponse;
}

export type SearchLoadOutcome =
  | { available: false; reason: string }
  | { available: true; scenes: number; users: number; userScenes: number; library: Omit<Library, 'words' | 'centres'>; rows: LoadRow[] };

export async function measureSearchLoad(
  options: { scenes: number; users: number; seconds: number; connections: number[] },
  log: (line: string) => void,
  /** The server to measure (the real app by default). */
  start: () => Promise<BenchServer> = startBenchServer,
): Promise<SearchLoadOutcome> {
  const server = await start();
  try {
    const accounts: SessionResponse[] = [await signUp(server, 'load-0@example.org')];
    const headers = { authorization: `Bearer ${accounts[0]!.accessToken}`, 'content-type': 'application/json' };
    const probe = await fetch(`${server.url}${SEARCH_PATH}`, { method: 'POST', headers, body: JSON.stringify(searchBody('probe', null)) });
    if (probe.status === 404) return { available: false, reason: `the server has no ${SEARCH_PATH} yet` };
    if (!probe.ok) return { available: false, reason: `${SEARCH_PATH} answered ${probe.status} to the bench's request (${(await probe.text()).slice(0, 300)}): align searchBody() in bench/search-load.ts with its request schema` };
    for (let u = 1; u < options.users; u++) accounts.push(await signUp(server, `load-${u}@example.org`));

    log(`  loading ${options.scenes} scenes for ${options.users} accounts…`);
    const pg = (server.database.db as unknown as { $client: PGlite }).$client;
    const library = await loadLibrary(pg, accounts.map((a) => a.user.userId), options.scenes, log);

    const random = prng(7);
    const bodies: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Words of middling frequency (ranks 50–300), alone and with a query vector near one of the topics.
      const words = `${library.words[50 + i * 8]} ${library.words[60 + i * 8]}`;
      const vector = near(library.centres[Math.floor(random() * TOPICS)]!, random);
      bodies.push(JSON.stringify(searchBody(words, null)));
      bodies.push(JSON.stringify(searchBody(words, { model: MODEL, data: encodeVector(Float32Array.from(vector)) })));
    }
    for (const body of bodies) {
      // The first request after the minutes of loading may meet a keep-alive socket the server has just closed.
      const post = () => fetch(`${server.url}${SEARCH_PATH}`, { method: 'POST', headers, body });
      const res = await post().catch(post); // warm-up, and a check of every body
      if (!res.ok) throw new Error(`${SEARCH_PATH} answered ${res.status} to ${body.slice(0, 120)}…: ${(await res.text()).slice(0, 300)}`);
    }

    const rows: LoadRow[] = [];
    for (const connections of options.connections) {
      log(`  ${connections} connection${connections === 1 ? '' : 's'} for ${options.seconds} s…`);
      const result = await runLoadProcess({ url: `${server.url}${SEARCH_PATH}`, headers, bodies, connections, durationS: options.seconds });
      const ok = Object.entries(result.statuses).reduce((n, [status, count]) => n + (status.startsWith('2') ? count : 0), 0);
      const p50Ms = percentile(result.latenciesMs, 50);
      rows.push({
        connections,
        requests: result.requests,
        perS: result.requests / result.durationS,
        p50Ms,
        p95Ms: percentile(result.latenciesMs, 95),
        p99Ms: percentile(result.latenciesMs, 99),
        vsOne: rows.length > 0 ? rows[0]!.p50Ms / p50Ms : 1,
        failed: result.requests - ok,
      });
    }
    const perUser = Math.floor(options.scenes / options.users);
    return { available: true, scenes: perUser * options.users, users: options.users, userScenes: perUser, library: { loadS: library.loadS, indexS: library.indexS }, rows };
  } finally {
    await server.close();
  }
}

// ---- report -----------------------------------------------------------------------------------------------

export function formatSearchLoadReport(outcome: SearchLoadOutcome, machine: string): string {
  if (!outcome.available) return `\nPOST ${SEARCH_PATH} under load: NOT AVAILABLE: ${outcome.reason}. This part measured nothing.`;
  const header = [`POST ${SEARCH_PATH} (one account of ${outcome.users})`, 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 vs 1 conn.', 'failed'];
  const body = outcome.rows.map((r) => [
    `${r.connections} connection${r.connections === 1 ? ' (reference)' : 's'}`,
    String(r.requests),
    r.perS.toFixed(1),
    r.p50Ms.toFixed(1),
    r.p95Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    `${r.vsOne.toFixed(2)}×`,
    r.failed === 0 ? '0' : `${r.failed} (!)`,
  ]);
  return [
    `\n${machine}`,
    ...markdownTable(header, body),
    `${outcome.scenes} scenes in one server database (embedded PGlite), ${outcome.userScenes} for each of ${outcome.users} accounts; ${DIM}-d vectors in ${TOPICS} clusters, ` +
      `Zipf words. Bulk-loaded straight into the database with COPY (${outcome.library.loadS.toFixed(1)} s; text indexes rebuilt in ${outcome.library.indexS.toFixed(1)} s), not pushed.`,
    'Load from a separate process (autocannon), 60 queries cycled: 30 word pairs, each alone and with a query vector. p50 vs 1 conn.: p50 with one request at a time over the row\'s p50.',
  ].join('\n');
}

export async function runSearchLoadBench(options: Partial<typeof DEFAULTS> = {}, log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const loadAverage = loadavg()[0]!.toFixed(1);
  log('search-load bench:');
  const outcome = await measureSearchLoad({ ...DEFAULTS, ...options }, log);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start); Node ${process.version}`;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, ...outcome }, null, 2)}\n`);
  if (!outcome.available) console.error(`\n!!! search-load: not available: ${outcome.reason} !!!`);
  return `${formatSearchLoadReport(outcome, machine)}\nwritten: ${RESULTS}`;
}

/** `--load-scenes 20000 --load-users 20 --load-seconds 5` */
export function searchLoadOptionsFromArgs(argv: string[]): Partial<typeof DEFAULTS> {
  const number = (flag: string) => wholeNumberFlag(argv, flag);
  const scenes = number('--load-scenes');
  const users = number('--load-users');
  const seconds = number('--load-seconds');
  return { ...(scenes ? { scenes } : {}), ...(users ? { users } : {}), ...(seconds ? { seconds } : {}) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSearchLoadBench(searchLoadOptionsFromArgs(process.argv))
    .then((report) => console.log(report))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}
