// public/models/models.lock.json: what the first fetch of each hub model got (the commit and every file's
// sha256 and size), committed by the user so that every later fetch, on any machine, must get the same bytes.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ModelEntry } from '../../client/src/ml/registry.ts';
import { emptyLock, lockedModel, parseModelsLock, type LockedFile, type LockedModel, type ModelsLock } from '../../client/src/models/lock.ts';

export { emptyLock, lockedModel, type LockedFile, type LockedModel, type ModelsLock } from '../../client/src/models/lock.ts';

export const LOCK_COMMENT =
  'Written by `npm run models:fetch`: the commit and sha256 of every hub file it downloaded. Commit this file; later fetches verify against it. Delete an entry to accept new files for that model.';

/** Reads the lock; a missing file is an empty lock, a malformed one is an error (it guards downloads). */
export async function readLock(path: string): Promise<ModelsLock> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLock();
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); fix it or restore it from git.`);
  }
  return parseModelsLock(json, path);
}

/** Writes the lock with sorted keys (stable diffs), atomically (a crash never leaves half a lock). */
export async function writeLock(path: string, lock: ModelsLock): Promise<void> {
  const models: Record<string, LockedModel> = {};
  for (const id of Object.keys(lock.models).sort()) {
    const model = lock.models[id] as LockedModel;
    const files: Record<string, LockedFile> = {};
    for (const file of Object.keys(model.files).sort()) {
      const locked = model.files[file] as LockedFile;
      files[file] = { bytes: locked.bytes, sha256: locked.sha256 };
    }
    models[id] = { repo: model.repo, revision: model.revision, commit: model.commit, files };
  }
  const text = `${JSON.stringify({ $comment: LOCK_COMMENT, lockVersion: 1, models }, null, 2)}\n`;
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** Records one downloaded (or verified) file, creating or replacing the model's entry as needed. */
export function recordFile(lock: ModelsLock, model: ModelEntry, path: string, file: LockedFile, commit: string | null): void {
  if (model.source.kind !== 'hub') throw new Error(`${model.id} is not a hub model: nothing to lock`);
  const entry: LockedModel = lockedModel(lock, model) ?? { repo: model.source.repo, revision: model.source.revision, commit: null, files: {} };
  entry.commit ??= commit;
  entry.files[path] = file;
  lock.models[model.id] = entry;
}
