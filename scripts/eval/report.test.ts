// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ThresholdOutcome } from './metrics.ts';
import { formatReport, thresholdSummary } from './report.ts';

const outcome = (over: Partial<ThresholdOutcome>): ThresholdOutcome => ({
  metric: 'recall5',
  kind: 'ocr',
  counting: 'all',
  min: 0.9,
  value: 1,
  verdict: 'passed',
  note: null,
  ...over,
});
const notMeasured = outcome({ kind: 'speech', min: 0.66, value: null, verdict: 'not measured', note: 'speech model not installed (whisper-base)' });

describe('eval report', () => {
  it('prints a row per kind with confident and all-hit scores, the indexing time, and kinds not measured loudly', () => {
    const text = formatReport({
      summary: [
        { kind: 'speech', queries: 3, notMeasured: 'speech model not installed (whisper-base)', scores: null, passed: null },
        {
          kind: 'ocr',
          queries: 10,
          notMeasured: null,
          scores: { confident: { recall1: 0.7, recall5: 0.9, reciprocalRank: 0.8 }, all: { recall1: 0.8, recall5: 1, reciprocalRank: 0.875 } },
          passed: null,
        },
        { kind: 'negative', queries: 4, notMeasured: null, scores: null, passed: 3 },
      ],
      videos: 4,
      failedVideos: 1,
      indexingMs: 41_900,
      searches: [
        { id: 'ocr-agenda', ms: 120 },
        { id: 'ocr-kickoff', ms: 80 },
        { id: 'face-ada', ms: 300 },
      ],
      misses: ['ocr-agenda (ocr) "agenda 2026": expected …'],
      thresholds: [outcome({}), outcome({ metric: 'reciprocalRank', counting: 'confident', min: 0.9, value: 0.8, verdict: 'failed' }), notMeasured],
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^kind\s+queries\s+conf R@1\s+conf R@5\s+conf MRR\s+all R@1\s+all R@5\s+all MRR\s+notes$/);
    expect(lines[1]).toMatch(/^speech\s+3(\s+-){6}\s+NOT MEASURED: speech model not installed/);
    expect(lines[2]).toMatch(/^ocr\s+10\s+0\.700\s+0\.900\s+0\.800\s+0\.800\s+1\.000\s+0\.875$/);
    expect(lines[3]).toMatch(/^negative\s+4 .*passed 3\/4/);
    expect(lines[4]).toContain('conf: counting only confident hits');
    expect(text).toContain('indexing: 4 videos in 41.9 s — 1 FAILED');
    expect(text).toContain('median 120 ms, slowest 300 ms (face-ada)');
    expect(text).toContain('!!! SPEECH NOT MEASURED — speech model not installed (whisper-base)');
    expect(text).toMatch(/passed\s+ocr recall@5 \(all hits\) >= 0\.9: 1\.000/);
    expect(text).toMatch(/FAILED\s+ocr MRR \(confident hits\) >= 0\.9: 0\.800/);
    expect(text).toMatch(/NOT MEASURED\s+speech recall@5 \(all hits\) >= 0\.66: speech model not installed/);
    expect(lines.at(-1)).toBe('thresholds: 1 FAILED (ocr), 1 NOT MEASURED (speech), 1 passed — thresholds missed');
  });

  it('never says all thresholds passed when some were not measured', () => {
    expect(thresholdSummary([outcome({}), outcome({ kind: 'face' })])).toBe('thresholds: all 2 passed');
    const said = thresholdSummary([outcome({}), notMeasured]);
    expect(said).toBe('thresholds: 1 NOT MEASURED (speech), 1 passed — not every threshold could be checked (not measured is not passed)');
    expect(said).not.toContain('all');
  });
});
