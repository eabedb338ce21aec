// What a browser holds of each model, worked out from the files it has stored. Pure (no browser APIs):
// the Cache Storage side is store.ts, the downloads are download.ts. What the browser holds is the
// truth about what is installed, online or offline: nothing here asks the server.
import { hubEndpoint, hubFileUrl, MODELS_BASE_URL, type ModelEntry, type ModelFile, type ModelManifest, type ModelStatus } from '../ml/registry.ts';
import { lockedModel, type ModelsLock } from './lock.ts';

/** One model file as stored in this browser, with what was checked when it was stored. */
export interface StoredFile {
  path: string;
  bytes: number;
  /** sha256 (hex) computed while it was downloaded. */
  sha256: string;
}

/** What a file must be: from models.json where pinned, else from the lock a server's fetch recorded; null where nobody knows yet. */
export interface ExpectedFile {
  path: string;
  bytes: number | null;
  sha256: string | null;
}

export function expectedFile(model: ModelEntry, file: ModelFile, lock: ModelsLock): ExpectedFile {
  const locked = lockedModel(lock, model)?.files[file.path];
  return { path: file.path, bytes: file.bytes ?? locked?.bytes ?? null, sha256: file.sha256 ?? locked?.sha256 ?? null };
}

/** A stored file that is the expected one (same size and hash where they are known). */
export function isStoredAsExpected(stored: StoredFile | undefined, expected: ExpectedFile): stored is StoredFile {
  if (!stored) return false;
  if (expected.bytes !== null && stored.bytes !== expected.bytes) return false;
  return expected.sha256 === null || stored.sha256 === expected.sha256;
}

export interface ModelHolding {
  present: boolean;
  storedBytes: number;
  downloadBytes: number | null;
  downloadBytesExact: boolean;
  /** Files still to download. */
  missing: ExpectedFile[];
}

/** How much of one model this browser holds. */
export function holdingOf(model: ModelEntry, stored: ReadonlyMap<string, StoredFile>, lock: ModelsLock): ModelHolding {
  const expected = model.files.map((file) => expectedFile(model, file, lock));
  const missing = expected.filter((file) => !isStoredAsExpected(stored.get(file.path), file));
  const storedBytes = expected.reduce((sum, file) => sum + (isStoredAsExpected(stored.get(file.path), file) ? stored.get(file.path)!.bytes : 0), 0);
  const sizes = expected.map((file) => file.bytes ?? stored.get(file.path)?.bytes ?? null);
  const exact = sizes.every((bytes) => bytes !== null);
  const downloadBytes = exact ? sizes.reduce<number>((sum, bytes) => sum + (bytes ?? 0), 0) : (model.approxBytes ?? null);
  return { present: missing.length === 0, storedBytes, downloadBytes, downloadBytesExact: exact, missing };
}

/** A model's status before the ML worker has tried to load it. */
export function storedModelStatus(model: ModelEntry, holding: ModelHolding): ModelStatus {
  return {
    id: model.id,
    name: model.name,
    task: model.task,
    present: holding.present,
    downloadBytes: holding.downloadBytes,
    downloadBytesExact: holding.downloadBytesExact,
    storedBytes: holding.storedBytes,
    bundled: model.source.kind === 'npm',
    loaded: false,
    device: null,
    loadMs: null,
    error: null,
    default: model.default,
    selected: model.default,
  };
}

/** The statuses of every model of the manifest, from what is stored. */
export function storedStatuses(manifest: ModelManifest, stored: ReadonlyMap<string, StoredFile>, lock: ModelsLock): ModelStatus[] {
  return manifest.models.map((model) => storedModelStatus(model, holdingOf(model, stored, lock)));
}

export interface DownloadSource {
  url: string;
  /** 'app': the server this app came from (filled by its self-hoster); 'source': where the model is published. */
  from: 'app' | 'source';
}

/**
 * Where a file can be downloaded from, in order: the app's own origin first (a self-hoster's server that ran
 * `npm run models:fetch`, or the models shipped with the app), then the model's published source. Hub files
 * are fetched at the commit the lock recorded, else at the revision models.json names.
 */
export function downloadSources(model: ModelEntry, file: ExpectedFile, lock: ModelsLock, baseUrl = MODELS_BASE_URL): DownloadSource[] {
  const sources: DownloadSource[] = [{ url: `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${file.path}`, from: 'app' }];
  if (model.source.kind === 'hub') {
    const revision = lockedModel(lock, model)?.commit ?? model.source.revision;
    sources.push({ url: hubFileUrl(hubEndpoint(model.source), model.source.repo, revision, file), from: 'source' });
  }
  return sources;
}
