// public/models/models.lock.json: what the first fetch of each hub model got (the commit and every file's
// sha256 and size), committed by the user so that every later fetch, on any machine, must get the same bytes.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ModelEntry } from '../../client/src/ml/registry.ts';

export interface LockedFile {
  bytes: number;
  sha256: string;
}

export interface LockedModel {
  repo: string;
  /** The revision models.json asked for when this entry was recorded. */
  revision: string;
  /** The commit the hub served; later fetches of an unpinned ("main") revision download this one. */
  commit: string | null;
  /** By path relative to /models/, as in models.json. */
  files: Record<string, LockedFile>;
}

export interface ModelsLock {
  lockVersion: 1;
  models: Record<string, LockedModel>;
}

export const LOCK_COMMENT =
  'Written by `npm run models:fetch`: the commit and sha256 of every hub file it downloaded. Commit this file; later fetches verify against it. Delete an entry to accept new files for that model.';

export function emptyLock(): ModelsLock {
  return { lockVersion: 1, models: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  if (!isObject(json) || json.lockVersion !== 1 || !isObject(json.models)) {
    throw new Error(`${path} is not a models lock (expected { "lockVersion": 1, "models": { ... } }).`);
  }
  for (const [id, model] of Object.entries(json.models)) {
    if (!isObject(model) || typeof model.repo !== 'string' || typeof model.revision !== 'string' || !isObject(model.files)) {
      throw new Error(`${path}: the entry for "${id}" is malformed; delete it to record it again.`);
    }
    for (const [file, locked] of Object.entries(model.files)) {
      if (!isObject(locked) || typeof locked.sha256 !== 'string' || typeof locked.bytes !== 'number') {
        throw new Error(`${path}: "${id}" file "${file}" is malformed; delete the model's entry to record it again.`);
      }
    }
  }
  return json as unknown as ModelsLock;
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

/**
 * The lock entry that applies to a hub model: one recorded for the same repo and requested revision.
 * An entry for another revision is stale (models.json moved on) and does not apply.
 */
export function lockedModel(lock: ModelsLock, model: ModelEntry): LockedModel | null {
  if (model.source.kind !== 'hub') return null;
  const entry = lock.models[model.id];
  if (!entry || entry.repo !== model.source.repo || entry.revision !== model.source.revision) return null;
  return entry;
}

/** Records one downloaded (or verified) file, creating or replacing the model's entry as needed. */
export function recordFile(lock: ModelsLock, model: ModelEntry, path: string, file: LockedFile, commit: string | null): void {
  if (model.source.kind !== 'hub') throw new Error(`${model.id} is not a hub model: nothing to lock`);
  const entry: LockedModel = lockedModel(lock, model) ?? { repo: model.source.repo, revision: model.source.revision, commit: null, files: {} };
  entry.commit ??= commit;
  entry.files[path] = file;
  lock.models[model.id] = entry;
}
