// What the library keeps in this browser, in words a person can act on: the parts it uses (the app's own
// accounting), what `navigator.storage.estimate()` says, the space really free (files/room.ts asks the browser:
// Chromium's estimate always claims usage + 10 GiB of quota), whether space runs low, and what an import needs.
// Pure: the measuring is done by files/usage.ts, files/room.ts and the database. Unit-tested in Node.
import { formatBytes } from '../ui/format.ts';

/** The parts of the library's storage, in the order Settings lists them. */
export const STORAGE_PARTS = ['database', 'images', 'media', 'audio', 'keyframes', 'searches', 'models', 'app'] as const;
export type StoragePart = (typeof STORAGE_PARTS)[number];

export const STORAGE_PART_LABELS: Record<StoragePart, { label: string; note: string }> = {
  database: { label: 'Library database', note: 'Scenes, words, faces, people and search indexes.' },
  images: { label: 'Thumbnails and face crops', note: 'Kept inside the library database.' },
  media: { label: 'Imported videos', note: 'Copies of the files you imported, so they play and index offline.' },
  audio: { label: 'Extracted audio', note: 'The sound of each video, kept for speech recognition.' },
  keyframes: { label: 'Keyframes', note: 'One picture per scene at analysis size, so a new model needs no re-decoding.' },
  searches: { label: 'Pictures searched by', note: 'The last few, so a search by picture still works after a reload.' },
  models: { label: 'Models', note: 'Speech, image, text and face models downloaded to this device.' },
  app: { label: 'Heimdex itself', note: 'The app’s own files, so it opens offline.' },
};

/** The parts measured inside another (thumbnails live in the database): left out of any sum. */
const INSIDE_ANOTHER: ReadonlySet<StoragePart> = new Set(['images']);

/** What `navigator.storage.estimate()` says; either may be missing in a browser that does not tell. */
export interface QuotaEstimate {
  usage?: number | undefined;
  quota?: number | undefined;
}

/**
 * Space runs low when less than this share of what the library could hold (used + free) is free… Chromium
 * grants an origin up to 60% of the disk, so on a small disk the share matters more than the bytes.
 */
export const LOW_FREE_SHARE = 0.1;
/**
 * …or less than this many bytes: one hour of 720p video is about 1 GB, and indexing adds to it (see
 * INDEXING_OVERHEAD), so below 1 GB the next ordinary import may not fit.
 */
export const LOW_FREE_BYTES = 1_000_000_000;

/**
 * What indexing adds to the storage of an imported file, as a share of the file's size. Measured in headless
 * Chromium 156 (origin usage from `estimate()`, before and after one import indexed, the models already held;
 * tests/browser/storage.test.ts logs the cuts-a figure at each run):
 * bench-720p-60s.mp4 (15.2 MB, 60 s) grew it by 22.5 MB, the copy plus 0.48× (audio 3.8 MB as 16 kHz float32,
 * keyframes 0.3 MB, database 0.3 MB, and ~2.8 MB the browser sets aside for new database files);
 * cuts-a.mp4 (1.0 MB, 12 s) by 9.2 MB: audio 0.8 MB and ~7 MB set aside, which SAFETY_MARGIN_BYTES covers.
 * Audio grows with length, not bytes (64 kB per second), so a low-bitrate file costs more: one more time the
 * file's size covers files down to about 0.5 Mbit/s.
 */
export const INDEXING_OVERHEAD = 1;

/** Bytes kept free beyond the file's share: what the database sets aside and writes while it indexes. */
export const SAFETY_MARGIN_BYTES = 50_000_000;

export interface StorageReport {
  /** Each part the app can measure, in bytes (null when it could not be measured). */
  parts: { part: StoragePart; bytes: number | null }[];
  /**
   * What the browser counts beyond the measured parts: mostly room it sets aside for the database's open files
   * (Chromium counts quota for each open file handle of the database, far more than the files hold).
   */
  setAside: number | null;
  usage: number | null;
  quota: number | null;
  /** The space the browser would really take now. */
  free: number | null;
  /** Why space is low, in words; null when it is not (or the browser does not say). */
  warning: string | null;
}

/** Free space by the browser's estimate alone (in Chromium an upper bound: see files/room.ts). */
export function freeBytes(estimate: QuotaEstimate): number | null {
  if (!isSize(estimate.quota) || !isSize(estimate.usage)) return null;
  return Math.max(0, estimate.quota - estimate.usage);
}

/**
 * `free`: the space the browser would really take now (null when it cannot tell); the warning is judged on it,
 * against what the library could hold in all (usage + free), since the estimate's quota may be made up.
 */
export function storageReport(parts: Partial<Record<StoragePart, number | null>>, estimate: QuotaEstimate, free: number | null): StorageReport {
  const quota = isSize(estimate.quota) ? estimate.quota : null;
  const usage = isSize(estimate.usage) ? estimate.usage : null;
  const measured = STORAGE_PARTS.map((part) => ({ part, bytes: isSize(parts[part]) ? parts[part] : null }));
  const counted = measured.filter((p) => !INSIDE_ANOTHER.has(p.part)).reduce((sum, p) => sum + (p.bytes ?? 0), 0);
  const room = isSize(free) ? free : null;
  return {
    parts: measured,
    setAside: usage === null ? null : Math.max(0, usage - counted),
    usage,
    quota,
    free: room,
    warning: room === null ? null : lowSpaceWarning(room, (usage ?? 0) + room),
  };
}

function lowSpaceWarning(free: number, total: number): string | null {
  const share = total > 0 ? free / total : 0;
  if (share >= LOW_FREE_SHARE && free >= LOW_FREE_BYTES) return null;
  return (
    `Storage is running low: ${formatBytes(free)} is free for Heimdex in this browser. ` +
    'New imports may not fit: remove videos you no longer need, or free space on this device.'
  );
}

/** The bytes a file of `fileBytes` needs to be imported and indexed. */
export function bytesNeededFor(fileBytes: number): number {
  return Math.ceil(fileBytes * (1 + INDEXING_OVERHEAD)) + SAFETY_MARGIN_BYTES;
}

/** Why a file was refused, in plain words: how much it needs and how much is free. */
export function noRoomMessage(needed: number, free: number): string {
  return (
    `There is not enough room in this browser’s storage: this video needs about ${formatBytes(needed)} ` +
    `(the file and what indexing adds), and ${formatBytes(Math.max(0, free))} is free. ` +
    'Remove videos you no longer need, or free space on this device, then try again.'
  );
}

function isSize(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
