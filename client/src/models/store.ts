// The models this browser holds: finished files in Cache Storage, keyed by their /models/<path> URL, each
// with its size and the sha256 computed while it was downloaded. The page (downloads, Settings) and the ML
// worker (which loads models from here, never from the network) share it. Also the model list itself,
// read network-first so that a new models.json arrives when online and the last one works offline.
import { loadModelManifest, MANIFEST_FILE, MODELS_BASE_URL, type ModelManifest } from '../ml/registry.ts';
import type { StoredFile } from './inventory.ts';
import { emptyLock, LOCK_FILE, parseModelsLock, type ModelsLock } from './lock.ts';

const MODEL_CACHE = 'heimdex-models-v1';
/** The last models.json and models.lock.json seen online. */
const LIST_CACHE = 'heimdex-model-lists-v1';
const SHA_HEADER = 'x-heimdex-sha256';

const urlOf = (path: string) => `${MODELS_BASE_URL}${path}`;
const pathOf = (url: string) => decodeURIComponent(new URL(url).pathname).slice(MODELS_BASE_URL.length);

function caches_(): CacheStorage {
  if (typeof caches === 'undefined') throw new Error('This browser cannot keep models for offline use (no Cache Storage).');
  return caches;
}

/** Every model file this browser holds, by path. */
export async function listStoredFiles(): Promise<Map<string, StoredFile>> {
  const cache = await caches_().open(MODEL_CACHE);
  const files = new Map<string, StoredFile>();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const sha256 = response?.headers.get(SHA_HEADER);
    const bytes = Number(response?.headers.get('content-length'));
    if (!response || !sha256 || !Number.isFinite(bytes)) continue;
    const path = pathOf(request.url);
    files.set(path, { path, bytes, sha256 });
  }
  return files;
}

/** A stored file as a Response (what transformers.js's cache hook and fetch-style loaders take), or undefined. */
export async function readStoredFile(path: string): Promise<Response | undefined> {
  return (await caches_().open(MODEL_CACHE)).match(urlOf(path));
}

/** Stores a downloaded, verified file. */
export async function putStoredFile(file: StoredFile, blob: Blob): Promise<void> {
  const cache = await caches_().open(MODEL_CACHE);
  await cache.put(
    urlOf(file.path),
    new Response(blob, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes), [SHA_HEADER]: file.sha256 },
    }),
  );
}

export async function deleteStoredFiles(paths: readonly string[]): Promise<void> {
  const cache = await caches_().open(MODEL_CACHE);
  await Promise.all(paths.map((path) => cache.delete(urlOf(path))));
}

async function networkFirst(file: string, fetchFn: typeof fetch): Promise<Response | undefined> {
  const url = `${MODELS_BASE_URL}${file}`;
  const lists = await caches_().open(LIST_CACHE);
  try {
    const response = await fetchFn(url, { cache: 'no-cache' });
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && !type.includes('text/html')) {
      await lists.put(url, response.clone());
      return response;
    }
    if (response.status === 404) return undefined;
  } catch {
    // Offline: the copy kept from the last visit answers.
  }
  return lists.match(url);
}

/** models.json, fresh when online, the last one seen when not. */
export async function loadManifest(fetchFn: typeof fetch = fetch): Promise<ModelManifest> {
  return loadModelManifest({
    fetch: async () => {
      const response = await networkFirst(MANIFEST_FILE, fetchFn);
      if (!response) throw new Error('The list of models is not available: open Heimdex once while online.');
      return response;
    },
  });
}

/** models.lock.json (hashes a self-hoster's fetch recorded); empty when the server has none. */
export async function loadLock(fetchFn: typeof fetch = fetch): Promise<ModelsLock> {
  const response = await networkFirst(LOCK_FILE, fetchFn);
  if (!response) return emptyLock();
  try {
    return parseModelsLock(await response.json(), LOCK_FILE);
  } catch {
    return emptyLock(); // a broken lock only loses the extra checks, never the app
  }
}
