// A stand-in for a model's published source (the Hugging Face hub's /<repo>/resolve/<revision>/<path>) on
// loopback, for the model download tests: CORS as the hub sends it, Range requests, a throttled stream (so
// progress can be watched), and scripted failures (a connection dropped mid-file, a file with wrong bytes).
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';

export type HubFault = 'drop-half' | 'wrong-bytes';

export interface HubRequest {
  /** The file's path inside the repo. */
  file: string;
  range: string | null;
  status: number;
  /** Body bytes actually written. */
  sent: number;
}

export interface ModelHub {
  /** `<url>/<repo>` is what models.json's source.url names. */
  url: string;
  requests: HubRequest[];
  /** The next request for `file` fails this way (each fault is used once). */
  fail(file: string, fault: HubFault): void;
  /** Bytes per 50 ms tick for files larger than 1 MB (default: unthrottled). */
  throttle(bytesPerTick: number | null): void;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'range',
  'access-control-expose-headers': 'content-range, content-length, etag',
  // The app is cross-origin isolated (COEP require-corp): a CORS response is allowed, and so is this.
  'cross-origin-resource-policy': 'cross-origin',
};

/** Serves the files of `repoDir` as the repo `repo` at any revision. */
export async function startModelHub(repo: string, repoDir: string): Promise<ModelHub> {
  const faults = new Map<string, HubFault[]>();
  const requests: HubRequest[] = [];
  let tick: number | null = null;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, CORS).end();
    const prefix = `/${repo}/resolve/`;
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://hub').pathname);
    if (!url.startsWith(prefix)) return void res.writeHead(404, CORS).end('not found');
    const file = url.slice(prefix.length).split('/').slice(1).join('/');
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(repoDir, file));
    } catch {
      return void res.writeHead(404, CORS).end('not found');
    }
    const fault = faults.get(file)?.shift();
    if (fault === 'wrong-bytes') bytes = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([bytes.at(-1)! ^ 0xff])]);
    const range = req.headers.range ?? null;
    const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    const body = bytes.subarray(start);
    const status = start > 0 ? 206 : 200;
    const record: HubRequest = { file, range, status, sent: 0 };
    requests.push(record);
    res.writeHead(status, {
      ...CORS,
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      ...(status === 206 ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const limit = fault === 'drop-half' ? Math.floor(body.length / 2) : body.length;
    const step = tick !== null && bytes.length > 1_000_000 ? tick : limit;
    let at = 0;
    const pump = () => {
      if (res.destroyed) return;
      if (at >= limit) {
        if (fault === 'drop-half') return void setTimeout(() => res.destroy(), 20);
        return void res.end();
      }
      const chunk = body.subarray(at, Math.min(limit, at + step));
      at += chunk.length;
      record.sent += chunk.length;
      res.write(chunk, () => setTimeout(pump, step === limit ? 0 : 50));
    };
    pump();
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    fail: (file, fault) => faults.set(file, [...(faults.get(file) ?? []), fault]),
    throttle: (bytesPerTick) => void (tick = bytesPerTick),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A copy of the built app (dist/) whose models.json publishes model `modelId` as `repo` on `hub`, made the default
 * of its task; its files' sizes and sha256 are read from `filesRoot` (where the test wrote the model). The caller
 * removes the copy.
 */
export function appPublishingModel(hub: ModelHub, repo: string, modelId: string, filesRoot: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'heimdex-dist-'));
  cpSync('dist', dir, { recursive: true });
  const manifestPath = join(dir, 'models/models.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Record<string, unknown>[] };
  const published = manifest.models.find((m) => m.id === modelId);
  if (!published) throw new Error(`models.json has no model ${modelId}`);
  for (const model of manifest.models) if (model.task === published.task) model.default = model === published;
  published.source = { kind: 'hub', repo, revision: 'main', url: `${hub.url}/${repo}` };
  published.files = (published.files as { path: string }[]).map(({ path }) => {
    const bytes = readFileSync(join(filesRoot, path));
    return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}

/** A model's browser test: the app, its server and a browser, with the hub the app downloads the model from. */
export interface AppWithModelHub {
  hub: ModelHub;
  server: RunningServer;
  browser: BrowserSession;
  page: Page;
}

/**
 * Registers the hooks of a browser test file that installs a model from the app: `writeModel` writes the model's
 * files under a folder of their own (`<root>/<repo>/…`), served by a stand-in hub, and the app is published naming
 * it as model `modelId`; then the server and a browser, all closed after the file's tests, the page's console and
 * the hub's requests printed when a test fails. The returned object is filled in by the first beforeAll.
 */
export function useAppPublishingModel(repo: string, modelId: string, writeModel: (root: string) => void): AppWithModelHub {
  const app = {} as AppWithModelHub;
  let root = '';
  let dist = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-hub-'));
    writeModel(root);
    app.hub = await startModelHub(repo, join(root, repo));
    dist = appPublishingModel(app.hub, repo, modelId, root);
    app.server = await startServer(dist);
    app.browser = await openBrowser();
    app.page = app.browser.page;
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
    await app.hub?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    if (dist) rmSync(dist, { recursive: true, force: true });
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`page console:\n${app.browser.logs.slice(-60).join('\n')}\nhub:\n${JSON.stringify(app.hub.requests)}`);
  });
  return app;
}
