// What the library keeps in this browser, in words a person can act on: the parts it uses (the app's own
// accounting), the quota the browser grants (`navigator.storage.estimate()`), whether space runs low, and
// whether a file about to be imported has room. Pure: the measuring is done by files/usage.ts and the
// database; this module only decides. Unit-tested in Node.
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
 * Space runs low when less than this share of the quota is free… Chromium grants an origin up to 60% of the
 * disk, so on a small disk the share matters more than the bytes.
 */
export const LOW_FREE_SHARE = 0.1;
/**
 * …or less than this many bytes: one hour of 720p video is about 1 GB, and indexing adds to it (see
 * INDEXING_OVERHEAD), so below 1 GB the next ordinary import may not fit.
 */
export const LOW_FREE_BYTES = 1_000_000_000;

/**
 * What indexing adds to the storage of an imported file, as a share of the file's size. Measured in headless
 * Chromium 156 (origin usage from `estimate()`, before and after one import indexed, the models already held):
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
  free: number | null;
  /** Why space is low, in words; null when it is not (or the browser does not say). */
  warning: string | null;
}

export function freeBytes(estimate: QuotaEstimate): number | null {
  if (!isSize(estimate.quota) || !isSize(estimate.usage)) return null;
  return Math.max(0, estimate.quota - estimate.usage);
}

export function storageReport(parts: Partial<Record<StoragePart, number | null>>, estimate: QuotaEstimate): StorageReport {
  const free = freeBytes(estimate);
  const quota = isSize(estimate.quota) ? estimate.quota : null;
  const usage = isSize(estimate.usage) ? estimate.usage : null;
  const measured = STORAGE_PARTS.map((part) => ({ part, bytes: isSize(parts[part]) ? parts[part] : null }));
  const counted = measured.filter((p) => !INSIDE_ANOTHER.has(p.part)).reduce((sum, p) => sum + (p.bytes ?? 0), 0);
  return {
    parts: measured,
    setAside: usage === null ? null : Math.max(0, usage - counted),
    usage,
    quota,
    free,
    warning: free === null || quota === null ? null : lowSpaceWarning(free, quota),
  };
}

function lowSpaceWarning(free: number, quota: number): string | null {
  const share = quota > 0 ? free / quota : 0;
  if (share >= LOW_FREE_SHARE && free >= LOW_FREE_BYTES) return null;
  return (
    `Storage is running low: ${formatBytes(free)} of ${formatBytes(quota)} is free. ` +
    'New imports may not fit: remove videos you no longer need, or free space on this device.'
  );
}

/** The bytes a file of `fileBytes` needs to be imported and indexed. */
export function bytesNeededFor(fileBytes: number): number {
  return Math.ceil(fileBytes * (1 + INDEXING_OVERHEAD)) + SAFETY_MARGIN_BYTES;
}

export type RoomCheck = { fits: true } | { fits: false; needed: number; free: number; message: string };

/**
 * Whether a file fits, given what the browser says and the bytes already promised to imports under way in
 * this tab. A browser that does not tell its quota lets the file through (the copy then fails visibly if full).
 */
export function roomFor(fileBytes: number, estimate: QuotaEstimate, reservedBytes = 0): RoomCheck {
  const reported = freeBytes(estimate);
  if (reported === null) return { fits: true };
  const free = Math.max(0, reported - reservedBytes);
  const needed = bytesNeededFor(fileBytes);
  if (needed <= free) return { fits: true };
  return {
    fits: false,
    needed,
    free,
    message:
      `There is not enough room in this browser’s storage: this video needs about ${formatBytes(needed)} ` +
      `(the file and what indexing adds), and ${formatBytes(free)} is free. ` +
      'Remove videos you no longer need, or free space on this device, then try again.',
  };
}

function isSize(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
