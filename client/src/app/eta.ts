// How long the indexing still takes, from what this session has measured. Pure: unit-tested in Node.
// Work is counted in seconds of video weighted by the stage weights (a video's overall progress times
// its length), so a long video counts for more than a short one and scene detection for more than probing.

/** No estimate before this much wall time: the first seconds (copying, probing) say little about the rest. */
export const MIN_ELAPSED_S = 5;
/** ...nor before this share of the batch's work is done. */
export const MIN_DONE_SHARE = 0.05;

export interface Throughput {
  /** Wall time since the batch started, in seconds. */
  elapsedS: number;
  /** Video-seconds of work done in this batch (progress made since each video joined it, times its length). */
  doneS: number;
  /** Video-seconds of work left; null while a video's length is unknown (not probed yet). */
  remainingS: number | null;
}

/**
 * Seconds left at the throughput measured so far, or null when there is no basis for one yet
 * (too early, too little done, a length unknown): saying nothing beats a wild guess.
 */
export function estimateSecondsLeft({ elapsedS, doneS, remainingS }: Throughput): number | null {
  if (remainingS === null || !Number.isFinite(remainingS) || remainingS < 0) return null;
  if (!Number.isFinite(elapsedS) || elapsedS < MIN_ELAPSED_S) return null;
  if (!Number.isFinite(doneS) || doneS <= 0) return null;
  if (doneS < MIN_DONE_SHARE * (doneS + remainingS)) return null;
  return remainingS / (doneS / elapsedS);
}

/** A point of the batch's progress: video-seconds of work done by then. */
export interface WorkSample {
  atMs: number;
  doneS: number;
}

/** The throughput that counts is the recent one: the first video's model loads must not slow the estimate for long. */
export const RECENT_WINDOW_MS = 20_000;

/**
 * The work rate to extrapolate from: over the last RECENT_WINDOW_MS when at least MIN_ELAPSED_S of samples
 * cover it with progress, else over the whole batch.
 */
export function recentThroughput(samples: readonly WorkSample[], now: WorkSample, batch: Throughput): Throughput {
  const from = samples.find((sample) => sample.atMs >= now.atMs - RECENT_WINDOW_MS);
  if (!from) return batch;
  const elapsedS = (now.atMs - from.atMs) / 1000;
  const doneS = now.doneS - from.doneS;
  if (elapsedS < MIN_ELAPSED_S || doneS <= 0) return batch;
  // The share-done guard still looks at the whole batch: a recent window only sharpens the rate.
  const rate = doneS / elapsedS;
  return { elapsedS: batch.doneS / rate, doneS: batch.doneS, remainingS: batch.remainingS };
}
