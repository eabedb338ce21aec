// Keeps the library's meaning vectors of the model the meaning task uses now: at start, every video of this device
// with a scene whose text has no vector of that model (one made by another model, e.g. before an upgrade changed the
// default) gets TEXT_INDEX queued again. Nothing is queued while the model is not on this device: the stage would
// only be skipped, and the gap it leaves is filled in once the model is downloaded (fillGaps).
import type { DbApi } from '../db/api.ts';
import type { MlClient } from '../ml/client.ts';

export interface MeaningCatchUpDeps {
  db: Pick<DbApi, 'queueMeaningReembed'>;
  ml: Pick<MlClient, 'status'>;
  /** Called after videos were queued: the runner should look for work, the cards refresh. */
  onQueued: () => void;
}

export function createMeaningCatchUp(deps: MeaningCatchUpDeps): () => Promise<number> {
  // A video is queued at most once per model in a page's life: a model that is present but fails to load skips
  // the stage and leaves the old vectors, which must not send the video round again and again.
  const queuedFor = new Map<string, Set<string>>();
  return async () => {
    const model = (await deps.ml.status()).find((m) => m.task === 'meaning' && m.selected);
    if (!model?.present) return 0;
    const done = queuedFor.get(model.id) ?? new Set<string>();
    queuedFor.set(model.id, done);
    const queued = await deps.db.queueMeaningReembed(model.id, [...done]);
    for (const id of queued) done.add(id);
    if (queued.length > 0) deps.onQueued();
    return queued.length;
  };
}
