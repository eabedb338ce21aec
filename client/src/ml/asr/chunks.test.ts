// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { chunkPlan, mergeChunkTranscripts, overlapLength, pcmLength, windowSamples, type ChunkTranscript } from './chunks.ts';

describe('chunkPlan', () => {
  it('gives no window for no audio and one window for audio up to a chunk long', () => {
    expect(chunkPlan(0)).toEqual([]);
    expect(chunkPlan(12.5)).toEqual([{ idx: 0, startS: 0, endS: 12.5, keepStartS: 0, keepEndS: 12.5 }]);
    expect(chunkPlan(30)).toEqual([{ idx: 0, startS: 0, endS: 30, keepStartS: 0, keepEndS: 30 }]);
  });

  it('overlaps 30 s windows by 2 × 5 s and keeps ranges that tile the audio', () => {
    const plan = chunkPlan(70, 30, 5);
    expect(plan).toEqual([
      { idx: 0, startS: 0, endS: 30, keepStartS: 0, keepEndS: 25 },
      { idx: 1, startS: 20, endS: 50, keepStartS: 25, keepEndS: 45 },
      { idx: 2, startS: 40, endS: 70, keepStartS: 45, keepEndS: 70 },
    ]);
  });

  it('moves the last window back so it is full length, keeping from where the previous one stopped', () => {
    const plan = chunkPlan(52, 30, 5);
    expect(plan.at(-1)).toEqual({ idx: 2, startS: 22, endS: 52, keepStartS: 45, keepEndS: 52 });
  });

  it('tiles any duration exactly, every window at most a chunk long', () => {
    for (const duration of [30.01, 31, 49.99, 50, 61, 3600.5]) {
      const plan = chunkPlan(duration, 30, 5);
      expect(plan[0]?.keepStartS).toBe(0);
      expect(plan.at(-1)?.keepEndS).toBe(duration);
      expect(plan.at(-1)?.endS).toBe(duration);
      plan.forEach((w, i) => {
        expect(w.endS - w.startS).toBeLessThanOrEqual(30);
        expect(w.keepStartS).toBeGreaterThanOrEqual(w.startS);
        expect(w.keepEndS).toBeLessThanOrEqual(w.endS);
        if (i > 0) expect(w.keepStartS).toBe(plan[i - 1]?.keepEndS);
      });
    }
  });

  it('works without overlap', () => {
    expect(chunkPlan(45, 20, 0).map((w) => [w.startS, w.endS, w.keepStartS, w.keepEndS])).toEqual([
      [0, 20, 0, 20],
      [20, 40, 20, 40],
      [25, 45, 40, 45],
    ]);
  });

  it('rejects settings that cannot advance', () => {
    expect(() => chunkPlan(100, 30, 15)).toThrow(/less than half/);
    expect(() => chunkPlan(-1)).toThrow(/duration/);
    expect(() => chunkPlan(Number.NaN)).toThrow(/duration/);
    expect(() => chunkPlan(10, 0, 0)).toThrow(/Chunk length/);
  });
});

describe('windowSamples', () => {
  it('views the samples of a window, clamped to the audio', async () => {
    const pcm = Float32Array.from({ length: 100 }, (_, i) => i);
    const part = await windowSamples(pcm, { startS: 0.25, endS: 0.5 }, 100);
    expect(Array.from(part)).toEqual(Array.from({ length: 25 }, (_, i) => 25 + i));
    expect((await windowSamples(pcm, { startS: 0.9, endS: 1.5 }, 100)).length).toBe(10);
  });

  it('reads the same samples of a window from a file of float32 samples, that part alone', async () => {
    const pcm = Float32Array.from({ length: 100 }, (_, i) => i / 100);
    const file = new Blob([pcm]);
    expect(pcmLength(file)).toBe(100);
    expect(await windowSamples(file, { startS: 0.25, endS: 0.5 }, 100)).toEqual(await windowSamples(pcm, { startS: 0.25, endS: 0.5 }, 100));
    expect((await windowSamples(file, { startS: 0.9, endS: 1.5 }, 100)).length).toBe(10);
    expect((await windowSamples(file, { startS: 2, endS: 3 }, 100)).length).toBe(0);
  });
});

describe('overlapLength', () => {
  const w = (s: string) => s.split(' ');
  it('finds the words the head repeats from the end of the tail, ignoring case and punctuation', () => {
    expect(overlapLength(w('so we went to the market'), w('To the market, and then home'))).toBe(3);
  });
  it('finds a repeat of a run inside the tail', () => {
    expect(overlapLength(w('one two three four five'), w('two three and more'))).toBe(2);
  });
  it('tolerates one misheard word in a long overlap and prefers a run at the end', () => {
    expect(overlapLength(w('I think we should go there'), w('we should go now to the store'))).toBe(4);
  });
  it('accepts a single repeated word, but not a weak alignment', () => {
    expect(overlapLength(w('and then'), w('then we left'))).toBe(1);
    expect(overlapLength(w('a b c d e'), w('x b y z w'))).toBe(0);
    expect(overlapLength([], w('anything'))).toBe(0);
  });
});

describe('mergeChunkTranscripts', () => {
  const plan = chunkPlan(70, 30, 5);
  const chunk = (idx: number, segments: [number, number, string][]): ChunkTranscript => ({
    window: plan[idx]!,
    segments: segments.map(([startS, endS, text]) => ({ startS, endS, text })),
  });

  it('keeps each window to its own range when segment boundaries agree', () => {
    const merged = mergeChunkTranscripts([
      chunk(0, [[0, 10, 'first part'], [10, 22, 'second part'], [22.5, 29, 'third part']]),
      chunk(1, [[20.2, 22.3, 'art'], [22.4, 29.1, 'third part'], [29.1, 40, 'fourth part'], [41, 48, 'fifth part']]),
      chunk(2, [[41.1, 48, 'fifth part'], [48, 60, 'sixth part'], [61, 70, 'seventh part']]),
    ]);
    expect(merged.map((s) => s.text)).toEqual([
      'first part', 'second part', 'third part', 'fourth part', 'fifth part', 'sixth part', 'seventh part',
    ]);
    expect(merged.map((s) => s.startS)).toEqual([0, 10, 22.5, 29.1, 41, 48, 61]);
  });

  it('loses nothing when the two windows place one segment on either side of the boundary', () => {
    // Window 0 thinks the sentence starts at 25.3 (after its keep range), window 1 at 24.8 (before its own).
    const merged = mergeChunkTranscripts([
      chunk(0, [[12, 24, 'the opening sentence'], [25.3, 29.99, 'this sentence crosses']]),
      chunk(1, [[20.4, 24.1, 'sentence'], [24.8, 28.5, 'this sentence crosses the line'], [29, 35, 'and goes on']]),
    ]);
    expect(merged.map((s) => s.text).join(' ')).toBe('the opening sentence this sentence crosses the line and goes on');
  });

  it('removes words both windows transcribed where their segmentations differ', () => {
    const merged = mergeChunkTranscripts([
      chunk(0, [[18, 25.4, 'we walked down to the river and']]),
      chunk(1, [[20.1, 23, 'down to the river'], [23, 27, 'and sat on the bank'], [27, 30, 'until dark']]),
    ]);
    expect(merged.map((s) => s.text)).toEqual(['we walked down to the river and', 'sat on the bank', 'until dark']);
    // The trimmed segment starts no earlier than the kept text ended.
    expect(merged[1]?.startS).toBe(25.4);
  });

  it('leaves a segment cut off by a window end to the next window when that one heard all of it', () => {
    const merged = mergeChunkTranscripts([
      chunk(0, [[10, 24, 'before the cut'], [24.5, 30, 'this is trun']]),
      chunk(1, [[24.6, 28, 'this is truncated'], [28, 33, 'no longer']]),
    ]);
    expect(merged.map((s) => s.text)).toEqual(['before the cut', 'this is truncated', 'no longer']);
  });

  it('keeps a cut segment the next window heard only in part, and removes the repeat', () => {
    const merged = mergeChunkTranscripts([
      chunk(0, [[15, 30, 'a long sentence that runs past the']]),
      chunk(1, [[20, 27, 'runs past the edge'], [27, 33, 'of the window']]),
    ]);
    expect(merged.map((s) => s.text)).toEqual(['a long sentence that runs past the', 'edge', 'of the window']);
    // "edge" is placed by its share of the segment's characters, not at the cut window's end.
    expect(merged[1]?.startS).toBeCloseTo(20 + (7 * 14) / 19, 5);
  });

  it('skips empty windows and orders windows by time', () => {
    const merged = mergeChunkTranscripts([chunk(2, [[50, 55, 'late']]), chunk(0, [[1, 2, 'early']]), chunk(1, [])]);
    expect(merged.map((s) => s.text)).toEqual(['early', 'late']);
  });
});
