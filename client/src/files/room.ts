// Whether this origin's storage can take `bytes` more, asked of the browser itself: a scratch file in the origin
// private file system is grown to that size and thrown away, never written. The browser refuses the growth with
// QuotaExceededError exactly when a real copy would fail. `navigator.storage.estimate()` cannot answer this in
// Chromium: its quota is always usage + 10 GiB (fingerprinting protection), whatever the disk or the real quota.
// The growth is a sparse truncate of the writable's swap file: ~10–90 ms for 4–20 GB in headless Chromium.

/** Scratch files are named so; one left by a tab closed mid-probe still counts its size against the quota. */
const PROBE_PREFIX = '.room-check-';

/** Removes scratch files a tab closed mid-probe left behind (at start-up, before any probe can run). */
export async function sweepRoomProbes(): Promise<void> {
  if (!navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.startsWith(PROBE_PREFIX)) names.push(name);
  for (const name of names) await root.removeEntry(name).catch(() => undefined);
}

/** True when the browser would take `bytes` more now, false when it refuses, null when it cannot tell. */
export async function probeRoom(bytes: number): Promise<boolean | null> {
  if (!navigator.storage?.getDirectory) return null;
  const root = await navigator.storage.getDirectory();
  // A name of its own, so that two probes at once never share a file.
  const name = `${PROBE_PREFIX}${crypto.randomUUID()}`;
  try {
    const handle = await root.getFileHandle(name, { create: true });
    if (typeof handle.createWritable !== 'function') return null;
    const writable = await handle.createWritable({ keepExistingData: false });
    try {
      await writable.truncate(Math.max(0, Math.ceil(bytes)));
      return true;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError') return false;
      return null;
    } finally {
      await writable.abort().catch(() => undefined);
    }
  } catch {
    return null;
  } finally {
    await root.removeEntry(name).catch(() => undefined);
  }
}

/**
 * The most bytes the browser would take now, up to `limit`, to within 1% (at least 1 MB): a bisection of
 * probes, so a few dozen milliseconds each. Null when the browser cannot tell.
 */
export async function largestRoom(limit: number): Promise<number | null> {
  const whole = await probeRoom(limit);
  if (whole !== false) return whole === null ? null : limit;
  let fits = 0;
  let fails = limit;
  while (fails - fits > Math.max(1_000_000, fits * 0.01)) {
    const middle = Math.floor((fits + fails) / 2);
    const answer = await probeRoom(middle);
    if (answer === null) return null;
    if (answer) fits = middle;
    else fails = middle;
  }
  return fits;
}
