// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  checkThresholds,
  firstRelevantRank,
  negativePasses,
  overlaps,
  recallAtK,
  reciprocalRank,
  scoreQuery,
  summarize,
  type RankedHit,
} from './metrics.ts';

const hit = (video: string, start_s: number, end_s: number, confident = true): RankedHit => ({
  video,
  start_s,
  end_s,
  score: 1,
  confident,
  reasons: ['text'],
});
const range = (video: string, start_s: number, end_s: number) => ({ video, start_s, end_s });

describe('overlaps', () => {
  it('needs the same video and shared time', () => {
    expect(overlaps(hit('a.mp4', 0, 5), range('a.mp4', 4, 6))).toBe(true);
    expect(overlaps(hit('a.mp4', 0, 5), range('b.mp4', 4, 6))).toBe(false);
    expect(overlaps(hit('a.mp4', 5, 10), range('a.mp4', 0.5, 4.5))).toBe(false);
  });

  it('does not count scenes that only touch the range', () => {
    expect(overlaps(hit('a.mp4', 0, 5), range('a.mp4', 5, 10))).toBe(false);
    expect(overlaps(hit('a.mp4', 10, 15), range('a.mp4', 5, 10))).toBe(false);
  });

  it('counts an expected instant inside the scene, ends included', () => {
    expect(overlaps(hit('a.mp4', 2, 4), range('a.mp4', 3, 3))).toBe(true);
    expect(overlaps(hit('a.mp4', 2, 4), range('a.mp4', 4, 4))).toBe(true);
    expect(overlaps(hit('a.mp4', 2, 4), range('a.mp4', 4.1, 4.1))).toBe(false);
  });
});

describe('ranks and recall', () => {
  const hits = [hit('a.mp4', 0, 5), hit('b.mp4', 0, 4), hit('a.mp4', 10, 15), hit('c.mp4', 0, 3), hit('c.mp4', 3, 6), hit('b.mp4', 8, 12)];

  it('finds the rank of the first relevant hit', () => {
    expect(firstRelevantRank(hits, [range('a.mp4', 11, 12)])).toBe(3);
    expect(firstRelevantRank(hits, [range('a.mp4', 11, 12), range('b.mp4', 1, 2)])).toBe(2);
    expect(firstRelevantRank(hits, [range('z.mp4', 0, 1)])).toBeNull();
    expect(firstRelevantRank([], [range('a.mp4', 0, 1)])).toBeNull();
  });

  it('recall@k is the share of expected ranges covered by the top k', () => {
    const expect2 = [range('a.mp4', 11, 12), range('b.mp4', 9, 10)];
    expect(recallAtK(hits, expect2, 1)).toBe(0);
    expect(recallAtK(hits, expect2, 5)).toBe(0.5);
    expect(recallAtK(hits, expect2, 6)).toBe(1);
    expect(() => recallAtK(hits, [], 5)).toThrow('at least one expected range');
  });

  it('reciprocal rank is 1/rank, 0 when missing', () => {
    expect(reciprocalRank(hits, [range('a.mp4', 1, 2)])).toBe(1);
    expect(reciprocalRank(hits, [range('c.mp4', 0.5, 1)])).toBe(0.25);
    expect(reciprocalRank(hits, [range('z.mp4', 0, 1)])).toBe(0);
  });
});

describe('negatives', () => {
  it('pass when nothing is confident, whatever else is listed', () => {
    expect(negativePasses([])).toBe(true);
    expect(negativePasses([hit('a.mp4', 0, 1, false), hit('a.mp4', 1, 2, false)])).toBe(true);
    expect(negativePasses([hit('a.mp4', 0, 1, false), hit('a.mp4', 1, 2, true)])).toBe(false);
  });
});

describe('summaries and thresholds', () => {
  const scores = [
    scoreQuery({ id: 'o1', kind: 'ocr', expect: [range('a.mp4', 0, 1)] }, [hit('a.mp4', 0, 5)]),
    scoreQuery({ id: 'o2', kind: 'ocr', expect: [range('a.mp4', 6, 7)] }, [hit('a.mp4', 0, 5), hit('a.mp4', 5, 10)]),
    scoreQuery({ id: 'o3', kind: 'ocr', expect: [range('a.mp4', 20, 21)] }, [hit('a.mp4', 0, 5)]),
    scoreQuery({ id: 'n1', kind: 'negative', expect: [] }, [hit('a.mp4', 0, 5, false)]),
    scoreQuery({ id: 'n2', kind: 'negative', expect: [] }, [hit('a.mp4', 0, 5, true)]),
  ];
  const summary = summarize(scores, { ocr: 3, negative: 2, speech: 2 }, { speech: 'speech model not installed' });

  it('averages per kind, counts negatives that passed, and keeps skipped kinds with their reason', () => {
    expect(summary.map((s) => s.kind)).toEqual(['speech', 'ocr', 'negative']);
    const ocr = summary.find((s) => s.kind === 'ocr')!;
    expect(ocr.recall1).toBeCloseTo(1 / 3);
    expect(ocr.recall5).toBeCloseTo(2 / 3);
    expect(ocr.mrr).toBeCloseTo((1 + 0.5 + 0) / 3);
    expect(summary.find((s) => s.kind === 'negative')).toMatchObject({ queries: 2, passed: 1, recall5: null });
    expect(summary.find((s) => s.kind === 'speech')).toMatchObject({ queries: 2, skipped: 'speech model not installed', recall5: null });
  });

  it('fails only measured values under the minimum; skipped or absent kinds are noted, not failed', () => {
    const outcomes = checkThresholds(summary, [
      { metric: 'recall5', kind: 'ocr', min: 0.6 },
      { metric: 'recall1', kind: 'ocr', min: 0.5 },
      { metric: 'negativePass', kind: 'negative', min: 1 },
      { metric: 'recall5', kind: 'speech', min: 0.9 },
      { metric: 'recall5', kind: 'face', min: 0.9 },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true, true]);
    expect(outcomes[2]!.value).toBe(0.5);
    expect(outcomes[3]!.note).toContain('skipped');
    expect(outcomes[4]!.note).toContain('no face queries');
  });
});
