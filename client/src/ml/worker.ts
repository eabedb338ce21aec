// The ML worker: every on-device model runs here, off the main thread and away from the database.
// Each task's model loads lazily on first use, from the files this browser holds (models/store.ts); a
// model that is not on this device disables only its task, with a reason the pipeline shows the user
// (the stage is skipped, the video is indexed with a gap that fills in once the model is downloaded).
import * as Comlink from 'comlink';
import type { AsrEngine, AsrModelId, Transcript } from './asr/index.ts';
import { detectDevice } from './backend.ts';
import type { Embedder, EmbedModelId } from './embed/index.ts';
import type { MeaningEncoder, MeaningModelId } from './meaning/index.ts';
import type { DetectedFace, FaceEngine } from './faces/index.ts';
import { decodeImage, type RgbaImage } from './image.ts';
import { analyseKeyframes } from './keyframe-runs.ts';
import type { KeyframeCallOptions, SkipCounts } from './skips.ts';
import type { OcrEngine, OcrLine } from './ocr/ocr.ts';
import { createEngineSet, type LoadedEngine } from './engines.ts';
import { configureTransformers } from './asr/transformers-runtime.ts';
import { MODELS_BASE_URL, type ModelEntry, type ModelManifest, type ModelStatus, type ModelTask } from './registry.ts';
import { holdingOf, storedModelStatus, type StoredFile } from '../models/inventory.ts';
import type { ModelsLock } from '../models/lock.ts';
import { listStoredFiles, loadLock, loadManifest, readStoredFile } from '../models/store.ts';
import { crashThisWorker } from '../worker-crash.ts';

/** Longest side given to the models: enough for captions and faces, small enough to stay fast. */
const ANALYSIS_MAX_WIDTH = 1280;

interface Engines {
  ocr: OcrEngine;
  faces: FaceEngine;
  visual: Embedder;
  speech: AsrEngine;
  meaning: MeaningEncoder;
}

let listsPromise: Promise<{ manifest: ModelManifest; lock: ModelsLock }> | null = null;
/** What the worker learnt by loading models (loaded, device, time, error), kept across presence checks. */
const live = new Map<string, ModelStatus>();

/**
 * What this browser holds (models/store.ts), listed once and kept until the page says it changed (modelsChanged:
 * the page downloads and removes models, and tells this worker before it asks anything else of it) or Settings
 * asks for the models' status. Listing Cache Storage took 6–27 ms a call here (one read per file), and every task
 * call asked: each search paid it twice (its visual and meaning embeddings) before anything ran, more than the
 * search itself on a small library.
 */
let storedListing: Promise<Map<string, StoredFile>> | null = null;
const storedFiles = () => {
  const listing = (storedListing ??= listStoredFiles());
  listing.catch(() => {
    if (storedListing === listing) storedListing = null;
  });
  return listing;
};

/** The manifest and each model's status, its presence read from what this browser holds (storedFiles). */
async function inventory(): Promise<{ manifest: ModelManifest; statuses: Map<string, ModelStatus> }> {
  listsPromise ??= Promise.all([loadManifest(), loadLock()]).then(([manifest, lock]) => ({ manifest, lock }));
  listsPromise.catch(() => (listsPromise = null));
  const { manifest, lock } = await listsPromise;
  const stored = await storedFiles();
  for (const model of manifest.models) {
    const fresh = storedModelStatus(model, holdingOf(model, stored, lock));
    const known = live.get(model.id);
    if (!known) live.set(model.id, fresh);
    else {
      Object.assign(known, { present: fresh.present, storedBytes: fresh.storedBytes, downloadBytes: fresh.downloadBytes, downloadBytesExact: fresh.downloadBytesExact });
      // A model removed from this browser is no longer loaded for any new work (its engine is dropped below).
      if (!fresh.present && known.error?.startsWith('Failed to load')) known.error = null;
    }
  }
  return { manifest, statuses: live };
}

// transformers.js (speech, visual) reads its files from what this browser holds, by their /models/ URL.
configureTransformers({
  files: {
    match: async (key: string) => {
      const path = new URL(key, self.location.origin).pathname;
      return path.startsWith(MODELS_BASE_URL) ? readStoredFile(decodeURIComponent(path.slice(MODELS_BASE_URL.length))) : undefined;
    },
  },
});

/** A stored model file's bytes; the model was checked present before its engine loads. */
async function storedBytes(path: string): Promise<Uint8Array> {
  const response = await readStoredFile(path);
  if (!response) throw new Error(`a file of the model is no longer on this device (${path})`);
  return new Uint8Array(await response.arrayBuffer());
}

function fileEnding(entry: ModelEntry, ending: string): string {
  const file = entry.files.find((f) => f.path.endsWith(ending));
  if (!file) throw new Error(`models.json lists no file ending in ${ending} for ${entry.id}`);
  return file.path;
}

function dtypeOf(entry: ModelEntry) {
  return entry.dtype as never;
}

async function loadEngine<T extends ModelTask>(task: T, entry: ModelEntry): Promise<LoadedEngine<Engines[T]>> {
  const started = performance.now();
  const device = await detectDevice();
  switch (task) {
    case 'ocr': {
      const { loadOcr } = await import('./ocr/ocr.ts');
      const [det, rec, keys] = await Promise.all(
        ['_det_infer.onnx', '_rec_infer.onnx', 'ppocr_keys_v1.txt'].map((ending) => storedBytes(fileEnding(entry, ending))),
      );
      const engine = await loadOcr({ det: det!, rec: rec!, keys: keys! });
      return { engine: engine as Engines[T], device: engine.info.device, loadMs: engine.info.loadMs };
    }
    case 'faces': {
      const { loadFaces } = await import('./faces/index.ts');
      // face-api asks for its files by name; they live under the folder of the model's first file.
      const folder = entry.files[0]!.path.replace(/[^/]+$/, '');
      const engine = await loadFaces((fileName) => storedBytes(`${folder}${fileName}`));
      return { engine: engine as Engines[T], device: 'wasm', loadMs: engine.loadMs };
    }
    case 'visual': {
      const { loadEmbedder } = await import('./embed/index.ts');
      const repo = entry.source.kind === 'hub' ? entry.source.repo : entry.id;
      const engine = await loadEmbedder({ modelId: repo as EmbedModelId, device, dtype: dtypeOf(entry), preload: ['vision'] });
      return { engine: engine as Engines[T], device: engine.devices.vision === 'webgpu' ? 'webgpu' : 'wasm', loadMs: performance.now() - started };
    }
    case 'meaning': {
      const { loadMeaningEncoder } = await import('./meaning/index.ts');
      const repo = entry.source.kind === 'hub' ? entry.source.repo : entry.id;
      const engine = await loadMeaningEncoder({ modelId: repo as MeaningModelId, device, dtype: dtypeOf(entry) });
      return { engine: engine as Engines[T], device: engine.device === 'webgpu' ? 'webgpu' : 'wasm', loadMs: engine.loadMs };
    }
    case 'speech': {
      const { loadAsr } = await import('./asr/index.ts');
      const repo = entry.source.kind === 'hub' ? entry.source.repo : entry.id;
      const engine = await loadAsr({ modelId: repo as AsrModelId, device, dtype: dtypeOf(entry) });
      return { engine: engine as Engines[T], device: engine.device === 'webgpu' ? 'webgpu' : 'wasm', loadMs: engine.loadMs };
    }
  }
  throw new Error(`unknown task ${task}`);
}

const engines = createEngineSet<Engines>({
  inventory,
  load: loadEngine,
  dispose: (engine) => (engine as { dispose?: () => Promise<unknown> }).dispose?.(),
});
const engineFor = engines.engineFor;

/** Each model decodes the stored keyframe itself (~10 ms): cheap next to any model run on it. */
const decodeFrame = (frame: Uint8Array): Promise<RgbaImage> => decodeImage(frame, { maxWidth: ANALYSIS_MAX_WIDTH });

const mlApi = {
  /**
   * Every model of the manifest with its presence (read afresh: what Settings shows is what the browser holds
   * now) and, once tried, where and how fast it loaded.
   */
  async status(): Promise<ModelStatus[]> {
    storedListing = null;
    const { manifest, statuses } = await inventory();
    for (const task of new Set(manifest.models.map((m) => m.task))) {
      const chosen = (await engines.selected(task))?.id;
      for (const status of statuses.values()) if (status.task === task) status.selected = status.id === chosen;
    }
    return [...statuses.values()].map((s) => ({ ...s }));
  },

  /**
   * Makes `modelId` the model of its task (the visual model chosen in Settings): from now on both image
   * and text embeddings come from it. Throws for an id that models.json does not list for that task.
   */
  async setPreferredModel(task: ModelTask, modelId: string): Promise<void> {
    await engines.setPreferred(task, modelId);
  },

  /**
   * On-screen text of each keyframe, in order. `skips` (default: all on) leaves out work that cannot find anything
   * new; `work` says how much was left out.
   */
  async ocr(
    frames: Uint8Array[],
    onProgress?: (fraction: number) => void,
    options: KeyframeCallOptions = {},
  ): Promise<{ modelId: string; lines: OcrLine[][]; work: SkipCounts }> {
    const { engine, modelId } = await engineFor('ocr');
    const copy = (lines: OcrLine[]) => lines.map((line): OcrLine => ({ ...line, box: [...line.box] }));
    const { results, work } = await analyseKeyframes('ocr', frames, decodeFrame, (img) => engine.recognize(img), copy, options, onProgress);
    return { modelId, lines: results, work };
  },

  /**
   * The faces of each keyframe, in order. A near-duplicate keyframe gets copies of the faces of the one it repeats
   * (same boxes and descriptors, rows of its own scene: a search by that person finds both scenes).
   */
  async faces(
    frames: Uint8Array[],
    onProgress?: (fraction: number) => void,
    options: KeyframeCallOptions = {},
  ): Promise<{ modelId: string; faces: DetectedFace[][]; work: SkipCounts }> {
    const { engine } = await engineFor('faces');
    const { FACE_MODEL_ID } = await import('./faces/index.ts');
    const copy = (faces: DetectedFace[]) =>
      faces.map((face) => ({ ...face, box: { ...face.box }, descriptor: face.descriptor.slice(), crop: face.crop.slice() }));
    const { results, work } = await analyseKeyframes('faces', frames, decodeFrame, (img) => engine.detect(img), copy, options, onProgress);
    return { modelId: FACE_MODEL_ID, faces: results, work };
  },

  /** The faces of a photo given as an example (a search by face): looks harder than for keyframes (detectInPhoto). */
  async photoFaces(photo: Uint8Array): Promise<{ modelId: string; faces: DetectedFace[] }> {
    const { engine } = await engineFor('faces');
    const { FACE_MODEL_ID } = await import('./faces/index.ts');
    return { modelId: FACE_MODEL_ID, faces: await engine.detectInPhoto(await decodeFrame(photo)) };
  },

  async embedImages(frames: Uint8Array[], onProgress?: (fraction: number) => void): Promise<{ modelId: string; vectors: Float32Array[] }> {
    const { engine, modelId } = await engineFor('visual');
    const vectors: Float32Array[] = [];
    const batch = 8;
    for (let i = 0; i < frames.length; i += batch) {
      const images = await Promise.all(frames.slice(i, i + batch).map(decodeFrame));
      vectors.push(...(await engine.embedImages(images)));
      onProgress?.(Math.min(1, (i + batch) / frames.length));
    }
    return { modelId, vectors };
  },

  async embedText(texts: string[]): Promise<{ modelId: string; vectors: Float32Array[] }> {
    const { engine, modelId } = await engineFor('visual');
    return { modelId, vectors: await engine.embedText(texts) };
  },

  /**
   * Sentence embeddings of texts with the meaning model (what scenes say and show; a query): one unit vector per
   * text, in order. Blank texts are the caller's to leave out.
   */
  async embedMeaning(texts: string[], onProgress?: (fraction: number) => void): Promise<{ modelId: string; vectors: Float32Array[] }> {
    const { engine, modelId } = await engineFor('meaning');
    const vectors: Float32Array[] = [];
    const batch = 32;
    for (let i = 0; i < texts.length; i += batch) {
      vectors.push(...(await engine.embed(texts.slice(i, i + batch))));
      onProgress?.(Math.min(1, (i + batch) / texts.length));
    }
    return { modelId, vectors };
  },

  /** `audio`: 16 kHz mono float32 samples (the stored audio file). */
  async transcribe(audio: Blob, onProgress?: (fraction: number) => void): Promise<{ modelId: string; transcript: Transcript }> {
    const { engine, modelId } = await engineFor('speech');
    // Whisper reads the file one 30 s window at a time: a 3-hour track (691 MB) is never held whole.
    return { modelId, transcript: await engine.transcribe(audio, { onProgress }) };
  },

  /** The models this browser holds changed (a download finished, a model was removed): read them again. */
  async modelsChanged(): Promise<void> {
    storedListing = null;
  },

  /** Test-only: the client calls it only under automation (worker-crash.ts). */
  crash: crashThisWorker,
};
export type MlApi = typeof mlApi;
Comlink.expose(mlApi);
