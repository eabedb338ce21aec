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

export interface QueryScore {
  id: string;
  kind: QueryKind;
  /** Positive queries only. */
  recall1: number | null;
  recall5: number | null;
  reciprocalRank: number | null;
  firstRelevantRank: number | null;
  /** Negative queries only: no confident hit. */
  passed: boolean | null;
}

export function scoreQuery(
  query: { id: string; kind: QueryKind; expect: readonly TimeRange[] },
  hits: readonly RankedHit[],
): QueryScore {
  if (query.kind === 'negative') {
    return { id: query.id, kind: query.kind, recall1: null, recall5: null, reciprocalRank: null, firstRelevantRank: null, passed: negativePasses(hits) };
  }
  return {
    id: query.id,
    kind: query.kind,
    recall1: recallAtK(hits, query.expect, 1),
    recall5: recallAtK(hits, query.expect, 5),
    reciprocalRank: reciprocalRank(hits, query.expect),
    firstRelevantRank: firstRelevantRank(hits, query.expect),
    passed: null,
  };
}

export interface KindSummary {
  kind: QueryKind;
  /** Queries of this kind in the file. */
  queries: number;
  /** Why the kind was not scored (e.g. "speech model whisper-base not installed"); null when it was. */
  skipped: string | null;
  /** Means over the scored queries; null for negatives and skipped kinds. */
  recall1: number | null;
  recall5: number | null;
  mrr: number | null;
  /** Negatives: how many passed. */
  passed: number | null;
}

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/** One row per kind present in the queries (or skipped), in QUERY_KINDS order. */
export function summarize(
  scores: readonly QueryScore[],
  counts: Partial<Record<QueryKind, number>>,
  skipped: Partial<Record<QueryKind, string>>,
): KindSummary[] {
  return QUERY_KINDS.filter((kind) => (counts[kind] ?? 0) > 0).map((kind) => {
    const mine = scores.filter((s) => s.kind === kind);
    const reason = skipped[kind] ?? null;
    if (reason !== null || mine.length === 0) {
      return { kind, queries: counts[kind] ?? 0, skipped: reason ?? 'no query was run', recall1: null, recall5: null, mrr: null, passed: null };
    }
    if (kind === 'negative') {
      return { kind, queries: mine.length, skipped: null, recall1: null, recall5: null, mrr: null, passed: mine.filter((s) => s.passed).length };
    }
    return {
      kind,
      queries: mine.length,
      skipped: null,
      recall1: mean(mine.map((s) => s.recall1 ?? 0)),
      recall5: mean(mine.map((s) => s.recall5 ?? 0)),
      mrr: mean(mine.map((s) => s.reciprocalRank ?? 0)),
      passed: null,
    };
  });
}

export type ThresholdMetric = 'recall1' | 'recall5' | 'mrr' | 'negativePass';

export interface Threshold {
  metric: ThresholdMetric;
  kind: QueryKind;
  min: number;
}

export interface ThresholdOutcome extends Threshold {
  /** The measured value; null when the kind was skipped or absent. */
  value: number | null;
  /** false only when measured and below the minimum; a skipped kind is not a failure (it is reported). */
  ok: boolean;
  note: string | null;
}

export function checkThresholds(summary: readonly KindSummary[], thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const row = summary.find((s) => s.kind === t.kind);
    if (!row) return { ...t, value: null, ok: true, note: `no ${t.kind} queries: not checked` };
    if (row.skipped) return { ...t, value: null, ok: true, note: `${t.kind} skipped (${row.skipped}): not checked` };
    const value = t.metric === 'negativePass' ? (row.passed ?? 0) / row.queries : row[t.metric];
    if (value === null) return { ...t, value: null, ok: true, note: `${t.metric} does not apply to ${t.kind}: not checked` };
    return { ...t, value, ok: value + 1e-9 >= t.min, note: null };
  });
}
