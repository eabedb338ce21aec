// public/models/models.lock.json: what the first fetch of each hub model got (the commit and every file's
// sha256 and size). Written by `npm run models:fetch` on a server; read by the app too, so that a browser
// downloading a hub model checks the same bytes the self-hoster verified. One parser for both sides.
import type { ModelEntry } from '../ml/registry.ts';

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

export const LOCK_FILE = 'models.lock.json';

export function emptyLock(): ModelsLock {
  return { lockVersion: 1, models: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a parsed lock; `where` names it in errors (a path on a server, a URL in the browser). */
export function parseModelsLock(json: unknown, where: string): ModelsLock {
  if (!isObject(json) || json.lockVersion !== 1 || !isObject(json.models)) {
    throw new Error(`${where} is not a models lock (expected { "lockVersion": 1, "models": { ... } }).`);
  }
  for (const [id, model] of Object.entries(json.models)) {
    if (!isObject(model) || typeof model.repo !== 'string' || typeof model.revision !== 'string' || !isObject(model.files)) {
      throw new Error(`${where}: the entry for "${id}" is malformed; delete it to record it again.`);
    }
    for (const [file, locked] of Object.entries(model.files)) {
      if (!isObject(locked) || typeof locked.sha256 !== 'string' || typeof locked.bytes !== 'number') {
        throw new Error(`${where}: "${id}" file "${file}" is malformed; delete the model's entry to record it again.`);
      }
    }
  }
  return json as unknown as ModelsLock;
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
