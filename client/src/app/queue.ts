// The pipeline's queue as people see it: which waiting video runs next, and how far the current
// batch of work has got. Pure: unit-tested in Node; cards.ts and batch-progress.ts feed it the cards.
import type { VideoState } from '@heimdex/shared-schema';
import type { VideoCard } from './cards.ts';
import { estimateSecondsLeft, MIN_ELAPSED_S, recentThroughput, type WorkSample } from './eta.ts';

/** What the queue needs of a video card. */
export type QueueItem = Pick<VideoCard, 'videoId' | 'state' | 'stage' | 'createdAt' | 'running' | 'overallProgress' | 'durationS'>;

/** States in which the video still has work ahead (importing, waiting or running). */
export function isInProgress(state: VideoState): boolean {
  return state === 'UPLOADING' || state === 'VALIDATING' || state === 'PROCESSING';
}

/**
 * 1-based places of the waiting videos, in the order the runner takes them (DbApi.nextWork): a video
 * whose file is still to be checked first, then the oldest. Running and importing videos have none.
 */
export function queuePositions(items: readonly QueueItem[]): Map<string, number> {
  const waiting = items
    .filter((item) => (item.state === 'VALIDATING' || item.state === 'PROCESSING') && !item.running)
    .sort(
      (a, b) =>
        Number(b.stage === 'UPLOAD_VALIDATE') - Number(a.stage === 'UPLOAD_VALIDATE') ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.videoId.localeCompare(b.videoId),
    );
  return new Map(waiting.map((item, i) => [item.videoId, i + 1]));
}

/** A run of work: from the moment something is in progress until nothing is. */
export interface Batch {
  /**
   * When the pipeline started on the batch: the clock of its throughput. Null while its videos are
   * only being copied in (copying is not indexing work, and would make the estimate too slow).
   */
  startedAtMs: number | null;
  /** Every video that was in progress during the batch, with its overall progress when it joined. */
  joined: ReadonlyMap<string, number>;
}

/** The batch after this update: started when work appears, grown by each new video, ended (null) when all is done. */
export function nextBatch(batch: Batch | null, items: readonly QueueItem[], nowMs: number): Batch | null {
  const active = items.filter((item) => isInProgress(item.state));
  if (active.length === 0) return null;
  const joined = new Map(batch?.joined ?? []);
  let grew = false;
  for (const item of active) {
    if (joined.has(item.videoId)) continue;
    joined.set(item.videoId, item.overallProgress);
    grew = true;
  }
  const startedAtMs = batch?.startedAtMs ?? (active.some(isIndexing) ? nowMs : null);
  if (batch && !grew && startedAtMs === batch.startedAtMs) return batch;
  return { startedAtMs, joined };
}

function isIndexing(item: QueueItem): boolean {
  return item.state === 'VALIDATING' || item.state === 'PROCESSING';
}

export interface QueueSummary {
  /** False while the batch's videos are only being copied into the library. */
  indexing: boolean;
  /** Videos of the batch being copied into the library. */
  importing: number;
  /** The place of the video being worked on in the batch: "Indexing 2 of 5". */
  current: number;
  total: number;
  /** Estimated from this batch's measured throughput (its recent part, see eta.ts); null while there is no basis. */
  secondsLeft: number | null;
  /** Video-seconds of work done in the batch so far: the caller keeps these as samples of the recent throughput. */
  doneS: number;
}

/** Where the batch stands; null when there is none. Videos deleted meanwhile no longer count. */
export function summarizeBatch(
  batch: Batch | null,
  items: readonly QueueItem[],
  nowMs: number,
  recent: readonly WorkSample[] = [],
): QueueSummary | null {
  if (!batch) return null;
  const members = items.filter((item) => batch.joined.has(item.videoId));
  const active = members.filter((item) => isInProgress(item.state));
  if (active.length === 0) return null;
  const finished = members.length - active.length;

  let doneS = 0;
  let remainingS: number | null = 0;
  for (const item of members) {
    const length = item.durationS !== null && item.durationS > 0 ? item.durationS : null;
    const progress = clamp01(item.overallProgress);
    if (length !== null) doneS += length * Math.max(0, progress - clamp01(batch.joined.get(item.videoId) ?? 0));
    if (!isInProgress(item.state)) continue;
    remainingS = length === null || remainingS === null ? null : remainingS + length * (1 - progress);
  }
  const whole = batch.startedAtMs === null ? null : { elapsedS: (nowMs - batch.startedAtMs) / 1000, doneS, remainingS };
  const secondsLeft =
    whole === null ? null : estimateSecondsLeft(whole.elapsedS < MIN_ELAPSED_S ? whole : recentThroughput(recent, { atMs: nowMs, doneS }, whole));
  return {
    indexing: active.some(isIndexing),
    importing: active.filter((item) => item.state === 'UPLOADING').length,
    current: finished + 1,
    total: members.length,
    secondsLeft,
    doneS,
  };
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
