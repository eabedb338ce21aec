import * as Comlink from 'comlink';
import type { ModelStatus, ModelTask } from './registry.ts';
import type { KeyframeCallOptions } from './skips.ts';
import type { MlApi } from './worker.ts';
import { crashRequested, WorkerCrashed } from '../worker-crash.ts';
import { isModelUnavailable } from './unavailable.ts';

type Progress = ((fraction: number) => void) | undefined;

/** The ML worker, with plain callbacks (wrapped for comlink here). */
export interface MlClient {
  status(): Promise<ModelStatus[]>;
  /**
   * The models this browser holds changed (a download finished, a model was removed): the worker reads them again
   * before its next task. Sent on the worker's own channel, so it arrives before any call made after it.
   */
  modelsChanged(): Promise<void>;
  /** The model its task uses from now on (the visual model picked in Settings); survives abort(). */
  setPreferredModel(task: ModelTask, modelId: string): Promise<void>;
  /** `options`: the work left out because it cannot find anything, and whether the frames continue the last call's. */
  ocr(frames: Uint8Array[], onProgress?: Progress, options?: KeyframeCallOptions): ReturnType<MlApi['ocr']>;
  faces(frames: Uint8Array[], onProgress?: Progress, options?: KeyframeCallOptions): ReturnType<MlApi['faces']>;
  photoFaces(photo: Uint8Array): ReturnType<MlApi['photoFaces']>;
  embedImages(frames: Uint8Array[], onProgress?: Progress): ReturnType<MlApi['embedImages']>;
  embedText(texts: string[]): ReturnType<MlApi['embedText']>;
  /** Sentence embeddings with the meaning model (search by meaning), one per non-blank text. */
  embedMeaning(texts: string[], onProgress?: Progress): ReturnType<MlApi['embedMeaning']>;
  transcribe(audio: Blob, onProgress?: Progress): ReturnType<MlApi['transcribe']>;
  /**
   * Stops whatever runs now (a cancelled stage): the worker is terminated, calls in flight reject with
   * an AbortError, and the next call starts a fresh worker that reloads its models. A worker that crashes
   * is ended the same way, its calls in flight rejected with WorkerCrashed.
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
  /**
   * The tasks a search asks of every query (visual, meaning) whose model the worker last said it cannot use, with
   * its answer: given again without asking until the models held change, another model is picked or the worker
   * starts afresh. Without a model that round trip cost each search ~8 ms (median in the app on a small library,
   * against ~11 ms for the database's part), and while indexing it waits behind the frames being read.
   */
  const cannotUse = new Map<ModelTask, Error>();
  /** Ends the worker; its calls in flight reject with `reason` (comlink would leave them waiting forever). */
  const end = (reason: Error) => {
    cannotUse.clear();
    worker?.terminate();
    worker = null;
    remote = null;
    for (const reject of inFlight) reject(reason);
    inFlight.clear();
  };
  const api = () => {
    if (!remote) {
      const started = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'heimdex-ml' });
      worker = started;
      started.addEventListener('error', (event) => {
        event.preventDefault();
        if (worker === started) end(new WorkerCrashed('ml', event.message || 'it failed to load'));
      });
      const fresh = Comlink.wrap<MlApi>(started);
      remote = fresh;
      for (const [task, modelId] of preferred) void fresh.setPreferredModel(task, modelId).catch(() => undefined);
    }
    return remote;
  };
  /** A terminated worker never answers: its pending calls are rejected by end() instead. */
  const call = <T>(name: keyof MlApi, work: (remote: Comlink.Remote<MlApi>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      inFlight.add(reject);
      const remote = api();
      work(remote)
        .then(resolve, reject)
        .finally(() => inFlight.delete(reject));
      if (crashRequested('ml', name)) void remote.crash();
    });
  const progress = (fn: Progress) => (fn ? Comlink.proxy(fn) : undefined);

  const queryCall = <T>(task: ModelTask, name: keyof MlApi, work: (remote: Comlink.Remote<MlApi>) => Promise<T>): Promise<T> => {
    const known = cannotUse.get(task);
    if (known) return Promise.reject(known);
    api(); // the worker that answers: an answer from one since ended is not kept
    const asked = worker;
    return call(name, work).catch((error: unknown) => {
      if (isModelUnavailable(error) && worker === asked) cannotUse.set(task, error);
      throw error;
    });
  };

  return {
    status: () => call('status', (r) => r.status()),
    // No worker yet: the one started later reads what is held afresh.
    modelsChanged() {
      cannotUse.clear();
      return remote ? call('modelsChanged', (r) => r.modelsChanged()) : Promise.resolve();
    },
    setPreferredModel(task, modelId) {
      // Remembered at once, so a worker restarted by abort() before the answer still gets the pick.
      cannotUse.delete(task);
      const before = preferred.get(task);
      preferred.set(task, modelId);
      return call('setPreferredModel', (r) => r.setPreferredModel(task, modelId)).catch((error: unknown) => {
        // Cut short with its worker (cancelled, crashed): the pick still stands and reaches the next worker.
        const cutShort = (error instanceof DOMException && error.name === 'AbortError') || error instanceof WorkerCrashed;
        if (!cutShort && preferred.get(task) === modelId) {
          if (before === undefined) preferred.delete(task);
          else preferred.set(task, before);
        }
        throw error;
      });
    },
    ocr: (frames, onProgress, options) => call('ocr', (r) => r.ocr(frames, progress(onProgress), options)),
    faces: (frames, onProgress, options) => call('faces', (r) => r.faces(frames, progress(onProgress), options)),
    photoFaces: (photo) => call('photoFaces', (r) => r.photoFaces(photo)),
    embedImages: (frames, onProgress) => call('embedImages', (r) => r.embedImages(frames, progress(onProgress))),
    embedText: (texts) => queryCall('visual', 'embedText', (r) => r.embedText(texts)),
    embedMeaning: (texts, onProgress) => queryCall('meaning', 'embedMeaning', (r) => r.embedMeaning(texts, progress(onProgress))),
    transcribe: (audio, onProgress) => call('transcribe', (r) => r.transcribe(audio, progress(onProgress))),
    abort() {
      end(new DOMException('Cancelled.', 'AbortError'));
    },
  };
}
