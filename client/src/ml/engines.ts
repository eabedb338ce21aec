// Which model each task uses, and its engine, loaded once. The user may pick another model of a task
// (Settings: the visual model); the pick replaces the task's engine, so image and text embeddings always
// come from the same model. Kept apart from the worker so it runs in Node tests with real tiny models.
import { defaultModel, type ModelEntry, type ModelManifest, type ModelStatus, type ModelTask } from './registry.ts';
import { MODEL_UNAVAILABLE } from './unavailable.ts';
import { messageOf } from '../errors.ts';

export interface LoadedEngine<E> {
  engine: E;
  device: 'webgpu' | 'wasm';
  loadMs: number;
}

export interface EngineSetOptions<Engines extends Record<ModelTask, unknown>> {
  /** The manifest and the live status of each of its models (updated here as engines load). */
  inventory(): Promise<{ manifest: ModelManifest; statuses: Map<string, ModelStatus> }>;
  load<T extends ModelTask>(task: T, entry: ModelEntry): Promise<LoadedEngine<Engines[T]>>;
  /** Frees a replaced engine (its ONNX sessions); errors are ignored. */
  dispose?(engine: unknown): Promise<unknown> | void;
}

export interface EngineSet<Engines extends Record<ModelTask, unknown>> {
  /**
   * Makes `modelId` the model of `task` from now on. Throws when the manifest has no such model for
   * that task. The engine of the previous model is freed once calls using it have their answer.
   */
  setPreferred(task: ModelTask, modelId: string): Promise<void>;
  /** The model a task uses now: the preferred one, else the manifest's default. */
  selected(task: ModelTask): Promise<ModelEntry | undefined>;
  /** The task's engine with the id of its model; throws MODEL_UNAVAILABLE with the reason when it cannot load. */
  engineFor<T extends ModelTask>(task: T): Promise<{ engine: Engines[T]; modelId: string }>;
}

/** Each task's model as a person calls it (the reason of a skipped stage is shown in the app). */
export const MODEL_NOUNS: Record<ModelTask, string> = {
  speech: 'speech model',
  visual: 'visual search model',
  ocr: 'on-screen text model',
  faces: 'face model',
  meaning: 'meaning model',
};

/** Thrown when a task's model is absent or failed to load; the pipeline turns it into a skipped stage. */
export function unavailable(message: string): Error {
  const error = new Error(message);
  error.name = MODEL_UNAVAILABLE;
  return error;
}

export function createEngineSet<Engines extends Record<ModelTask, unknown>>(options: EngineSetOptions<Engines>): EngineSet<Engines> {
  const preferred = new Map<ModelTask, string>();
  const engines = new Map<ModelTask, { modelId: string; pending: Promise<unknown> }>();

  const pick = (manifest: ModelManifest, task: ModelTask): ModelEntry | undefined => {
    const wanted = preferred.get(task);
    return manifest.models.find((m) => m.task === task && m.id === wanted) ?? defaultModel(manifest, task);
  };

  const markSelected = (statuses: Map<string, ModelStatus>, manifest: ModelManifest, task: ModelTask) => {
    const chosen = pick(manifest, task)?.id;
    for (const status of statuses.values()) if (status.task === task) status.selected = status.id === chosen;
  };

  return {
    async setPreferred(task, modelId) {
      const { manifest, statuses } = await options.inventory();
      const entry = manifest.models.find((m) => m.id === modelId);
      if (!entry || entry.task !== task) {
        const known = manifest.models.filter((m) => m.task === task).map((m) => m.id);
        throw new Error(`There is no ${task} model "${modelId}" in models.json (known: ${known.join(', ') || 'none'}).`);
      }
      preferred.set(task, modelId);
      markSelected(statuses, manifest, task);
      const current = engines.get(task);
      if (current && current.modelId !== modelId) {
        engines.delete(task);
        const status = statuses.get(current.modelId);
        if (status) Object.assign(status, { loaded: false, device: null, loadMs: null });
        // Calls already holding the old engine finish on it; it is freed after they had their answer.
        void current.pending.then(
          (engine) => setTimeout(() => void Promise.resolve(options.dispose?.(engine)).catch(() => undefined), 0),
          () => undefined,
        );
      }
    },

    async selected(task) {
      const { manifest } = await options.inventory();
      return pick(manifest, task);
    },

    async engineFor(task) {
      const { manifest, statuses } = await options.inventory();
      markSelected(statuses, manifest, task);
      const entry = pick(manifest, task);
      if (!entry) throw unavailable(`This version of Heimdex has no ${MODEL_NOUNS[task]}.`);
      const status = statuses.get(entry.id)!;
      let slot = engines.get(task);
      if (!status.present) {
        // Removed from this browser while loaded: no new work runs on it.
        if (slot?.modelId === entry.id) {
          engines.delete(task);
          Object.assign(status, { loaded: false, device: null, loadMs: null });
          void slot.pending.then((engine) => options.dispose?.(engine), () => undefined);
        }
        throw unavailable(`The ${MODEL_NOUNS[task]} is not on this device yet.`);
      }
      if (!slot || slot.modelId !== entry.id) {
        const pending = options.load(task, entry).then(
          ({ engine, device, loadMs }) => {
            Object.assign(status, { loaded: true, device, loadMs: Math.round(loadMs), error: null });
            return engine;
          },
          (error: unknown) => {
            const message = messageOf(error);
            Object.assign(status, { loaded: false, error: `Failed to load: ${message}` });
            throw unavailable(`The ${MODEL_NOUNS[task]} could not be loaded on this device: ${message}`);
          },
        );
        slot = { modelId: entry.id, pending };
        engines.set(task, slot);
      }
      return { engine: (await slot.pending) as Engines[typeof task], modelId: entry.id };
    },
  };
}
