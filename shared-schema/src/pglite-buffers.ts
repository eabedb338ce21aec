// PostgreSQL's page cache (shared_buffers) for a PGlite database, sized to the database: PGlite starts with
// PostgreSQL's 128 MB, and a library larger than that reads its pages again and again — PGlite's own file system
// copies each 8 KB page in on every miss (in the app: a read from the browser's storage). Measured on the bench's
// 100k-scene library (662 MB, its HNSW index 260 MB), PGlite in Node: the HNSW statement 7.0 → 4.9 ms CPU (p50) at
// 512 MB. Not for everyone: PGlite's memory holds the whole cache from the start (resident: +394 MB at 512 MB
// against 128, measured in Node), so a small library keeps the default and the cache never takes more than a
// sixteenth of the device's memory (a phone of 4 GB: 256 MB; Chromium tells at most 8 GB: 512 MB).

const MB = 1024 * 1024;
/** PostgreSQL's (and PGlite's) default shared_buffers. */
export const DEFAULT_BUFFERS_MB = 128;
/** The most given to the cache: the bench library's HNSW index and the pages a search reads fit. */
export const MAX_BUFFERS_MB = 512;
/** The share of the database kept: its indexes and its most read pages, not every row. */
const SHARE_OF_DATABASE = 0.75;
/** The cache takes at most this fraction (1 / MEMORY_SHARE) of the device's memory. */
const MEMORY_SHARE = 16;
/** Buffers are rounded up to this step (fewer distinct start-ups; no need for finer). */
const STEP_MB = 64;

/** The page cache, in MB, for a database of `databaseBytes` on a device with `memoryBytes` of memory. */
export function sharedBuffersMb(databaseBytes: number, memoryBytes: number): number {
  const bytes = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0); // a size that could not be read: the default
  const wanted = Math.ceil((bytes(databaseBytes) * SHARE_OF_DATABASE) / MB / STEP_MB) * STEP_MB;
  const allowed = Math.floor(bytes(memoryBytes) / MEMORY_SHARE / MB / STEP_MB) * STEP_MB;
  return Math.max(DEFAULT_BUFFERS_MB, Math.min(wanted, allowed, MAX_BUFFERS_MB));
}

/**
 * PGlite.create's `startParams` for that cache (`defaults`: PGlite.defaultStartParams, which a given list replaces);
 * nothing when the default serves.
 */
export function pgliteBufferOptions(defaults: readonly string[], databaseBytes: number, memoryBytes: number): { startParams?: string[] } {
  const mb = sharedBuffersMb(databaseBytes, memoryBytes);
  return mb === DEFAULT_BUFFERS_MB ? {} : { startParams: [...defaults, '-c', `shared_buffers=${mb}MB`] };
}
