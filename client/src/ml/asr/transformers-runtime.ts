// The one door to @huggingface/transformers for the speech and visual-embedding modules.
//
// Why a door: transformers.js is heavy, so it is imported lazily, the first time a model is loaded; and
// its global `env` must be set for offline use before anything is fetched. Models are served by the app
// from what this browser holds (models/store.ts, through transformers.js's custom-cache hook), never from the
// Hub or the server at run time; Node tests point `localModelPath` at a folder instead. ONNX Runtime is configured by
// ../backend.ts: transformers.js 4.3 imports the same `onnxruntime-web/webgpu` entry, so they share one
// runtime, one `env` (wasm paths on our origin, thread count) and one ~27 MB .wasm.

import { messageOf } from '../../errors.ts';

type TransformersModule = typeof import('@huggingface/transformers');

/** Model files by their /models/<path> URL: what transformers.js's `env.customCache` needs of a cache. */
export interface ModelFileCache {
  match(key: string): Promise<Response | undefined>;
}

export interface TransformersRuntimeConfig {
  /** Where model folders live: a URL path in the browser ('/models/'), a folder path in Node tests. */
  localModelPath: string;
  /** In the browser: the stored model files, looked up before anything is fetched. */
  files?: ModelFileCache;
}

let config: TransformersRuntimeConfig = { localModelPath: '/models/' };
let loading: Promise<TransformersModule> | null = null;
let loaded: TransformersModule | null = null;

/** Overrides where models are found. Takes effect at once, also after the first load (Node tests point it at a folder). */
export function configureTransformers(overrides: Partial<TransformersRuntimeConfig>): void {
  config = { ...config, ...overrides };
  if (loaded) applyConfig(loaded);
}

function applyConfig(t: TransformersModule): void {
  const { env } = t;
  env.allowRemoteModels = false; // never reach the Hub: a missing file must fail, not download
  env.allowLocalModels = true; // defaults to false in browsers
  env.localModelPath = config.localModelPath;
  // The browser's copies of the models are kept by models/store.ts; letting transformers.js also copy
  // every model into its own Cache Storage would store each one twice.
  env.useBrowserCache = false;
  if (config.files) {
    const files = config.files;
    env.useCustomCache = true;
    // transformers.js asks with the local path first ('/models/<repo>/<file>'); what is not stored stays a miss
    // (and then a clear "not on this device" error), and nothing it fetched is written back.
    env.customCache = { match: (key: string) => files.match(key), put: async () => undefined };
  }
}

/** The transformers.js module, imported once and configured for offline use. */
export function transformers(): Promise<TransformersModule> {
  loading ??= Promise.all([import('@huggingface/transformers'), import('../backend.ts')]).then(
    ([t, backend]) => {
      backend.configureOrt(); // wasm files from our origin (not transformers.js's CDN default); first call wins
      loaded = t;
      applyConfig(t);
      return t;
    },
    (error: unknown) => {
      loading = null; // let a later call try again
      throw new Error(`Could not load the transformers.js runtime: ${messageOf(error)}`);
    },
  );
  return loading;
}

/** The device a transformers.js model runs on. 'cpu' exists for Node tests (onnxruntime-node) only. */
export type MlDevice = 'webgpu' | 'wasm' | 'cpu';

/** Weight formats published for transformers.js models (file suffix in brackets). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'int8' | 'uint8' | 'bnb4' | 'q4f16';

const DTYPE_SUFFIX: Record<ModelDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  int8: '_int8',
  uint8: '_uint8',
  bnb4: '_bnb4',
  q4f16: '_q4f16',
};

/**
 * 8-bit weights (q8/int8/uint8) run through integer kernels WebGPU lacks or gets wrong: such models give
 * garbage or fall back op by op (transformers.js #1317, #1512). A part with these runs on WASM instead.
 */
export function isEightBit(dtype: ModelDtype): boolean {
  return dtype === 'q8' || dtype === 'int8' || dtype === 'uint8';
}

/** The ONNX file transformers.js loads for one model part at one dtype, e.g. onnx/vision_model_fp16.onnx. */
export function onnxFileName(part: string, dtype: ModelDtype): string {
  return `onnx/${part}${DTYPE_SUFFIX[dtype]}.onnx`;
}

/**
 * Explains a failed model load in words a user can act on. transformers.js reports a missing optional
 * file as an obscure follow-on error (e.g. "reading 'tokenizer_class'"), so the expected files are
 * checked — through transformers.js itself, so its cache counts as present — and named when missing.
 */
export async function explainLoadFailure(modelId: string, files: readonly string[], error: unknown): Promise<Error> {
  const message = messageOf(error);
  let missing: string[] = [];
  try {
    const t = await transformers();
    const found = await Promise.all(
      files.map((file) => t.ModelRegistry.get_file_metadata(modelId, file).then((m) => m.exists, () => false)),
    );
    missing = files.filter((_, i) => !found[i]);
  } catch {
    // No diagnosis possible: fall back to the message alone.
  }
  if (missing.length > 0 || /could not locate file|local_files_only|Unexpected token '<'/i.test(message)) {
    const what = missing.length > 0 ? `missing ${missing.join(', ')}` : message;
    return new Error(`Model ${modelId} is not on this device (${what}).`);
  }
  return new Error(`Model ${modelId} failed to load: ${message}`);
}
