/**
 * The model rows of `npm run bench`: drives the bench page's model benchmark (page/models.ts) in the
 * headless Chromium run.ts opened, and prints per model its load, its speed and its device — or "not
 * installed" — and the whole pipeline's × real time on the 60 s fixture, against native ffmpeg's scene
 * detection of the same run (the bench's reference).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ModelBenchOutcome, ModelMeasurement } from './page/models-protocol.ts';

/** Extra keyframes with text and faces, so OCR and faces are timed on frames where they find something. */
const EXTRA_FIXTURE = 'faces-text.mp4';
const TIMEOUT_MS = 15 * 60_000;

export interface ModelBenchResult extends ModelBenchOutcome {
  /** The pipeline's wall time over native ffmpeg scene detection's (median) on the same file. */
  pipelineVsNative: number;
}

export async function runModelBench(page: Page, url: string, fixture: string, nativeWallS: number): Promise<ModelBenchResult> {
  await page.goto(url);
  await page.waitForFunction(() => window.heimdexBench !== undefined && crossOriginIsolated);
  await page.locator('#file').setInputFiles([fixture, join(fixture, '..', EXTRA_FIXTURE)]);
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
    `\nModels, each in a fresh ML worker, on ${result.keyframes} keyframes (the 60 s fixture's and ${EXTRA_FIXTURE}'s) and ${result.audioS.toFixed(0)} s of audio; one run.`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    'speed: ms per keyframe (OCR, faces, visual image tower; after the load), ms per query (visual text tower), × real time (speech). load ms: as the worker timed it (visual: the image tower).',
    `\nWhole pipeline on the ${pipeline.durationS.toFixed(0)} s fixture (${pipeline.scenes} scenes), fresh workers, every installed model, model loads included:` +
      ` ${pipeline.wallS.toFixed(2)} s = ${(pipeline.durationS / pipeline.wallS).toFixed(2)} × real time (${result.pipelineVsNative.toFixed(2)}× native ffmpeg scene detection's speed)`,
    `  ${stages.join(', ')}`,
  ].join('\n');
}
