// The table `npm run eval` prints. Pure: takes the numbers, returns text.
import type { KindSummary, ThresholdOutcome } from './metrics.ts';

export interface ReportInput {
  summary: readonly KindSummary[];
  videos: number;
  failedVideos: number;
  indexingMs: number;
  /** How long each search took, from typing (or choosing the photo) to the results on screen. */
  searchMs: readonly number[];
  /** Per query that missed: id, kind, and what came first instead. */
  misses: readonly string[];
  thresholds: readonly ThresholdOutcome[];
}

const num = (v: number | null) => (v === null ? '-' : v.toFixed(3));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

export function formatReport(input: ReportInput): string {
  const lines: string[] = [];
  const rows = [['kind', 'queries', 'recall@1', 'recall@5', 'MRR', 'notes']];
  for (const s of input.summary) {
    if (s.skipped) rows.push([s.kind, String(s.queries), '-', '-', '-', `SKIPPED: ${s.skipped}`]);
    else if (s.kind === 'negative') rows.push([s.kind, String(s.queries), '-', '-', '-', `passed ${s.passed}/${s.queries} (no confident hit)`]);
    else rows.push([s.kind, String(s.queries), num(s.recall1), num(s.recall5), num(s.mrr), '']);
  }
  lines.push(table(rows));
  lines.push(
    `indexing: ${input.videos} videos in ${(input.indexingMs / 1000).toFixed(1)} s` +
      (input.failedVideos > 0 ? ` — ${input.failedVideos} FAILED` : ''),
  );
  if (input.searchMs.length > 0) {
    const sorted = [...input.searchMs].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    lines.push(`search: ${sorted.length} queries, median ${Math.round(median)} ms, slowest ${Math.round(sorted.at(-1)!)} ms (in the page, typing to results)`);
  }
  const skipped = input.summary.filter((s) => s.skipped);
  if (skipped.length > 0) {
    lines.push('');
    for (const s of skipped) lines.push(`!!! ${s.kind.toUpperCase()} NOT SCORED — skipped: ${s.skipped}`);
  }
  if (input.misses.length > 0) {
    lines.push('', 'misses:');
    for (const m of input.misses) lines.push(`  ${m}`);
  }
  if (input.thresholds.length > 0) {
    lines.push('', 'thresholds:');
    for (const t of input.thresholds) {
      const label = `${t.metric === 'negativePass' ? 'negative pass rate' : `${t.kind} ${t.metric.replace('recall', 'recall@')}`} >= ${t.min}`;
      lines.push(`  ${t.ok ? (t.value === null ? 'n/a ' : 'ok  ') : 'FAIL'} ${label}: ${t.value === null ? t.note : t.value.toFixed(3)}`);
    }
  }
  return lines.join('\n');
}
