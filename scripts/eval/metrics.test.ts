// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  checkThresholds,
  firstRelevantRank,
  overallVerdict,
  negativePasses,
  overlaps,
  recallAtK,
  reciprocalRank,
  scoreQuery,
  summarize,
  type Counting,
  type QueryKind,
  type RankedHit,
  type Threshold,
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

describe('confident hits and all hits', () => {
  it('scores a scene found only as a weaker match for all hits and not for confident ones', () => {
    const expected = [range('a.mp4', 6, 7)];
    // The page lists confident hits first, then the weaker ones.
    const score = scoreQuery({ id: 'o', kind: 'ocr', expect: expected }, [hit('a.mp4', 0, 5), hit('a.mp4', 5, 10, false)]);
    expect(score.scores!.all).toEqual({ recall1: 0, recall5: 1, reciprocalRank: 0.5 });
    expect(score.scores!.confident).toEqual({ recall1: 0, recall5: 0, reciprocalRank: 0 });
    expect(score.firstRelevantRank).toBe(2);
  });

  it('counts confident hits by their rank among the confident ones', () => {
    const score = scoreQuery({ id: 'o', kind: 'ocr', expect: [range('a.mp4', 11, 12)] }, [hit('a.mp4', 0, 5), hit('a.mp4', 10, 15)]);
    expect(score.scores!.confident).toEqual({ recall1: 0, recall5: 1, reciprocalRank: 0.5 });
    expect(score.scores!.all).toEqual(score.scores!.confident);
  });
});

describe('summaries and thresholds', () => {
  const scores = [
    scoreQuery({ id: 'o1', kind: 'ocr', expect: [range('a.mp4', 0, 1)] }, [hit('a.mp4', 0, 5)]),
    scoreQuery({ id: 'o2', kind: 'ocr', expect: [range('a.mp4', 6, 7)] }, [hit('a.mp4', 0, 5), hit('a.mp4', 5, 10, false)]),
    scoreQuery({ id: 'o3', kind: 'ocr', expect: [range('a.mp4', 20, 21)] }, [hit('a.mp4', 0, 5)]),
    scoreQuery({ id: 'n1', kind: 'negative', expect: [] }, [hit('a.mp4', 0, 5, false)]),
    scoreQuery({ id: 'n2', kind: 'negative', expect: [] }, [hit('a.mp4', 0, 5, true)]),
  ];
  const summary = summarize(scores, { ocr: 3, negative: 2, speech: 2 }, { speech: 'speech model not installed' });
  const threshold = (metric: Threshold['metric'], kind: QueryKind, min: number, counting: Counting = 'all'): Threshold => ({ metric, kind, min, counting });

  it('averages per kind and counting, counts negatives that passed, and keeps kinds not measured with their reason', () => {
    expect(summary.map((s) => s.kind)).toEqual(['speech', 'ocr', 'negative']);
    const ocr = summary.find((s) => s.kind === 'ocr')!;
    expect(ocr.scores!.all.recall1).toBeCloseTo(1 / 3);
    expect(ocr.scores!.all.recall5).toBeCloseTo(2 / 3);
    expect(ocr.scores!.all.reciprocalRank).toBeCloseTo((1 + 0.5 + 0) / 3);
    expect(ocr.scores!.confident.recall5).toBeCloseTo(1 / 3);
    expect(ocr.scores!.confident.reciprocalRank).toBeCloseTo(1 / 3);
    expect(summary.find((s) => s.kind === 'negative')).toMatchObject({ queries: 2, passed: 1, scores: null, notMeasured: null });
    expect(summary.find((s) => s.kind === 'speech')).toMatchObject({ queries: 2, notMeasured: 'speech model not installed', scores: null });
  });

  it('calls a kind with no query run not measured', () => {
    expect(summarize([], { face: 4 }, {})).toEqual([{ kind: 'face', queries: 4, notMeasured: 'no query was run', scores: null, passed: null }]);
  });

  it('passes only measured values that reach the minimum; a kind not measured or absent is not measured, never passed', () => {
    const outcomes = checkThresholds(summary, [
      threshold('recall5', 'ocr', 0.6),
      threshold('recall5', 'ocr', 0.6, 'confident'),
      threshold('recall1', 'ocr', 0.5),
      threshold('negativePass', 'negative', 1, 'confident'),
      threshold('recall5', 'speech', 0.9),
      threshold('recall5', 'face', 0.9),
      threshold('recall5', 'negative', 0.9),
    ]);
    expect(outcomes.map((o) => o.verdict)).toEqual(['passed', 'failed', 'failed', 'failed', 'not measured', 'not measured', 'not measured']);
    expect(outcomes[1]!.value).toBeCloseTo(1 / 3);
    expect(outcomes[3]!.value).toBe(0.5);
    expect(outcomes[4]).toMatchObject({ value: null, note: 'speech model not installed' });
    expect(outcomes[5]!.note).toContain('no face queries');
    expect(outcomes[6]!.note).toContain('does not apply');
  });

  it('gives one verdict: failed over not measured over passed, and passed only when every threshold was measured and met', () => {
    const [passed, failed, notMeasured] = checkThresholds(summary, [
      threshold('recall5', 'ocr', 0.6),
      threshold('recall1', 'ocr', 0.5),
      threshold('recall5', 'speech', 0.1),
    ]);
    expect(overallVerdict([passed!])).toBe('passed');
    expect(overallVerdict([])).toBe('passed');
    expect(overallVerdict([passed!, notMeasured!])).toBe('not measured');
    expect(overallVerdict([notMeasured!, failed!, passed!])).toBe('failed');
  });
});
