// The visual model the user chose in Settings: remembered in the library's database, handed to the ML
// worker (which then embeds keyframes and queries with it alone), and caught up on in the background —
// every video whose vectors are of another model gets VISION_EMBED queued again.
import type { DbApi } from '../db/api.ts';
import type { ReembedProgress } from '../db/visual-model.ts';
import { VISUAL_MODEL_KEY } from '../db/visual-model.ts';
import type { MlClient } from '../ml/client.ts';
import type { ModelStatus } from '../ml/registry.ts';

export interface VisualModelDeps {
  db: Pick<DbApi, 'getSetting' | 'setSetting' | 'queueReembed' | 'reembedProgress' | 'visualCoverage'>;
  ml: Pick<MlClient, 'status' | 'setPreferredModel'>;
  /** Resolves once the database is open. */
  whenOpen: () => Promise<void>;
  /** Called after videos were queued: the runner should look for work, the cards refresh. */
  onQueued: () => void;
}

export interface VisualModelChoice {
  /** The model chosen now, and whether anything was queued; `notInstalled` says why nothing was. */
  modelId: string;
  queued: number;
  notInstalled: string | null;
}

export type { ReembedProgress };

export function createVisualModel(deps: VisualModelDeps) {
  // A video is queued at most once per model in a page's life: a model that is present but fails to load
  // skips the stage and leaves the old vectors, which must not make the video go round again and again.
  const queuedFor = new Map<string, Set<string>>();

  async function visualModels(): Promise<ModelStatus[]> {
    return (await deps.ml.status()).filter((m) => m.task === 'visual');
  }

  /** Queues the videos whose vectors are not of `modelId`, unless its files are absent (that would only skip). */
  async function catchUp(modelId: string): Promise<VisualModelChoice> {
    const model = (await visualModels()).find((m) => m.id === modelId);
    if (!model?.present) {
      const notInstalled = `${model?.name ?? modelId} is not on this device yet, so no video is re-embedded: download it first.`;
      return { modelId, queued: 0, notInstalled };
    }
    const done = queuedFor.get(modelId) ?? new Set<string>();
    queuedFor.set(modelId, done);
    const queued = await deps.db.queueReembed(modelId, [...done]);
    for (const id of queued) done.add(id);
    if (queued.length > 0) deps.onQueued();
    return { modelId, queued: queued.length, notInstalled: null };
  }

  return {
    /**
     * At start, before the runner: hands the saved choice to the ML worker (the request is on its way
     * before any stage can ask for an embedding). Returns a promise for the background catch-up.
     */
    async restore(): Promise<() => Promise<void>> {
      const saved = await deps.db.getSetting(VISUAL_MODEL_KEY);
      if (typeof saved !== 'string') return async () => undefined;
      const applied = deps.ml.setPreferredModel('visual', saved);
      return async () => {
        try {
          await applied;
          await catchUp(saved);
        } catch (error) {
          // A saved id that this build's models.json no longer lists: the default model is used.
          console.warn('The saved visual model could not be used:', error);
        }
      };
    },

    /** Makes `modelId` the visual model: saved, used from now on, and the library re-embedded in the background. */
    async choose(modelId: string): Promise<VisualModelChoice> {
      await deps.whenOpen();
      await deps.ml.setPreferredModel('visual', modelId); // throws for an id models.json does not list
      await deps.db.setSetting(VISUAL_MODEL_KEY, modelId);
      return catchUp(modelId);
    },

    /** How many scenes visual search covers with `modelId` (see the DB's visualCoverage). */
    async coverage(modelId: string): Promise<{ covered: number; total: number }> {
      await deps.whenOpen();
      return deps.db.visualCoverage(modelId);
    },

    /** How far the last re-embedding has got (null when there was none). */
    async progress(): Promise<ReembedProgress | null> {
      await deps.whenOpen();
      return deps.db.reembedProgress();
    },
  };
}

export type VisualModel = ReturnType<typeof createVisualModel>;
