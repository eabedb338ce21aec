import { describe, expect, it } from 'vitest';
import { makeBatchProgress } from './batch-progress.ts';
import { nextBatch, summarizeBatch, type QueueItem } from './queue.ts';

const item = (videoId: string, overallProgress: number, over: Partial<QueueItem> = {}): QueueItem => ({
  videoId,
  state: overallProgress >= 1 ? 'INDEXED' : 'PROCESSING',
  stage: overallProgress >= 1 ? null : 'SCENE_DETECT',
  createdAt: '2026-01-01T00:00:00.000Z',
  running: overallProgress < 1,
  overallProgress,
  durationS: 1000,
  ...over,
});

/** One update a second from `fromS` to `toS`, the video `videoId` at progress(t). */
function feed(progress: ReturnType<typeof makeBatchProgress>, videoId: string, fromS: number, toS: number, at: (s: number) => number, durationS = 1000) {
  const summaries = [];
  for (let s = fromS; s <= toS; s++) summaries.push(progress.update([item(videoId, at(s), { durationS })], s * 1000));
  return summaries;
}

describe('makeBatchProgress', () => {
  it('follows the batch under way and ends with it', () => {
    const progress = makeBatchProgress();
    expect(progress.update([item('a', 0.5)], 0)).toMatchObject({ indexing: true, current: 1, total: 1, importing: 0 });
    expect(progress.update([item('a', 0.6), item('b', 0, { running: false })], 1000)).toMatchObject({ current: 1, total: 2 });
    expect(progress.update([item('a', 1), item('b', 0.5)], 2000)).toMatchObject({ current: 2, total: 2 });
    expect(progress.update([item('a', 1), item('b', 1)], 3000)).toBeNull();
  });

  it('estimates the time left from the recent pace, not from a slow start', () => {
    const progress = makeBatchProgress();
    // 1 video-second per second for a minute (models loading), then 10 per second.
    const at = (s: number) => (s <= 60 ? s : 60 + 10 * (s - 60)) / 1000;
    const last = feed(progress, 'a', 0, 80, at).at(-1);
    expect(last?.secondsLeft).toBeCloseTo(74); // 740 video-seconds left at 10 a second
    const batch = nextBatch(null, [item('a', 0)], 0);
    expect(summarizeBatch(batch, [item('a', at(80))], 80_000)?.secondsLeft).toBeCloseTo(227.7, 0); // the whole batch's pace
  });

  it('starts each batch afresh: the progress of the one before does not count', () => {
    const after = makeBatchProgress();
    expect(feed(after, 'short', 0, 44, (s) => Math.min(1, s / 44), 10).at(-1)).toBeNull(); // done at 44 s
    const pace = (s: number) => (30 * (s - 45)) / 1000;
    const next = feed(after, 'long', 45, 70, pace);
    expect(next).toEqual(feed(makeBatchProgress(), 'long', 45, 70, pace));
    expect(next.at(-1)?.secondsLeft).toBeCloseTo(250 / 30); // 250 video-seconds left at 30 a second
  });
});
