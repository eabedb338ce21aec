/**
 * The model rows of `npm run bench`: drives the bench page's model benchmark (page/models.ts) in the
 * headless Chromium run.ts opened, and prints per model its load, its speed and its device — or "not
 * installed" — and the whole pipeline's × real time on the 60 s fixture, against native ffmpeg's scene
 * detection of the same run (the bench's reference).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ModelBenchOutcome, ModelMeasurement, SkipsMeasurement } from './page/models-protocol.ts';

/**
 * Extra keyframes with text and faces, so OCR and faces are timed on frames where they find something; the last is
 * the fixture whose shots repeat, for the rows of the skips (the same keyframes with and without them).
 */
const EXTRA_FIXTURES = ['faces-text.mp4', 'cutaways.mp4'];
const TIMEOUT_MS = 15 * 60_000;

export interface ModelBenchResult extends ModelBenchOutcome {
  /** The pipeline's wall time over native ffmpeg scene detection's (median) on the same file. */
  pipelineVsNative: number;
}

export async function runModelBench(page: Page, url: string, fixture: string, nativeWallS: number): Promise<ModelBenchResult> {
  await page.goto(url);
  await page.waitForFunction(() => window.heimdexBench !== undefined && crossOriginIsolated);
  await page.locator('#file').setInputFiles([fixture, ...EXTRA_FIXTURES.map((name) => join(fixture, '..', name))]);
  page.setDefaultTimeout(TIMEOUT_MS);
  const outcome = await page.evaluate(() => window.heimdexBench!.models());
  return { ...outcome, pipelineVsNative: nativeWallS / outcome.pipeline.wallS };
}

function speedOf(m: ModelMeasurement): string {
  if (m.task === 'speech') return m.xRealTime === undefined ? '—' : `${m.xRealTime.toFixed(2)} × real time`;
  const parts: string[] = [];
  if (m.msPerKeyframe !== undefined) parts.push(`${m.msPerKeyframe.toFixed(0)} ms / keyframe`);
  if (m.msPerQuery !== undefined) parts.push(`${m.msPerQuery.toFixed(0)} ms / query`);
  return parts.join(', ') || '—';
}

export function formatModelReport(result: ModelBenchResult): string {
  const header = ['model', 'task', 'load ms', 'speed', 'device', 'result'];
  const body = result.models.map((m) => {
    const name = `${m.id}${m.default ? ' (default)' : ''}`;
    if (!m.installed) return [name, m.task, '—', 'not installed', '—', m.reason ?? ''];
    if (m.reason) return [name, m.task, '—', 'no number', '—', m.reason];
    return [name, m.task, m.loadMs === null || m.loadMs === undefined ? '—' : m.loadMs.toFixed(0), speedOf(m), m.device ?? '—', m.found ?? ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => Math.min(line[i]!.length, 70))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (c.length > 70 ? `${c.slice(0, 69)}…` : c).padEnd(widths[i]!)).join(' | ')} |`;
  const { pipeline } = result;
  const stages = Object.entries(pipeline.stages).map(([stage, s]) => `${stage} ${s.toFixed(2)} s${pipeline.skipped[stage] ? ' (skipped: model absent or not loaded)' : ''}`);
  return [
    `\nModels, each in a fresh ML worker, on ${result.keyframes} keyframes (the 60 s fixture's and ${EXTRA_FIXTURES.join('\'s, ')}'s) and ${result.audioS.toFixed(0)} s of audio; one run.`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    'speed: ms per keyframe (OCR, faces, visual image tower; after the load), ms per query (visual text tower), × real time (speech). load ms: as the worker timed it (visual: the image tower).',
    `\nWhole pipeline on the ${pipeline.durationS.toFixed(0)} s fixture (${pipeline.scenes} scenes), fresh workers, every installed model, model loads included:` +
      ` ${pipeline.wallS.toFixed(2)} s = ${(pipeline.durationS / pipeline.wallS).toFixed(2)} × real time (${result.pipelineVsNative.toFixed(2)}× native ffmpeg scene detection's speed)`,
    `  ${stages.join(', ')}`,
    ...(result.skips ? [formatSkipsReport(result.skips)] : []),
  ].join('\n');
}

/** The skips rows: the same keyframes and the same fixture with the skips off and on, measured in one run. */
export function formatSkipsReport(skips: SkipsMeasurement): string {
  const rows = skips.tasks.map((t) =>
    t.reason
      ? `| ${t.task} | — | — | — | — | ${t.reason} |`
      : `| ${t.task} | ${t.msPerKeyframeOff.toFixed(0)} | ${t.msPerKeyframeOn.toFixed(0)} | ${(t.msPerKeyframeOff / t.msPerKeyframeOn).toFixed(2)}× | ${t.reused} of ${skips.keyframes} | ${t.differing === 0 ? 'same results' : `${t.differing} keyframes DIFFER`} |`,
  );
  const { pipelineOff: off, pipelineOn: on } = skips;
  const stage = (p: typeof off, name: string) => `${(p.stages[name] ?? 0).toFixed(2)} s`;
  return [
    `\nSkipped work (near-duplicate keyframes reuse the results of the one they repeat) on ${skips.fixture}, ${skips.keyframes} keyframes, off then on in the same run:`,
    '| task | ms / keyframe off | ms / keyframe on | speed-up | keyframes reused | results |',
    '|---|---|---|---|---|---|',
    ...rows,
    `Whole pipeline on ${skips.fixture} (${off.scenes} scenes), models loaded, mean of 2 runs each (off, on, on, off): skips off ${off.wallS.toFixed(2)} s ` +
      `(OCR ${stage(off, 'OCR')}, faces ${stage(off, 'FACE_DETECT')}), on ${on.wallS.toFixed(2)} s (OCR ${stage(on, 'OCR')}, faces ${stage(on, 'FACE_DETECT')}): ` +
      `${(off.wallS / on.wallS).toFixed(2)}× faster`,
  ].join('\n');
}
