// The queue's one-line summary ("Indexing 2 of 5 — about 40 s left"), kept across the card updates: the batch
// of work under way (queue.ts) and the samples of its recent progress that the time-left estimate follows (eta.ts).
import { RECENT_WINDOW_MS, type WorkSample } from './eta.ts';
import { nextBatch, summarizeBatch, type Batch, type QueueItem, type QueueSummary } from './queue.ts';

export function makeBatchProgress() {
  let batch: Batch | null = null;
  /** The batch's recent progress, for a time-left estimate that follows the current pace. */
  const workSamples: WorkSample[] = [];

  return {
    /** Where the batch stands after this update of the items; null when nothing is in progress. */
    update(items: readonly QueueItem[], nowMs: number): QueueSummary | null {
      const before = batch;
      batch = nextBatch(batch, items, nowMs);
      if (batch !== before && (batch === null || batch.startedAtMs !== before?.startedAtMs)) workSamples.length = 0; // a new batch or clock
      const summary = summarizeBatch(batch, items, nowMs, workSamples);
      if (summary) {
        workSamples.push({ atMs: nowMs, doneS: summary.doneS });
        while (workSamples.length > 0 && workSamples[0]!.atMs < nowMs - 2 * RECENT_WINDOW_MS) workSamples.shift();
      }
      return summary;
    },
  };
}
