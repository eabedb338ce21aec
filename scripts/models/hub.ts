// The download step: every file of the hub-hosted models that is not yet in public/models/, fetched at the
// pinned (or locked) commit, verified against the pinned (or locked) sha256, and recorded in the lock.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hubFileUrl, isPinnedRevision, type ModelEntry } from '../../client/src/ml/registry.ts';

export { hubFileUrl };
import { DownloadError, downloadFile, type DownloadOptions } from './download.ts';
import { hashFile } from './hash.ts';
import { lockedModel, recordFile, type ModelsLock } from './lock.ts';

export interface HubFetchOptions {
  /** The hub's base URL (https://huggingface.co, or a mirror). */
  endpoint: string;
  /** public/models/ */
  publicModelsDir: string;
  lock: ModelsLock;
  /** Persists the lock; called after every file that changed it, so an interrupted run keeps what it verified. */
  saveLock: (lock: ModelsLock) => Promise<void>;
  download?: DownloadOptions;
  log?: (line: string) => void;
  /** Told about each file as soon as it is settled. */
  onFile?: (outcome: HubFileOutcome) => void;
}

export interface HubFileOutcome {
  model: string;
  path: string;
  status: 'present' | 'downloaded' | 'failed' | 'skipped';
  /** For failed and skipped files: why, in words. */
  message?: string;
  bytes?: number;
  /** Downloaded files: bytes that an earlier, interrupted run had already fetched. */
  resumedFrom?: number;
}

/**
 * Fetches the missing files of `models` (hub models only). Files already on disk are hashed: kept when
 * they match the pinned or locked sha256 (or recorded when nothing is known yet), downloaded again
 * otherwise. Once a host proves unreachable, its remaining files are skipped at once.
 */
export async function fetchHubModels(models: ModelEntry[], options: HubFetchOptions): Promise<HubFileOutcome[]> {
  const log = options.log ?? (() => {});
  const { lock } = options;
  const outcomes: HubFileOutcome[] = [];
  const settle = (outcome: HubFileOutcome) => {
    outcomes.push(outcome);
    options.onFile?.(outcome);
  };
  const unreachable = new Map<string, string>();

  for (const model of models) {
    const source = model.source;
    if (source.kind !== 'hub') continue;
    const stale = lock.models[model.id] && !lockedModel(lock, model);
    if (stale) log(`${model.id}: models.lock.json was recorded for another repo or revision; recording it again.`);

    for (const file of model.files) {
      const locked = lockedModel(lock, model);
      const expected = file.sha256 ?? locked?.files[file.path]?.sha256 ?? null;
      const dest = join(options.publicModelsDir, file.path);
      const label = `${model.id} ${file.path.slice(source.repo.length + 1)}`;

      if (existsSync(dest)) {
        const onDisk = await hashFile(dest);
        if (expected === null || onDisk.sha256 === expected) {
          if (!locked?.files[file.path]) {
            recordFile(lock, model, file.path, onDisk, null);
            await options.saveLock(lock);
          }
          settle({ model: model.id, path: file.path, status: 'present', bytes: onDisk.bytes });
          continue;
        }
        log(`${label}: on disk with sha256 ${onDisk.sha256}, expected ${expected}; downloading it again.`);
        await rm(dest, { force: true });
      }

      // An unpinned revision ("main") is fetched at the commit the lock recorded, so it cannot drift.
      const revision = isPinnedRevision(source.revision) ? source.revision : (locked?.commit ?? source.revision);
      const url = hubFileUrl(options.endpoint, source.repo, revision, file);
      const host = new URL(url).host;
      const down = unreachable.get(host);
      if (down) {
        settle({ model: model.id, path: file.path, status: 'skipped', message: down });
        continue;
      }

      try {
        const result = await downloadFile({ url, dest, expectedSha256: expected, label }, options.download);
        recordFile(lock, model, file.path, { bytes: result.bytes, sha256: result.sha256 }, result.repoCommit);
        await options.saveLock(lock);
        settle({ model: model.id, path: file.path, status: 'downloaded', bytes: result.bytes, resumedFrom: result.resumedFrom });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof DownloadError && error.kind === 'unreachable') unreachable.set(host, message);
        settle({ model: model.id, path: file.path, status: 'failed', message });
      }
    }

    // Files models.json no longer lists leave the lock with it.
    const entry = lockedModel(lock, model);
    if (entry) {
      const listed = new Set(model.files.map((f) => f.path));
      const dropped = Object.keys(entry.files).filter((path) => !listed.has(path));
      for (const path of dropped) delete entry.files[path];
      if (dropped.length > 0) await options.saveLock(lock);
    }
  }
  return outcomes;
}
