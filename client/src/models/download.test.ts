// @vitest-environment node
//
// Model file downloads against a real HTTP server on loopback (Range requests, dropped connections, an
// app fallback page, a wrong file), with the partial bytes kept in memory instead of OPFS.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadFile, partialKey, type PartialFiles } from './download.ts';
import type { DownloadSource, ExpectedFile } from './inventory.ts';

const FILE = randomBytes(300_000);
const SHA = createHash('sha256').update(FILE).digest('hex');
const PATH = 'org/tiny/onnx/model.onnx';

function memoryPartials(): PartialFiles & { kept: Map<string, Uint8Array[]> } {
  const kept = new Map<string, Uint8Array[]>();
  return {
    kept,
    read: async (key) => new Blob((kept.get(key) ?? []) as Uint8Array<ArrayBuffer>[]),
    append: async (key, bytes) => void kept.set(key, [...(kept.get(key) ?? []), bytes.slice()]),
    remove: async (key) => void kept.delete(key),
  };
}

type Behaviour = 'serve' | 'missing' | 'html' | 'drop-half' | 'ignore-range' | 'wrong-bytes';

interface Hit {
  path: string;
  range: string | null;
  status: number;
  sent: number;
}

let server: Server;
let base: string;
const hits: Hit[] = [];
const behaviour = new Map<string, Behaviour[]>(); // per URL path prefix ('/app', '/hub'), consumed one per request

function handle(req: IncomingMessage, res: ServerResponse) {
  const [, prefix] = /^\/(\w+)\//.exec(req.url ?? '') ?? [];
  const queue = behaviour.get(prefix ?? '') ?? [];
  const what = queue.length > 1 ? queue.shift()! : (queue[0] ?? 'serve');
  const range = req.headers.range ?? null;
  const hit: Hit = { path: req.url ?? '', range, status: 0, sent: 0 };
  hits.push(hit);
  const send = (status: number, headers: Record<string, string>, body: Buffer) => {
    hit.status = status;
    hit.sent = body.length;
    res.writeHead(status, headers).end(body);
  };
  if (what === 'missing') return send(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
  if (what === 'html') return send(200, { 'content-type': 'text/html' }, Buffer.from('<!doctype html><title>app</title>'));
  const bytes = what === 'wrong-bytes' ? Buffer.from(FILE).fill(7, 1000, 1010) : FILE;
  const start = range && what !== 'ignore-range' ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
  const body = bytes.subarray(start);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
  const status = start > 0 ? 206 : 200;
  if (status === 206) headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
  if (what === 'drop-half') {
    hit.status = status;
    res.writeHead(status, headers);
    const half = body.subarray(0, Math.floor(body.length / 2));
    hit.sent = half.length;
    res.write(half, () => setTimeout(() => res.destroy(), 20));
    return;
  }
  send(status, headers, body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hits.length = 0;
  behaviour.clear();
});

const expected: ExpectedFile = { path: PATH, bytes: FILE.length, sha256: SHA };
const sources = (): DownloadSource[] => [
  { url: `${base}/app/models/${PATH}`, from: 'app' },
  { url: `${base}/hub/${PATH}`, from: 'source' },
];
const fast = { attempts: 3, backoffMs: 5 };

async function bytesOf(blob: Blob): Promise<Buffer> {
  return Buffer.from(await blob.arrayBuffer());
}

describe('downloadFile', () => {
  it('takes the file from the app’s own server when it has it, checks it and reports every byte', async () => {
    const partials = memoryPartials();
    let reported = 0;
    const got = await downloadFile(expected, sources(), { partials, onBytes: (d) => (reported += d), ...fast });
    expect(got).toMatchObject({ bytes: FILE.length, sha256: SHA, resumedFrom: 0, source: { from: 'app' } });
    expect((await bytesOf(got.blob)).equals(FILE)).toBe(true);
    expect(reported).toBe(FILE.length);
    expect(hits.map((h) => h.path)).toEqual([`/app/models/${PATH}`]);
  });

  it('goes to the model’s source when the app’s server does not have it (a 404 or an HTML fallback page)', async () => {
    for (const miss of ['missing', 'html'] as const) {
      hits.length = 0;
      behaviour.set('app', [miss]);
      const got = await downloadFile(expected, sources(), { partials: memoryPartials(), ...fast });
      expect(got.source.from).toBe('source');
      expect(hits.map((h) => h.path)).toEqual([`/app/models/${PATH}`, `/hub/${PATH}`]);
    }
  });

  it('resumes with a Range request after the connection drops, fetching the file only once in all', async () => {
    behaviour.set('app', ['drop-half', 'serve']);
    const partials = memoryPartials();
    let reported = 0;
    const got = await downloadFile(expected, sources(), { partials, onBytes: (d) => (reported += d), ...fast });
    expect((await bytesOf(got.blob)).equals(FILE)).toBe(true);
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ range: null, status: 200 });
    expect(hits[1]!.range).toBe(`bytes=${hits[0]!.sent}-`);
    expect(hits[1]!.status).toBe(206);
    expect(hits[0]!.sent + hits[1]!.sent).toBe(FILE.length);
    expect(reported).toBe(FILE.length);
  });

  it('continues from what an earlier visit kept (a closed tab), and starts over when the server ignores the range', async () => {
    const partials = memoryPartials();
    await partials.append(partialKey(PATH), FILE.subarray(0, 120_000));
    const resumed = await downloadFile(expected, sources(), { partials, ...fast });
    expect(resumed.resumedFrom).toBe(120_000);
    expect(hits[0]).toMatchObject({ range: 'bytes=120000-', status: 206, sent: FILE.length - 120_000 });
    expect((await bytesOf(resumed.blob)).equals(FILE)).toBe(true);

    hits.length = 0;
    const again = memoryPartials();
    await again.append(partialKey(PATH), FILE.subarray(0, 50_000));
    behaviour.set('app', ['ignore-range']);
    let reported = 0;
    const whole = await downloadFile(expected, sources(), { partials: again, onBytes: (d) => (reported += d), ...fast });
    expect(hits[0]).toMatchObject({ range: 'bytes=50000-', status: 200 });
    expect((await bytesOf(whole.blob)).equals(FILE)).toBe(true);
    expect(reported).toBe(FILE.length); // the 50 000 kept bytes were taken back when it started over
  });

  it('throws away a file whose sha256 does not match, with a message that says so', async () => {
    behaviour.set('app', ['wrong-bytes']);
    const partials = memoryPartials();
    const error = await downloadFile(expected, sources(), { partials, ...fast }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).kind).toBe('integrity');
    expect((error as Error).message).toMatch(/did not match the model's published checksum/);
    expect(partials.kept.size).toBe(0);
  });

  it('records the hash of a file nobody pinned, and moves on from a host that cannot be reached', async () => {
    const unknown: ExpectedFile = { path: PATH, bytes: null, sha256: null };
    const got = await downloadFile(unknown, [{ url: 'http://127.0.0.1:1/models/x', from: 'app' }, ...sources().slice(1)], {
      partials: memoryPartials(),
      ...fast,
    });
    expect(got).toMatchObject({ sha256: SHA, bytes: FILE.length, source: { from: 'source' } });
  });

  it('says plainly when no source has the file', async () => {
    behaviour.set('app', ['missing']);
    behaviour.set('hub', ['missing']);
    await expect(downloadFile(expected, sources(), { partials: memoryPartials(), ...fast })).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/could not be downloaded: .*does not have it \(HTTP 404\)/),
    });
  });
});
