import * as Comlink from 'comlink';
import type { ModelStatus, ModelTask } from './registry.ts';
import type { AnalysisSkips } from './skips.ts';
import type { MlApi } from './worker.ts';

type Progress = ((fraction: number) => void) | undefined;

/** The ML worker, with plain callbacks (wrapped for comlink here). */
export interface MlClient {
  status(): Promise<ModelStatus[]>;
  /** The model its task uses from now on (the visual model picked in Settings); survives abort(). */
  setPreferredModel(task: ModelTask, modelId: string): Promise<void>;
  /** `skips`: the work left out because it cannot find anything (default: all of it; the bench turns it off). */
  ocr(frames: Uint8Array[], onProgress?: Progress, skips?: AnalysisSkips): ReturnType<MlApi['ocr']>;
  faces(frames: Uint8Array[], onProgress?: Progress, skips?: AnalysisSkips): ReturnType<MlApi['faces']>;
  photoFaces(photo: Uint8Array): ReturnType<MlApi['photoFaces']>;
  embedImages(frames: Uint8Array[], onProgress?: Progress): ReturnType<MlApi['embedImages']>;
  embedText(texts: string[]): ReturnType<MlApi['embedText']>;
  /** Sentence embeddings with the meaning model (search by meaning), one per non-blank text. */
  embedMeaning(texts: string[], onProgress?: Progress): ReturnType<MlApi['embedMeaning']>;
  transcribe(pcm: Float32Array, onProgress?: Progress): ReturnType<MlApi['transcribe']>;
  /**
   * Stops whatever runs now (a cancelled stage): the worker is terminated, calls in flight reject with
   * an AbortError, and the next call starts a fresh worker that reloads its models.
   */
  abort(): void;
}

export function createMlClient(): MlClient {
  let worker: Worker | null = null;
  let remote: Comlink.Remote<MlApi> | null = null;
  const inFlight = new Set<(reason: unknown) => void>();

  // Picks are replayed on every fresh worker: abort() ends the worker, and its successor must not fall
  // back to the default model (it would embed with another model than the one chosen).
  const preferred = new Map<ModelTask, string>();
  const api = () => {
    if (!remote) {
      worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'heimdex-ml' });
      const fresh = Comlink.wrap<MlApi>(worker);
      remote = fresh;
      for (const [task, modelId] of preferred) void fresh.setPreferredModel(task, modelId).catch(() => undefined);
    }
    return remote;
  };
  /** A terminated worker never answers: its pending calls are rejected by abort() instead. */
  const call = <T>(work: (remote: Comlink.Remote<MlApi>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      inFlight.add(reject);
      work(api())
        .then(resolve, reject)
        .finally(() => inFlight.delete(reject));
    });
  const progress = (fn: Progress) => (fn ? Comlink.proxy(fn) : undefined);

  return {
    status: () => call((r) => r.status()),
    setPreferredModel(task, modelId) {
      // Remembered at once, so a worker restarted by abort() before the answer still gets the pick.
      const before = preferred.get(task);
      preferred.set(task, modelId);
      return call((r) => r.setPreferredModel(task, modelId)).catch((error: unknown) => {
        const aborted = error instanceof DOMException && error.name === 'AbortError';
        if (!aborted && preferred.get(task) === modelId) {
          if (before === undefined) preferred.delete(task);
          else preferred.set(task, before);
        }
        throw error;
      });
    },
    ocr: (frames, onProgress, skips) => call((r) => r.ocr(frames, progress(onProgress), skips)),
    faces: (frames, onProgress, skips) => call((r) => r.faces(frames, progress(onProgress), skips)),
    photoFaces: (photo) => call((r) => r.photoFaces(photo)),
    embedImages: (frames, onProgress) => call((r) => r.embedImages(frames, progress(onProgress))),
    embedText: (texts) => call((r) => r.embedText(texts)),
    embedMeaning: (texts, onProgress) => call((r) => r.embedMeaning(texts, progress(onProgress))),
    transcribe: (pcm, onProgress) => call((r) => r.transcribe(pcm, progress(onProgress))),
    abort() {
      worker?.terminate();
      worker = null;
      remote = null;
      for (const reject of inFlight) reject(new DOMException('Cancelled.', 'AbortError'));
      inFlight.clear();
    },
  };
}
