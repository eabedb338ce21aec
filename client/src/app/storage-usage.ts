// Settings → Storage and the import's room check, from what this browser says and what the app measures:
// the database's files, imported copies, audio, keyframes and pictures searched by (OPFS), thumbnails and face
// crops (sums in the database), models and the app's offline files (Cache Storage).
import type { DbApi } from '../db/api.ts';
import { currentLibrary, dbFolderOf, mediaFolderOf } from '../db/location.ts';
import { AUDIO_DIR, EXAMPLES_DIR, FRAMES_DIR, VIDEOS_DIR } from '../files/store.ts';
import { largestRoom, probeRoom } from '../files/room.ts';
import { cacheBytesByName, opfsBytesAt } from '../files/usage.ts';
import { PARTIALS_DIR } from '../models/partials.ts';
import { freeBytes, storageReport, type QuotaEstimate, type StoragePart, type StorageReport } from './storage.ts';

/** The model caches (models/store.ts) are named heimdex-model…; every other cache holds the app's offline files. */
const MODEL_CACHE_PREFIX = 'heimdex-model';

export interface StorageDeps {
  db: Pick<DbApi, 'storedImageBytes'>;
  whenOpen: () => Promise<void>;
}

export async function estimateQuota(): Promise<QuotaEstimate> {
  if (!navigator.storage?.estimate) return {};
  const { usage, quota } = await navigator.storage.estimate();
  return { usage, quota };
}

/** Whether the browser would take `bytes` more now; by the estimate where it cannot tell (then a full copy fails visibly). */
export async function canHold(bytes: number): Promise<boolean> {
  const answer = await probeRoom(bytes);
  if (answer !== null) return answer;
  const free = freeBytes(await estimateQuota());
  return free === null || bytes <= free;
}

/** The space the browser would take now, up to `limit` (to within 1%); null when neither it nor its estimate says. */
export async function freeUpTo(limit: number): Promise<number | null> {
  const probed = await largestRoom(limit);
  if (probed !== null) return probed;
  const free = freeBytes(await estimateQuota());
  return free === null ? null : Math.min(limit, free);
}

/** Whether the browser keeps this site's storage under pressure; null when it does not say. */
export async function isPersisted(): Promise<boolean | null> {
  return navigator.storage?.persisted ? navigator.storage.persisted() : null;
}

/** Asks the browser to keep this site's storage; true when it will. Chromium answers at once, without a prompt. */
export async function askToPersist(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  return navigator.storage.persist().catch(() => false);
}

export function makeStorage(deps: StorageDeps) {
  async function imageBytes(): Promise<number | null> {
    try {
      await deps.whenOpen();
      const { thumbnailBytes, faceCropBytes } = await deps.db.storedImageBytes();
      return thumbnailBytes + faceCropBytes;
    } catch {
      return null; // the library is not open in this tab: the rest still shows
    }
  }

  return {
    isPersisted,
    askToPersist,

    /** Every part measured now, with the browser's quota and a warning when space runs low. */
    async report(): Promise<StorageReport> {
      // The current library's folders (a restored library lives in its own folder; see db/location.ts).
      const library = await currentLibrary();
      const paths = {
        database: dbFolderOf(library),
        media: mediaFolderOf(library, VIDEOS_DIR),
        audio: mediaFolderOf(library, AUDIO_DIR),
        keyframes: mediaFolderOf(library, FRAMES_DIR),
        searches: mediaFolderOf(library, EXAMPLES_DIR),
      };
      const [folders, cachesBytes, images, estimate] = await Promise.all([
        opfsBytesAt([...Object.values(paths), PARTIALS_DIR]),
        cacheBytesByName(),
        imageBytes(),
        estimateQuota(),
      ]);
      const folder = (path: string) => folders.get(path) ?? 0;
      let models = folder(PARTIALS_DIR);
      let app = 0;
      for (const [name, bytes] of cachesBytes) {
        if (name.startsWith(MODEL_CACHE_PREFIX)) models += bytes;
        else app += bytes;
      }
      const parts: Record<StoragePart, number | null> = {
        database: folder(paths.database),
        images,
        media: folder(paths.media),
        audio: folder(paths.audio),
        keyframes: folder(paths.keyframes),
        searches: folder(paths.searches),
        models,
        app,
      };
      // The estimate's free space bounds the search (in Chromium it is a made-up 10 GiB: the real room may be less).
      const bound = freeBytes(estimate);
      return storageReport(parts, estimate, bound === null ? null : await freeUpTo(bound));
    },
  };
}

export type LibraryStorage = ReturnType<typeof makeStorage>;
