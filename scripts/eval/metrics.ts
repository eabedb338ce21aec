// Scores of the evaluation harness. Pure: no I/O, so every rule here is unit-tested.
//
// A hit is relevant to a query when it is from the expected video and its scene overlaps an expected
// range. Per query, recall@k is the share of its expected ranges that some hit in the top k covers (with
// one expected range, as in most queries, that is 1 or 0); reciprocal rank is 1 / the rank of the first
// relevant hit (0 when none is in the list). A negative query passes when no hit is confident.

export const QUERY_KINDS = ['speech', 'ocr', 'face', 'visual', 'meaning', 'negative'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface TimeRange {
  video: string;
  start_s: number;
  end_s: number;
}

export interface RankedHit extends TimeRange {
  score: number;
  confident: boolean;
  reasons: string[];
}

/**
 * The scene and the expected range share some time. An expected instant (start = end, e.g. one spoken
 * word) counts when it lies inside the scene. Touching ends do not count: a scene that ends where the
 * expected range starts is the scene before it.
 */
export function overlaps(hit: TimeRange, expected: TimeRange): boolean {
  if (hit.video !== expected.video) return false;
  if (expected.start_s === expected.end_s) return hit.start_s <= expected.start_s && expected.start_s <= hit.end_s;
  return Math.min(hit.end_s, expected.end_s) - Math.max(hit.start_s, expected.start_s) > 0;
}

/** 1-based rank of the first hit relevant to any expected range, or null when none is. */
export function firstRelevantRank(hits: readonly TimeRange[], expect: readonly TimeRange[]): number | null {
  const index = hits.findIndex((hit) => expect.some((range) => overlaps(hit, range)));
  return index === -1 ? null : index + 1;
}

export function recallAtK(hits: readonly TimeRange[], expect: readonly TimeRange[], k: number): number {
  if (expect.length === 0) throw new Error('recall needs at least one expected range');
  const top = hits.slice(0, k);
  return expect.filter((range) => top.some((hit) => overlaps(hit, range))).length / expect.length;
}

export function reciprocalRank(hits: readonly TimeRange[], expect: readonly TimeRange[]): number {
  const rank = firstRelevantRank(hits, expect);
  return rank === null ? 0 : 1 / rank;
}

export function negativePasses(hits: readonly Pick<RankedHit, 'confident'>[]): boolean {
  return !hits.some((hit) => hit.confident);
}

/** The ranking scores of one positive query, or their means over a kind. */
export interface RankScores {
  recall1: number;
  recall5: number;
  /** Reciprocal rank of one query; its mean (MRR) over a kind. */
  reciprocalRank: number;
}

/**
 * Which hits a score counts: every hit the page lists, or only its confident ones (those above the "Weaker
 * matches" divider). A scene found only as a weaker match counts for `all` and not for `confident`.
 */
export const COUNTINGS = ['confident', 'all'] as const;
export type Counting = (typeof COUNTINGS)[number];

function rankScores(hits: readonly TimeRange[], expect: readonly TimeRange[]): RankScores {
  return { recall1: recallAtK(hits, expect, 1), recall5: recallAtK(hits, expect, 5), reciprocalRank: reciprocalRank(hits, expect) };
}

export interface QueryScore {
  id: string;
  kind: QueryKind;
  /** Positive queries only: the scores counting each set of hits. */
  scores: Record<Counting, RankScores> | null;
  /** Positive queries only: rank of the first relevant hit among all hits. */
  firstRelevantRank: number | null;
  /** Negative queries only: no confident hit. */
  passed: boolean | null;
}

export function scoreQuery(
  query: { id: string; kind: QueryKind; expect: readonly TimeRange[] },
  hits: readonly RankedHit[],
): QueryScore {
  if (query.kind === 'negative') {
    return { id: query.id, kind: query.kind, scores: null, firstRelevantRank: null, passed: negativePasses(hits) };
  }
  return {
    id: query.id,
    kind: query.kind,
    scores: {
      confident: rankScores(
        hits.filter((hit) => hit.confident),
        query.expect,
      ),
      all: rankScores(hits, query.expect),
    },
    firstRelevantRank: firstRelevantRank(hits, query.expect),
    passed: null,
  };
}

export interface KindSummary {
  kind: QueryKind;
  /** Queries of this kind in the file. */
  queries: number;
  /**
   * Why the kind was not measured (e.g. "speech model whisper-base not installed"); null when it was. A kind not
   * measured has no scores, and no threshold on it can pass.
   */
  notMeasured: string | null;
  /** Means over the kind's queries, per counting; null for negatives and kinds not measured. */
  scores: Record<Counting, RankScores> | null;
  /** Negatives: how many passed. */
  passed: number | null;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function meanScores(scores: readonly RankScores[]): RankScores {
  return {
    recall1: mean(scores.map((s) => s.recall1)),
    recall5: mean(scores.map((s) => s.recall5)),
    reciprocalRank: mean(scores.map((s) => s.reciprocalRank)),
  };
}

/** One row per kind present in the queries, in QUERY_KINDS order; `notMeasured` says why a kind has no scores. */
export function summarize(
  scores: readonly QueryScore[],
  counts: Partial<Record<QueryKind, number>>,
  notMeasured: Partial<Record<QueryKind, string>>,
): KindSummary[] {
  return QUERY_KINDS.filter((kind) => (counts[kind] ?? 0) > 0).map((kind) => {
    const mine = scores.filter((s) => s.kind === kind);
    const reason = notMeasured[kind] ?? (mine.length === 0 ? 'no query was run' : null);
    const row = { kind, queries: counts[kind] ?? 0, notMeasured: reason, scores: null, passed: null };
    if (reason !== null) return row;
    if (kind === 'negative') return { ...row, queries: mine.length, passed: mine.filter((s) => s.passed).length };
    const positive = mine.map((s) => s.scores).filter((s) => s !== null);
    return {
      ...row,
      queries: mine.length,
      scores: { confident: meanScores(positive.map((s) => s.confident)), all: meanScores(positive.map((s) => s.all)) },
    };
  });
}

export type ThresholdMetric = keyof RankScores | 'negativePass';

export interface Threshold {
  metric: ThresholdMetric;
  kind: QueryKind;
  /** Which hits the metric counts (negativePass counts confident hits by definition). */
  counting: Counting;
  min: number;
}

/**
 * A threshold is passed only when its value was measured and reaches the minimum. One that could not be
 * measured (the kind's model is not installed, the queries file has none of the kind) is neither passed nor
 * failed: it is reported as not measured, and the run does not count as having met its thresholds.
 */
export type ThresholdVerdict = 'passed' | 'failed' | 'not measured';

export interface ThresholdOutcome extends Threshold {
  /** The measured value; null when not measured. */
  value: number | null;
  verdict: ThresholdVerdict;
  /** Why it was not measured; null when it was. */
  note: string | null;
}

export function checkThresholds(summary: readonly KindSummary[], thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.map((t): ThresholdOutcome => {
    const notMeasured = (note: string): ThresholdOutcome => ({ ...t, value: null, verdict: 'not measured', note });
    const row = summary.find((s) => s.kind === t.kind);
    if (!row) return notMeasured(`no ${t.kind} queries in the queries file`);
    if (row.notMeasured) return notMeasured(row.notMeasured);
    const value = t.metric === 'negativePass' ? (row.passed === null ? null : row.passed / row.queries) : (row.scores?.[t.counting][t.metric] ?? null);
    if (value === null) return notMeasured(`${t.metric} does not apply to ${t.kind} queries`);
    return { ...t, value, verdict: value + 1e-9 >= t.min ? 'passed' : 'failed', note: null };
  });
}

/**
 * The verdict of a run's thresholds together: failed when any failed; else not measured when any was not
 * measured; passed only when every threshold was measured and met (no thresholds: passed).
 */
export function overallVerdict(outcomes: readonly ThresholdOutcome[]): ThresholdVerdict {
  if (outcomes.some((o) => o.verdict === 'failed')) return 'failed';
  if (outcomes.some((o) => o.verdict === 'not measured')) return 'not measured';
  return 'passed';
}
