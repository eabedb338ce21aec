// The table `npm run eval` prints. Pure: takes the numbers, returns text.
import { overallVerdict, type KindSummary, type ThresholdOutcome, type ThresholdVerdict } from './metrics.ts';

export interface ReportInput {
  summary: readonly KindSummary[];
  videos: number;
  failedVideos: number;
  indexingMs: number;
  /** How long each search took, from typing (or choosing the photo) to the results on screen, by query id. */
  searches: readonly { id: string; ms: number }[];
  /** Per query that missed: id, kind, and what came first instead. */
  misses: readonly string[];
  thresholds: readonly ThresholdOutcome[];
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

function thresholdLabel(t: ThresholdOutcome): string {
  if (t.metric === 'negativePass') return `negative pass rate >= ${t.min}`;
  const metric = t.metric === 'reciprocalRank' ? 'MRR' : t.metric.replace('recall', 'recall@');
  return `${t.kind} ${metric} (${t.counting === 'confident' ? 'confident hits' : 'all hits'}) >= ${t.min}`;
}

const VERDICT_WORDS: Record<ThresholdVerdict, string> = { passed: 'passed', failed: 'FAILED', 'not measured': 'NOT MEASURED' };

/**
 * One line on the thresholds together. It says "all passed" only when every one was measured and met; thresholds
 * that could not be measured are counted apart, never as passed.
 */
export function thresholdSummary(outcomes: readonly ThresholdOutcome[]): string {
  const count = (verdict: ThresholdVerdict) => outcomes.filter((o) => o.verdict === verdict);
  const overall = overallVerdict(outcomes);
  if (overall === 'passed') return `thresholds: all ${outcomes.length} passed`;
  const parts = (['failed', 'not measured', 'passed'] as const)
    .filter((verdict) => count(verdict).length > 0)
    .map((verdict) => {
      const mine = count(verdict);
      const kinds = verdict === 'passed' ? '' : ` (${[...new Set(mine.map((o) => o.kind))].join(', ')})`;
      return `${mine.length} ${VERDICT_WORDS[verdict]}${kinds}`;
    });
  const verdict = overall === 'failed' ? 'thresholds missed' : 'not every threshold could be checked (not measured is not passed)';
  return `thresholds: ${parts.join(', ')} — ${verdict}`;
}

export function formatReport(input: ReportInput): string {
  const lines: string[] = [];
  const rows = [['kind', 'queries', 'conf R@1', 'conf R@5', 'conf MRR', 'all R@1', 'all R@5', 'all MRR', 'notes']];
  for (const s of input.summary) {
    const dashes = ['-', '-', '-', '-', '-', '-'];
    if (s.notMeasured) rows.push([s.kind, String(s.queries), ...dashes, `NOT MEASURED: ${s.notMeasured}`]);
    else if (s.kind === 'negative') rows.push([s.kind, String(s.queries), ...dashes, `passed ${s.passed}/${s.queries} (no confident hit)`]);
    else {
      const { confident, all } = s.scores ?? {};
      const cells = [confident, all].flatMap((r) => [num(r?.recall1), num(r?.recall5), num(r?.reciprocalRank)]);
      rows.push([s.kind, String(s.queries), ...cells, '']);
    }
  }
  lines.push(table(rows));
  lines.push('conf: counting only confident hits (above the "Weaker matches" divider); all: every hit listed, in its order');
  lines.push(
    `indexing: ${input.videos} videos in ${(input.indexingMs / 1000).toFixed(1)} s` +
      (input.failedVideos > 0 ? ` — ${input.failedVideos} FAILED` : ''),
  );
  if (input.searches.length > 0) {
    const sorted = [...input.searches].sort((a, b) => a.ms - b.ms);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!.ms;
    const slowest = sorted.at(-1)!;
    lines.push(
      `search: ${sorted.length} queries, median ${Math.round(median)} ms, slowest ${Math.round(slowest.ms)} ms (${slowest.id}) (in the page, typing to results)`,
    );
  }
  const notMeasured = input.summary.filter((s) => s.notMeasured);
  if (notMeasured.length > 0) {
    lines.push('');
    for (const s of notMeasured) lines.push(`!!! ${s.kind.toUpperCase()} NOT MEASURED — ${s.notMeasured}`);
  }
  if (input.misses.length > 0) {
    lines.push('', 'misses:');
    for (const m of input.misses) lines.push(`  ${m}`);
  }
  if (input.thresholds.length > 0) {
    lines.push('', 'thresholds:');
    const width = Math.max(...input.thresholds.map((t) => VERDICT_WORDS[t.verdict].length));
    for (const t of input.thresholds) {
      lines.push(`  ${VERDICT_WORDS[t.verdict].padEnd(width)}  ${thresholdLabel(t)}: ${t.value === null ? t.note : t.value.toFixed(3)}`);
    }
    lines.push(thresholdSummary(input.thresholds));
  }
  return lines.join('\n');
}
