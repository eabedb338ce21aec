// @vitest-environment node
// The fetch logic against a real HTTP server on 127.0.0.1: resume, sha256 checks, retries, the lock, and the
// copy step against the real installed packages.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseModelManifest, type ModelEntry } from '../../client/src/ml/registry.ts';
import { copyNpmModels, findPackageDir, ortRuntimeFiles, runtimeFiles } from './copy.ts';
import { DownloadError, downloadFile } from './download.ts';
import { fetchHubModels, hubFileUrl } from './hub.ts';
import { emptyLock, lockedModel, readLock, recordFile, writeLock, type ModelsLock } from './lock.ts';
import { formatBytes, formatProgress, type Progress } from './progress.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '../..');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A small file server: Range support, scripted failures, hub-style redirects. Records every request. */
interface Route {
  body: Buffer;
  /** Answer the first N requests with 503. */
  failFirst?: number;
  /** Send only this many bytes of the first request, then drop the connection. */
  cutFirstAfter?: number;
  /** Answer 200 with the whole body even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Extra headers (x-repo-commit, x-linked-etag...). */
  headers?: Record<string, string>;
  /** Answer with a 302 to this path instead (the hub's redirect to its CDN). */
  redirectTo?: string;
}

interface Served {
  path: string;
  range: string | undefined;
  status: number;
  bytesSent: number;
}

function startServer(routes: Map<string, Route>) {
  const served: Served[] = [];
  const hits = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const route = routes.get(path);
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const log = (status: number, bytesSent = 0) => served.push({ path, range: req.headers.range, status, bytesSent });
    if (!route) {
      log(404);
      res.writeHead(404).end('not found');
      return;
    }
    if (route.redirectTo) {
      log(302);
      res.writeHead(302, { location: route.redirectTo, ...route.headers }).end();
      return;
    }
    if (route.failFirst && hit <= route.failFirst) {
      log(503);
      res.writeHead(503).end('busy');
      return;
    }
    const total = route.body.length;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (match && !route.ignoreRange) {
      start = Number(match[1]);
      if (start >= total) {
        log(416);
        res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
        return;
      }
    }
    const chunk = route.body.subarray(start);
    const status = start > 0 ? 206 : 200;
    res.writeHead(status, {
      'content-length': String(chunk.length),
      'accept-ranges': 'bytes',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${total - 1}/${total}` } : {}),
      ...route.headers,
    });
    if (route.cutFirstAfter !== undefined && hit === 1) {
      log(status, route.cutFirstAfter);
      res.write(chunk.subarray(0, route.cutFirstAfter), () => res.socket?.destroy());
      return;
    }
    log(status, chunk.length);
    res.end(chunk);
  });
  return new Promise<{ base: string; served: Served[]; reset: () => void; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        served,
        reset: () => {
          routes.clear();
          hits.clear();
          served.length = 0;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
const FILE = randomBytes(300_000);
const FILE_SHA = sha256(FILE);
const FAST = { backoffMs: 5, stallMs: 5000 };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heimdex-fetch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('downloadFile', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const routes = new Map<string, Route>();
  beforeAll(async () => {
    server = await startServer(routes);
  });
  afterAll(() => server.close());
  afterEach(() => server.reset());

  it('downloads a file, verifies its sha256, reports progress and leaves no .part', async () => {
    routes.set('/f.bin', { body: FILE });
    const dest = join(dir, 'fresh', 'f.bin');
    const progress: Progress[] = [];
    const result = await downloadFile({ url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' }, { ...FAST, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ sha256: FILE_SHA, bytes: FILE.length, resumedFrom: 0, attempts: 1 });
    expect(sha256(readFileSync(dest))).toBe(FILE_SHA);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(progress.at(-1)).toMatchObject({ received: FILE.length, total: FILE.length });
  });

  it('resumes a partial download with a Range request and fetches only the rest', async () => {
    routes.set('/f.bin', { body: FILE });
    const dest = join(dir, 'resume', 'f.bin');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(`${dest}.part`, FILE.subarray(0, 120_000));
    const result = await downloadFile({ url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' }, FAST);
    expect(result.resumedFrom).toBe(120_000);
    expect(server.served).toEqual([{ path: '/f.bin', range: 'bytes=120000-', status: 206, bytesSent: FILE.length - 120_000 }]);
    expect(sha256(readFileSync(dest))).toBe(FILE_SHA);
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    routes.set('/f.bin', { body: FILE, ignoreRange: true });
    const dest = join(dir, 'norange', 'f.bin');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(`${dest}.part`, FILE.subarray(0, 50_000));
    const result = await downloadFile({ url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' }, FAST);
    expect(result.resumedFrom).toBe(0);
    expect(sha256(readFileSync(dest))).toBe(FILE_SHA);
  });

  it('treats a complete .part (416 for the next byte) as done', async () => {
    routes.set('/f.bin', { body: FILE });
    const dest = join(dir, 'complete', 'f.bin');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(`${dest}.part`, FILE);
    const result = await downloadFile({ url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' }, FAST);
    expect(result).toMatchObject({ sha256: FILE_SHA, resumedFrom: FILE.length });
    expect(server.served.map((s) => s.status)).toEqual([416]);
  });

  it('resumes after the connection drops mid-file', async () => {
    routes.set('/f.bin', { body: FILE, cutFirstAfter: 100_000 });
    const dest = join(dir, 'cut', 'f.bin');
    const retries: string[] = [];
    const result = await downloadFile(
      { url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' },
      { ...FAST, onRetry: (error) => retries.push(error.kind) },
    );
    expect(result.attempts).toBe(2);
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(server.served[1]?.range).toBe(`bytes=${result.resumedFrom}-`);
    expect(retries).toHaveLength(1);
    expect(sha256(readFileSync(dest))).toBe(FILE_SHA);
  });

  it('retries server errors with backoff', async () => {
    routes.set('/f.bin', { body: FILE, failFirst: 2 });
    const dest = join(dir, 'retry', 'f.bin');
    const delays: number[] = [];
    const result = await downloadFile(
      { url: `${server.base}/f.bin`, dest, expectedSha256: FILE_SHA, label: 'f' },
      { ...FAST, onRetry: (_, __, delay) => delays.push(delay) },
    );
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([5, 10]);
  });

  it('gives up at once on a 404, saying the file is not at that revision', async () => {
    const dest = join(dir, 'missing', 'f.bin');
    const error = await downloadFile({ url: `${server.base}/nope.bin`, dest, expectedSha256: null, label: 'f' }, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ kind: 'http', retryable: false });
    expect((error as Error).message).toMatch(/HTTP 404 .*not at this revision/);
    expect(server.served).toHaveLength(1);
    expect(existsSync(dest)).toBe(false);
  });

  it('rejects a file whose sha256 differs and keeps nothing of it', async () => {
    routes.set('/f.bin', { body: FILE });
    const dest = join(dir, 'bad', 'f.bin');
    const wrong = 'a'.repeat(64);
    const error = await downloadFile({ url: `${server.base}/f.bin`, dest, expectedSha256: wrong, label: 'f' }, FAST).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'checksum', retryable: false });
    expect((error as Error).message).toContain(`sha256 ${FILE_SHA} does not match the pinned or locked sha256 ${wrong}`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('follows the hub redirect and reads the commit and the declared sha256 from it', async () => {
    routes.set('/org/m/resolve/main/a.bin', { redirectTo: '/cdn/a.bin', body: Buffer.alloc(0), headers: { 'x-repo-commit': 'c'.repeat(40), 'x-linked-etag': `"${FILE_SHA}"` } });
    routes.set('/cdn/a.bin', { body: FILE });
    const dest = join(dir, 'redirect', 'a.bin');
    const result = await downloadFile({ url: `${server.base}/org/m/resolve/main/a.bin`, dest, expectedSha256: null, label: 'a' }, FAST);
    expect(result).toMatchObject({ repoCommit: 'c'.repeat(40), declaredSha256: FILE_SHA, sha256: FILE_SHA });
  });

  it("checks a first download against the hub's declared sha256", async () => {
    routes.set('/org/m/resolve/main/a.bin', { redirectTo: '/cdn/a.bin', body: Buffer.alloc(0), headers: { 'x-linked-etag': `"${'b'.repeat(64)}"` } });
    routes.set('/cdn/a.bin', { body: FILE });
    const dest = join(dir, 'declared', 'a.bin');
    const error = await downloadFile({ url: `${server.base}/org/m/resolve/main/a.bin`, dest, expectedSha256: null, label: 'a' }, FAST).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'checksum' });
    expect((error as Error).message).toContain("the hub's declared sha256");
  });

  it('says plainly when the host cannot be reached', async () => {
    const port = await closedPort();
    const dest = join(dir, 'offline', 'f.bin');
    const error = await downloadFile({ url: `http://127.0.0.1:${port}/f.bin`, dest, expectedSha256: null, label: 'f' }, { ...FAST, attempts: 2 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable', host: `127.0.0.1:${port}` });
    expect((error as Error).message).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe('fetchHubModels and the lock', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const routes = new Map<string, Route>();
  const COMMIT = 'd'.repeat(40);
  const CONFIG = Buffer.from('{"model_type":"tiny"}');
  const model: ModelEntry = parseModelManifest({
    schemaVersion: 1,
    models: [
      {
        id: 'tiny',
        name: 'Tiny test model',
        task: 'visual',
        default: true,
        vectorSize: 8,
        license: 'MIT',
        dtype: 'fp32',
        source: { kind: 'hub', repo: 'org/tiny', revision: 'main', url: 'https://example.invalid/org/tiny' },
        files: [
          { path: 'org/tiny/config.json', bytes: null, sha256: null },
          { path: 'org/tiny/onnx/model.onnx', bytes: null, sha256: null },
        ],
      },
    ],
  }).models[0] as ModelEntry;

  /** The hub layout: /<repo>/resolve/<revision>/<file>, redirecting large files to a CDN path. */
  function serveRevision(revision: string, onnx: Buffer) {
    routes.set(`/org/tiny/resolve/${revision}/config.json`, { body: CONFIG, headers: { 'x-repo-commit': COMMIT } });
    routes.set(`/org/tiny/resolve/${revision}/onnx/model.onnx`, { redirectTo: `/cdn/${revision}/model.onnx`, body: Buffer.alloc(0), headers: { 'x-repo-commit': COMMIT } });
    routes.set(`/cdn/${revision}/model.onnx`, { body: onnx });
  }

  beforeAll(async () => {
    server = await startServer(routes);
  });
  afterAll(() => server.close());
  afterEach(() => server.reset());

  it('records commit, sha256 and size on the first fetch; later fetches use the locked commit and verify against the lock', async () => {
    const publicModelsDir = join(dir, 'hub-public');
    const lockPath = join(dir, 'hub-lock.json');
    // The first file names the commit; the rest of the run fetches at that commit, so it cannot straddle two.
    serveRevision('main', FILE);
    serveRevision(COMMIT, FILE);
    let saves = 0;
    const options = (lock: ModelsLock) => ({
      endpoint: server.base,
      publicModelsDir,
      lock,
      saveLock: async (l: ModelsLock) => {
        saves++;
        await writeLock(lockPath, l);
      },
      download: FAST,
    });

    const first = await fetchHubModels([model], options(emptyLock()));
    expect(first.map((o) => o.status)).toEqual(['downloaded', 'downloaded']);
    expect(server.served.map((s) => s.path)).toEqual([
      '/org/tiny/resolve/main/config.json',
      `/org/tiny/resolve/${COMMIT}/onnx/model.onnx`,
      `/cdn/${COMMIT}/model.onnx`,
    ]);
    const lock = await readLock(lockPath);
    expect(saves).toBe(2);
    expect(lock.models.tiny).toEqual({
      repo: 'org/tiny',
      revision: 'main',
      commit: COMMIT,
      files: {
        'org/tiny/config.json': { bytes: CONFIG.length, sha256: sha256(CONFIG) },
        'org/tiny/onnx/model.onnx': { bytes: FILE.length, sha256: FILE_SHA },
      },
    });

    // Files on disk that match the lock: nothing is fetched.
    server.served.length = 0;
    const again = await fetchHubModels([model], options(lock));
    expect(again.map((o) => o.status)).toEqual(['present', 'present']);
    expect(server.served).toEqual([]);

    // Gone from disk, and the hub now serves other bytes at the locked commit: the lock catches it.
    rmSync(join(publicModelsDir, 'org/tiny/onnx/model.onnx'));
    serveRevision(COMMIT, randomBytes(1000));
    const tampered = await fetchHubModels([model], options(lock));
    expect(tampered[1]).toMatchObject({ status: 'failed' });
    expect(tampered[1]?.message).toContain(`does not match the pinned or locked sha256 ${FILE_SHA}`);
    expect(server.served.some((s) => s.path === `/org/tiny/resolve/${COMMIT}/onnx/model.onnx`)).toBe(true);
    expect(server.served.some((s) => s.path.includes('/resolve/main/'))).toBe(false);
    expect(existsSync(join(publicModelsDir, 'org/tiny/onnx/model.onnx'))).toBe(false);

    // Serving the locked bytes again: the file comes back.
    serveRevision(COMMIT, FILE);
    const restored = await fetchHubModels([model], options(lock));
    expect(restored[1]).toMatchObject({ status: 'downloaded', bytes: FILE.length });
  });

  it('skips the remaining files of a host that cannot be reached', async () => {
    const port = await closedPort();
    const outcomes = await fetchHubModels([model], {
      endpoint: `http://127.0.0.1:${port}`,
      publicModelsDir: join(dir, 'hub-offline'),
      lock: emptyLock(),
      saveLock: async () => {},
      download: { ...FAST, attempts: 2 },
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'skipped']);
    expect(outcomes[1]?.message).toMatch(/cannot reach/);
  });

  it('ignores a lock entry recorded for another revision', () => {
    const lock = emptyLock();
    recordFile(lock, model, 'org/tiny/config.json', { bytes: 1, sha256: 'e'.repeat(64) }, COMMIT);
    expect(lockedModel(lock, model)?.commit).toBe(COMMIT);
    const moved = { ...model, source: { ...model.source, revision: 'f'.repeat(40) } } as ModelEntry;
    expect(lockedModel(lock, moved)).toBeNull();
  });

  it('builds hub URLs with the revision and an encoded path', () => {
    expect(hubFileUrl('https://huggingface.co/', 'org/tiny', 'main', { path: 'org/tiny/onnx/a b.onnx' })).toBe(
      'https://huggingface.co/org/tiny/resolve/main/onnx/a%20b.onnx',
    );
  });
});

describe('copy step', () => {
  const manifest = parseModelManifest(JSON.parse(readFileSync(join(ROOT, 'public/models/models.json'), 'utf8')));
  const startDirs = [join(ROOT, 'client'), ROOT];

  it('copies the npm-shipped models, each file equal to its pinned sha256', async () => {
    const out = join(dir, 'copy-public');
    const reports = await copyNpmModels(manifest, out, startDirs);
    expect(reports.map((r) => r.name)).toEqual(['ppocr-v4', 'face-api']);
    for (const file of manifest.models.filter((m) => m.source.kind === 'npm').flatMap((m) => m.files)) {
      expect(sha256(readFileSync(join(out, file.path))), file.path).toBe(file.sha256);
    }
    const second = await copyNpmModels(manifest, out, startDirs);
    expect(second.every((r) => r.copied === 0)).toBe(true);
  });

  it('refuses a package whose model no longer matches the pinned hash', async () => {
    const tampered = structuredClone(manifest);
    const ocr = tampered.models.find((m) => m.id === 'ppocr-v4') as ModelEntry;
    (ocr.files[0] as { sha256: string }).sha256 = '0'.repeat(64);
    await expect(copyNpmModels(tampered, join(dir, 'copy-bad'), startDirs)).rejects.toThrow(/models\.json pins 0{64}/);
  });

  it('serves the onnxruntime-web runtime that the transformers.js entry loads (the asyncify build)', () => {
    const ort = runtimeFiles(join(dir, 'rt'), startDirs)[0];
    expect(ort?.files).toEqual(['dist/ort-wasm-simd-threaded.asyncify.mjs', 'dist/ort-wasm-simd-threaded.asyncify.wasm']);
    const transformers = readFileSync(join(findPackageDir('@huggingface/transformers', startDirs), 'dist/transformers.web.js'), 'utf8');
    expect(transformers).toContain('from "onnxruntime-web/webgpu"');
    expect(ortRuntimeFiles('x("ort-wasm-simd-threaded.jsep.mjs")')).toEqual(['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']);
  });
});

describe('progress line', () => {
  it('shows bytes, percentage and speed', () => {
    const line = formatProgress({ label: 'whisper-base encoder', received: 12 * 1024 ** 2, total: 80 * 1024 ** 2, fetched: 4 * 1024 ** 2, elapsedMs: 1000 });
    expect(line).toBe('whisper-base encoder  [####--------------------] 12.0 MB/80.0 MB 15%  4.0 MB/s');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatProgress({ label: 'x', received: 2048, total: null, fetched: 0, elapsedMs: 0 })).toBe('x  2 kB');
  });
});
