// The models of this device, as the app offers them: what each is and whether this browser holds it (the ML
// worker reads the store), downloads with progress that resume where they stopped, removal, and the
// models that ship with the app installed on their own while online — so that indexing works offline later.
import { createSignal, type Accessor } from 'solid-js';
import type { MlClient } from '../ml/client.ts';
import type { ModelEntry, ModelManifest, ModelStatus, ModelTask } from '../ml/registry.ts';
import { DownloadError, partialKey } from '../models/download.ts';
import { installModel } from '../models/installer.ts';
import type { ModelsLock } from '../models/lock.ts';
import { createOpfsPartials } from '../models/partials.ts';
import { deleteStoredFiles, loadLock, loadManifest } from '../models/store.ts';
import { errorMessage } from '../errors.ts';

export type InstallState =
  | { phase: 'downloading'; receivedBytes: number; totalBytes: number | null }
  | { phase: 'failed'; message: string; offline: boolean };

export interface ModelsDeps {
  ml: Pick<MlClient, 'status' | 'modelsChanged'>;
  /** Every file of a model of `task` is on this device now: fill in what indexing skipped without it. */
  onInstalled(task: ModelTask): void;
}

/** Models the person removed: the app does not bring them back by itself (localStorage: a device-local choice). */
const DECLINED_KEY = 'heimdex.models.removed';
/** Progress reaches the page at most this often. */
const PROGRESS_INTERVAL_MS = 200;
/** Tells this origin's other tabs that the models held changed (their ML workers read them again). */
const MODELS_CHANNEL = 'heimdex-models';

function declined(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(DECLINED_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

function setDeclined(modelId: string, removed: boolean) {
  const ids = declined();
  if (removed) ids.add(modelId);
  else ids.delete(modelId);
  localStorage.setItem(DECLINED_KEY, JSON.stringify([...ids]));
}

export function createModels(deps: ModelsDeps) {
  const [installs, setInstalls] = createSignal<Readonly<Record<string, InstallState>>>({});
  const [changes, setChanges] = createSignal(0);
  const running = new Map<string, { task: ModelTask | null; controller: AbortController; done: Promise<void> }>();
  /** Settles once installBundled() has started what it downloads (so whenReady() can wait for those too). */
  let bundledStarted: Promise<unknown> = Promise.resolve();
  const partials = createOpfsPartials();
  let lists: Promise<{ manifest: ModelManifest; lock: ModelsLock }> | null = null;

  const readLists = () => {
    lists ??= Promise.all([loadManifest(), loadLock()]).then(([manifest, lock]) => ({ manifest, lock }));
    lists.catch(() => (lists = null));
    return lists;
  };

  // The ML worker keeps its reading of the models held until told: this tab tells it on its own channel (before
  // anything that would use the model), the other tabs through the broadcast.
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(MODELS_CHANNEL);
  channel?.addEventListener('message', () => {
    void deps.ml.modelsChanged().catch(() => undefined);
    setChanges((n) => n + 1);
  });
  const storeChanged = async () => {
    channel?.postMessage('changed');
    await deps.ml.modelsChanged().catch(() => undefined);
  };

  const setState = (modelId: string, state: InstallState | null) =>
    setInstalls((current) => {
      const next = { ...current };
      if (state) next[modelId] = state;
      else delete next[modelId];
      return next;
    });

  async function entryOf(modelId: string): Promise<{ model: ModelEntry; lock: ModelsLock }> {
    const { manifest, lock } = await readLists();
    const model = manifest.models.find((m) => m.id === modelId);
    if (!model) throw new Error('This model is not offered by this version of Heimdex.');
    return { model, lock };
  }

  function download(modelId: string): Promise<void> {
    const already = running.get(modelId);
    if (already) return already.done;
    const controller = new AbortController();
    const slot: { task: ModelTask | null; controller: AbortController; done: Promise<void> } = { task: null, controller, done: Promise.resolve() };
    const done = (async () => {
      setState(modelId, { phase: 'downloading', receivedBytes: 0, totalBytes: null });
      let lastShown = 0;
      try {
        const { model, lock } = await entryOf(modelId);
        slot.task = model.task;
        await installModel(model, {
          lock,
          partials,
          signal: controller.signal,
          onProgress: ({ receivedBytes, totalBytes }) => {
            const now = Date.now();
            if (now - lastShown < PROGRESS_INTERVAL_MS) return;
            lastShown = now;
            setState(modelId, { phase: 'downloading', receivedBytes, totalBytes });
          },
        });
        await storeChanged();
        setDeclined(modelId, false);
        setState(modelId, null);
        setChanges((n) => n + 1);
        deps.onInstalled(model.task);
      } catch (error) {
        await storeChanged(); // some of its files may be stored
        if (controller.signal.aborted) {
          setState(modelId, null); // cancelled: what arrived is kept for the next try
        } else {
          const offline = (error instanceof DownloadError && error.kind === 'network') || navigator.onLine === false;
          setState(modelId, { phase: 'failed', message: errorMessage(error), offline });
        }
        setChanges((n) => n + 1);
        throw error;
      } finally {
        running.delete(modelId);
      }
    })();
    slot.done = done;
    running.set(modelId, slot);
    done.catch(() => undefined);
    return done;
  }

  return {
    /** Every model with whether this device holds it and, once used, where and how fast it loaded. */
    list: (): Promise<ModelStatus[]> => deps.ml.status(),
    /** Downloads in progress and downloads that failed, by model id (live). */
    installs: installs as Accessor<Readonly<Record<string, InstallState>>>,
    /** Bumps when a model was installed, removed or a download stopped: the list is worth reading again. */
    changes: changes as Accessor<number>,
    /** Downloads a model into this browser (resuming what an earlier try kept); settles when it is installed. */
    download,
    /** Stops a download; what arrived is kept, so Download continues from there. */
    cancel(modelId: string) {
      running.get(modelId)?.controller.abort(new DOMException('Cancelled.', 'AbortError'));
    },
    /** Removes a model's files from this browser; indexing then skips its stage until it is downloaded again. */
    async remove(modelId: string): Promise<void> {
      const { model } = await entryOf(modelId);
      running.get(modelId)?.controller.abort(new DOMException('Removed.', 'AbortError'));
      await running.get(modelId)?.done.catch(() => undefined);
      await deleteStoredFiles(model.files.map((f) => f.path));
      await storeChanged();
      await Promise.all(model.files.map((f) => partials.remove(partialKey(f.path))));
      setDeclined(modelId, true);
      setState(modelId, null);
      setChanges((n) => n + 1);
    },
    /**
     * While online: installs the models that ship with the app (on-screen text, faces) unless the person
     * removed them, quietly, so that the next offline session indexes with them. Returns when all settled.
     */
    async installBundled(): Promise<void> {
      const started = (async () => {
        if (navigator.onLine === false) return [];
        const skip = declined();
        const wanted = (await deps.ml.status()).filter((m) => m.bundled && !m.present && !skip.has(m.id));
        return wanted.map((m) => download(m.id));
      })();
      bundledStarted = started.catch(() => undefined);
      await Promise.allSettled(await started);
    },
    /**
     * Settles when no download of a `task` model is under way (the pipeline waits here rather than skip a
     * stage whose model is arriving, e.g. on the first visit while the bundled models download).
     */
    async whenReady(task: ModelTask): Promise<void> {
      await bundledStarted;
      await Promise.allSettled([...running.values()].filter((r) => r.task === task || r.task === null).map((r) => r.done));
    },
  };
}

export type Models = ReturnType<typeof createModels>;
