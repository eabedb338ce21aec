// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatReport } from './report.ts';

describe('eval report', () => {
  it('prints a row per kind, the indexing time, and skipped kinds loudly', () => {
    const text = formatReport({
      summary: [
        { kind: 'speech', queries: 3, skipped: 'speech model not installed (whisper-base)', recall1: null, recall5: null, mrr: null, passed: null },
        { kind: 'ocr', queries: 10, skipped: null, recall1: 0.8, recall5: 1, mrr: 0.875, passed: null },
        { kind: 'negative', queries: 4, skipped: null, recall1: null, recall5: null, mrr: null, passed: 3 },
      ],
      videos: 4,
      failedVideos: 1,
      indexingMs: 41_900,
      searchMs: [120, 80, 300],
      misses: ['ocr-agenda (ocr) "agenda 2026": expected …'],
      thresholds: [{ metric: 'recall5', kind: 'ocr', min: 0.9, value: 1, ok: true, note: null }],
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^kind\s+queries\s+recall@1\s+recall@5\s+MRR\s+notes$/);
    expect(lines[1]).toMatch(/^speech\s+3\s+-\s+-\s+-\s+SKIPPED: speech model not installed/);
    expect(lines[2]).toMatch(/^ocr\s+10\s+0\.800\s+1\.000\s+0\.875$/);
    expect(lines[3]).toMatch(/^negative\s+4 .*passed 3\/4/);
    expect(text).toContain('indexing: 4 videos in 41.9 s — 1 FAILED');
    expect(text).toContain('median 120 ms, slowest 300 ms');
    expect(text).toContain('!!! SPEECH NOT SCORED — skipped: speech model not installed (whisper-base)');
    expect(text).toContain('ok   ocr recall@5 >= 0.9: 1.000');
  });
});
