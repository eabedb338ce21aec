// The ML worker: every on-device model runs here, off the main thread and away from the database.
// Each task's model loads lazily on first use; a model whose files are absent disables only its
// task, with a reason the pipeline shows the user (the stage is skipped, the video still indexes).
import * as Comlink from 'comlink';
import type { AsrEngine, AsrModelId, Transcript } from './asr/index.ts';
import { detectDevice } from './backend.ts';
import type { Embedder, EmbedModelId } from './embed/index.ts';
import type { DetectedFace, FaceEngine } from './faces/index.ts';
import { decodeImage, type RgbaImage } from './image.ts';
import type { OcrEngine, OcrLine } from './ocr/ocr.ts';
import { createEngineSet, type LoadedEngine } from './engines.ts';
import {
  initialModelStatus,
  loadModelManifest,
  modelPresence,
  type ModelEntry,
  type ModelManifest,
  type ModelStatus,
  type ModelTask,
} from './registry.ts';

/** Longest side given to the models: enough for captions and faces, small enough to stay fast. */
const ANALYSIS_MAX_WIDTH = 1280;

interface Engines {
  ocr: OcrEngine;
  faces: FaceEngine;
  visual: Embedder;
  speech: AsrEngine;
}

let manifestPromise: Promise<{ manifest: ModelManifest; statuses: Map<string, ModelStatus> }> | null = null;

function inventory() {
  manifestPromise ??= (async () => {
    const manifest = await loadModelManifest();
    const presence = await modelPresence({ manifest });
    const statuses = new Map(
      manifest.models.map((m) => [m.id, initialModelStatus(m, presence.find((p) => p.id === m.id))] as const),
    );
    return { manifest, statuses };
  })();
  manifestPromise.catch(() => (manifestPromise = null));
  return manifestPromise;
}

function dtypeOf(entry: ModelEntry) {
  return entry.dtype as never;
}

async function loadEngine<T extends ModelTask>(task: T, entry: ModelEntry): Promise<LoadedEngine<Engines[T]>> {
  const started = performance.now();
  const device = await detectDevice();
  switch (task) {
    case 'ocr': {
      const { loadOcr, ppOcrV4Urls } = await import('./ocr/ocr.ts');
      const engine = await loadOcr(ppOcrV4Urls('/models/'));
      return { engine: engine as Engines[T], device: engine.info.device, loadMs: engine.info.loadMs };
    }
    case 'faces': {
      const { loadFaces } = await import('./faces/index.ts');
      const engine = await loadFaces();
      return { engine: engine as Engines[T], device: 'wasm', loadMs: engine.loadMs };
    }
    case 'visual': {
      const { loadEmbedder } = await import('./embed/index.ts');
      const repo = entry.source.kind === 'hub' ? entry.source.repo : entry.id;
      const engine = await loadEmbedder({ modelId: repo as EmbedModelId, device, dtype: dtypeOf(entry), preload: ['vision'] });
      return { engine: engine as Engines[T], device: engine.devices.vision === 'webgpu' ? 'webgpu' : 'wasm', loadMs: performance.now() - started };
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
  /** Every model of the manifest with its presence and, once tried, where and how fast it loaded. */
  async status(): Promise<ModelStatus[]> {
    const { manifest, statuses } = await inventory();
    // Files may have been added since (models:fetch while the app is open): ask again for the absent ones.
    const absent = manifest.models.filter((m) => !statuses.get(m.id)!.present);
    if (absent.length > 0) {
      const presence = await modelPresence({ manifest: { ...manifest, models: absent } });
      for (const model of absent) statuses.set(model.id, initialModelStatus(model, presence.find((p) => p.id === model.id)));
    }
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

  async ocr(frames: Uint8Array[], onProgress?: (fraction: number) => void): Promise<{ modelId: string; lines: OcrLine[][] }> {
    const { engine, modelId } = await engineFor('ocr');
    const lines: OcrLine[][] = [];
    for (const [i, frame] of frames.entries()) {
      lines.push(await engine.recognize(await decodeFrame(frame)));
      onProgress?.((i + 1) / frames.length);
    }
    return { modelId, lines };
  },

  async faces(frames: Uint8Array[], onProgress?: (fraction: number) => void): Promise<{ modelId: string; faces: DetectedFace[][] }> {
    const { engine } = await engineFor('faces');
    const { FACE_MODEL_ID } = await import('./faces/index.ts');
    const faces: DetectedFace[][] = [];
    for (const [i, frame] of frames.entries()) {
      faces.push(await engine.detect(await decodeFrame(frame)));
      onProgress?.((i + 1) / frames.length);
    }
    return { modelId: FACE_MODEL_ID, faces };
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

  async transcribe(pcm: Float32Array, onProgress?: (fraction: number) => void): Promise<{ modelId: string; transcript: Transcript }> {
    const { engine, modelId } = await engineFor('speech');
    return { modelId, transcript: await engine.transcribe(pcm, { onProgress }) };
  },
};

export type MlApi = typeof mlApi;
Comlink.expose(mlApi);
