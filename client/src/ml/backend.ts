// Every onnxruntime-web session in the app is made here, so that one module knows the device, the WASM
// settings and the queue (STYLE.md: one backend module, as transformers.js's backends/onnx.js).
//
// The import is `#ort` (see ort.d.ts): in the browser it is `onnxruntime-web/webgpu`, the entry
// @huggingface/transformers 4.3 imports, so the bundle holds ONE onnxruntime-web (one wasm, one `env`);
// plain `onnxruntime-web` there would pull a second build (the .jsep one) next to it.
import * as ort from '#ort';
import { messageOf } from '../errors.ts';
import { createSerialQueue } from '../serial-queue.ts';

export { Tensor } from '#ort';
export type OrtInferenceSession = ort.InferenceSession;

export type OrtDevice = 'webgpu' | 'wasm';

/** Where the app serves onnxruntime-web's .mjs/.wasm (copied there by `npm run models:copy`). */
export const ORT_WASM_PATH = '/ort/';

/**
 * WASM threads for ORT. One unless the page is cross-origin isolated (threads need SharedArrayBuffer)
 * and there are more than two cores: measured on 2 cores, 2 threads were not faster than 1
 * (PP-OCR det ~250 ms either way) and they compete with the UI, the DB and the media worker.
 * Above that, leave one core to the rest of the app and cap at 4 (ORT's own cap).
 */
export function chooseNumThreads(env: { crossOriginIsolated: boolean; cores: number }): number {
  if (!env.crossOriginIsolated || env.cores <= 2) return 1;
  return Math.min(4, env.cores - 1);
}

/** True where there is a page origin to serve the runtime files from (browser, worker); false in Node. */
function onWebOrigin(): boolean {
  return typeof location !== 'undefined' && /^https?:$/.test(location.protocol);
}

let configured = false;

/**
 * Points onnxruntime-web at our own origin and sets its thread count. Runs once, before the first session
 * (the settings are read when the WASM runtime starts). transformers.js shares this `env` object, so calling
 * this before its first pipeline also keeps it off its default CDN. In Node the runtime files are found next
 * to the package, so only the thread count is set.
 */
export function configureOrt(options: { wasmPaths?: string; numThreads?: number } = {}): void {
  if (configured) return;
  configured = true;
  const wasm = ort.env.wasm;
  wasm.numThreads =
    options.numThreads ??
    chooseNumThreads({
      crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
      cores: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1,
    });
  if (onWebOrigin()) {
    // Absolute, because ORT resolves a relative prefix against its own chunk's URL, not the page.
    wasm.wasmPaths = options.wasmPaths ?? new URL(ORT_WASM_PATH, location.href).href;
  } else if (options.wasmPaths) {
    wasm.wasmPaths = options.wasmPaths;
  }
  // Proxying runs to another worker only adds a hop: sessions already live in the ML worker.
  wasm.proxy = false;
}

const ADAPTER_TIMEOUT_MS = 3000;
let devicePromise: Promise<OrtDevice> | null = null;

/**
 * WebGPU when the browser gives an adapter, else WASM. Decided once per worker. `navigator.gpu` exists in
 * headless Chromium yet `requestAdapter()` answers null there (and some software adapters hang), so the
 * adapter is asked for with a timeout and any failure means WASM.
 */
export function detectDevice(): Promise<OrtDevice> {
  devicePromise ??= (async () => {
    const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined;
    if (!gpu) return 'wasm';
    try {
      const adapter = await Promise.race([
        gpu.requestAdapter(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS)),
      ]);
      return adapter ? 'webgpu' : 'wasm';
    } catch {
      return 'wasm';
    }
  })();
  return devicePromise;
}

export interface OrtSessionOptions {
  /** 'wasm' forces WASM; 'webgpu' (the default) uses WebGPU when detectDevice() finds it, else WASM. */
  preferred?: OrtDevice;
  /** Extra session options (graph optimisation, free dimension overrides…); execution providers are set here. */
  sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;
  /** Names the model in error messages (defaults to its URL, or "model"). */
  label?: string;
}

export interface OrtSession {
  /** The session. Its run() and release() go through this session's queue: calls never overlap. */
  session: ort.InferenceSession;
  /** Where it actually runs: WebGPU can fall back to WASM when the model has an op WebGPU lacks. */
  device: OrtDevice;
  /** Time to fetch (for a URL) and create the session, in ms. */
  loadMs: number;
}

/** Reads a model file from our origin, with an error that says which file is missing and what to run. */
export async function fetchModelBytes(url: string, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (error) {
    throw new Error(`Model file ${url} could not be read: ${messageOf(error)}`);
  }
  // A missing file behind an SPA fallback (Vite dev) comes back as index.html with 200.
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || (type.includes('text/html') && !url.endsWith('.html'))) {
    throw new Error(
      `Model file ${url} is missing (HTTP ${response.status}${response.ok ? `, got ${type}` : ''}).`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Makes run() and release() of one session wait for each other: an ORT session must not run two
 * inferences at once, and a release under a running inference crashes the runtime. A failed run does
 * not block the ones queued behind it.
 */
function serialiseSession(session: ort.InferenceSession): ort.InferenceSession {
  const enqueue = createSerialQueue();
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
  const release = session.release.bind(session);
  // Patched on the instance so that every caller, even one holding `session` directly, is queued.
  session.run = ((...args: unknown[]) => enqueue(() => run(...args))) as typeof session.run;
  session.release = () => enqueue(release);
  return session;
}



async function createOn(bytes: Uint8Array, device: OrtDevice, options: OrtSessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { ...options.sessionOptions, executionProviders: [device] });
}

/**
 * Creates an onnxruntime-web session from a URL on our origin (browser) or from the model's bytes (Node
 * tests). WebGPU first when available and preferred, WASM otherwise or when WebGPU cannot take the model.
 */
export async function createOrtSession(
  model: string | Uint8Array | ArrayBuffer,
  options: OrtSessionOptions = {},
): Promise<OrtSession> {
  configureOrt();
  const label = options.label ?? (typeof model === 'string' ? model : 'model');
  const started = performance.now();
  const bytes = typeof model === 'string' ? await fetchModelBytes(model) : model instanceof Uint8Array ? model : new Uint8Array(model);
  const wanted: OrtDevice = options.preferred === 'wasm' ? 'wasm' : await detectDevice();

  let session: ort.InferenceSession;
  let device: OrtDevice = wanted;
  try {
    session = await createOn(bytes, wanted, options);
  } catch (error) {
    if (wanted !== 'webgpu') throw new Error(`The model ${label} could not be loaded on WASM: ${messageOf(error)}`);
    console.warn(`The model ${label} could not be loaded on WebGPU (${messageOf(error)}); using WASM.`);
    device = 'wasm';
    try {
      session = await createOn(bytes, 'wasm', options);
    } catch (wasmError) {
      throw new Error(`The model ${label} could not be loaded on WebGPU or WASM: ${messageOf(wasmError)}`);
    }
  }
  return { session: serialiseSession(session), device, loadMs: performance.now() - started };
}
