import { describe, expect, it } from 'vitest';
import { nextBatch, queuePositions, summarizeBatch, type QueueItem } from './queue.ts';

const item = (videoId: string, over: Partial<QueueItem> = {}): QueueItem => ({
  videoId,
  state: 'PROCESSING',
  stage: 'AUDIO_EXTRACT',
  createdAt: `2026-01-01T00:00:0${videoId.length}.000Z`,
  running: false,
  overallProgress: 0,
  durationS: 10,
  ...over,
});

describe('queuePositions', () => {
  it('numbers the waiting videos oldest first, leaving out the running, importing and finished ones', () => {
    const items = [
      item('e', { createdAt: '2026-01-01T00:00:05.000Z', state: 'UPLOADING', stage: null }),
      item('d', { createdAt: '2026-01-01T00:00:04.000Z' }),
      item('c', { createdAt: '2026-01-01T00:00:03.000Z' }),
      item('b', { createdAt: '2026-01-01T00:00:02.000Z', state: 'FAILED' }),
      item('a', { createdAt: '2026-01-01T00:00:01.000Z', running: true }),
      item('z', { createdAt: '2026-01-01T00:00:00.000Z', state: 'INDEXED', stage: null }),
    ];
    expect(Object.fromEntries(queuePositions(items))).toEqual({ c: 1, d: 2 });
  });

  it('puts a file still to be checked first, as the runner does (a bad file is reported at once)', () => {
    const items = [
      item('new', { createdAt: '2026-01-01T00:00:09.000Z', state: 'VALIDATING', stage: 'UPLOAD_VALIDATE' }),
      item('old', { createdAt: '2026-01-01T00:00:01.000Z', stage: 'SCENE_DETECT' }),
    ];
    expect(Object.fromEntries(queuePositions(items))).toEqual({ new: 1, old: 2 });
  });

  it('breaks ties on the id, like the database', () => {
    const at = '2026-01-01T00:00:01.000Z';
    expect([...queuePositions([item('b', { createdAt: at }), item('a', { createdAt: at })])]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});

describe('batches', () => {
  it('starts when work appears, grows with each new video and ends when nothing is left', () => {
    expect(nextBatch(null, [item('a', { state: 'INDEXED' })], 0)).toBeNull();
    const first = nextBatch(null, [item('a', { overallProgress: 0.5 })], 1000);
    expect(first).toEqual({ startedAtMs: 1000, joined: new Map([['a', 0.5]]) });
    const same = nextBatch(first, [item('a', { overallProgress: 0.7 })], 2000);
    expect(same).toBe(first);
    const grown = nextBatch(first, [item('a', { overallProgress: 0.7 }), item('b')], 3000);
    expect(grown).toEqual({ startedAtMs: 1000, joined: new Map([['a', 0.5], ['b', 0]]) });
    expect(nextBatch(grown, [item('a', { state: 'INDEXED' }), item('b', { state: 'FAILED' })], 4000)).toBeNull();
  });

  it('starts the throughput clock when indexing starts, not while files are copied in', () => {
    const copying = nextBatch(null, [item('a', { state: 'UPLOADING', stage: null, durationS: null })], 1000);
    expect(copying?.startedAtMs).toBeNull();
    expect(summarizeBatch(copying, [item('a', { state: 'UPLOADING', stage: null, durationS: null })], 1000)).toEqual({
      indexing: false,
      importing: 1,
      current: 1,
      total: 1,
      secondsLeft: null,
      doneS: 0,
    });
    const indexing = nextBatch(copying, [item('a', { state: 'VALIDATING', stage: 'UPLOAD_VALIDATE' })], 8000);
    expect(indexing).toEqual({ startedAtMs: 8000, joined: new Map([['a', 0]]) });
  });

  it('says which video of the batch is being worked on, counting failed ones as finished', () => {
    const items = [item('a', { state: 'INDEXED', overallProgress: 1 }), item('b', { state: 'FAILED' }), item('c', { running: true }), item('d')];
    const batch = nextBatch(null, items.map((i) => ({ ...i, state: 'PROCESSING' as const })), 0);
    expect(summarizeBatch(batch, items, 1000)).toMatchObject({ current: 3, total: 4 });
  });

  it('forgets deleted videos', () => {
    const batch = nextBatch(null, [item('a'), item('b')], 0);
    expect(summarizeBatch(batch, [item('b')], 1000)).toMatchObject({ current: 1, total: 1 });
  });

  it('estimates the time left from the work done since each video joined, weighted by length', () => {
    // a (20 s) was half done before the batch began: only what happens after counts as throughput.
    const batch = nextBatch(null, [item('a', { durationS: 20, overallProgress: 0.5 }), item('b', { durationS: 40 })], 0);
    const now = [item('a', { durationS: 20, overallProgress: 1, state: 'INDEXED' }), item('b', { durationS: 40, overallProgress: 0.25, running: true })];
    // Done: 20 × 0.5 + 40 × 0.25 = 20 video-seconds in 10 s (2 per second); left: 40 × 0.75 = 30 → 15 s.
    expect(summarizeBatch(batch, now, 10_000)).toEqual({ indexing: true, importing: 0, current: 2, total: 2, secondsLeft: 15, doneS: 20 });
  });

  it('gives no time while a waiting video has not been measured yet', () => {
    const batch = nextBatch(null, [item('a'), item('b')], 0);
    const now = [item('a', { overallProgress: 0.5, running: true }), item('b', { durationS: null, state: 'VALIDATING', stage: 'UPLOAD_VALIDATE' })];
    expect(summarizeBatch(batch, now, 10_000)).toMatchObject({ indexing: true, importing: 0, current: 1, total: 2, secondsLeft: null });
  });

  it('follows the recent pace: a slow start (models loading) no longer stretches the estimate', () => {
    const batch = nextBatch(null, [item('a', { durationS: 100 })], 0);
    // 30 s in, 30 video-seconds done, but 20 of them in the last 10 s (2 per second): 70 left → 35 s, not 70 s.
    const now = [item('a', { durationS: 100, overallProgress: 0.3, running: true })];
    const samples = [
      { atMs: 5_000, doneS: 2 },
      { atMs: 20_000, doneS: 10 },
    ];
    expect(summarizeBatch(batch, now, 30_000)?.secondsLeft).toBe(70);
    expect(summarizeBatch(batch, now, 30_000, samples)?.secondsLeft).toBe(35);
  });

  it('is null without a batch or once every member is finished', () => {
    expect(summarizeBatch(null, [item('a')], 0)).toBeNull();
    const batch = nextBatch(null, [item('a')], 0);
    expect(summarizeBatch(batch, [item('a', { state: 'INDEXED' })], 1000)).toBeNull();
  });
});
