/**
 * `npm run bench -- --only memory-steps [--file PATH]`: where the tab's fixed indexing memory goes. The indexing
 * pipeline's parts run one at a time on the bench page (bench/page/memory-steps.ts) on a 12 s 720p video with faces
 * and text (or PATH), each kept alive after its step as in the app, and the page's renderer RSS is read between steps
 * (and its peak within each). The app's idle page (its database open) is not part of this: its RSS is the long-file
 * rows' "RSS before"; nor are the database's writes while indexing.
 */
import type { Page } from 'playwright-core';
import { rssByPid, samplePeaks } from '../scripts/process-memory.ts';
import { MEMORY_STEPS, type MemoryStep } from './page/protocol.ts';

export interface MemoryStepRow {
  step: MemoryStep | 'page';
  found: string;
  wallS: number;
  /** The page's renderer RSS once the step has finished, its parts still alive. */
  afterBytes: number;
  peakBytes: number;
}

const pageRss = (renderers: () => number[]) => Math.max(0, ...rssByPid(renderers()).values());

/** Runs every step in order on `file` in a fresh document of the bench page at `url`. */
export async function runMemorySteps(page: Page, url: string, file: string, renderers: () => number[]): Promise<MemoryStepRow[]> {
  await page.goto(url);
  await page.waitForFunction(() => window.heimdexBench !== undefined && crossOriginIsolated);
  await page.locator('#file').setInputFiles(file);
  await page.evaluate(() => window.heimdexBench!.prepareMemorySteps());
  // The model files were just fetched and written: a fresh document measures the page without what that left.
  await page.reload();
  await page.waitForFunction(() => window.heimdexBench !== undefined && crossOriginIsolated);
  await page.locator('#file').setInputFiles(file);
  const rows: MemoryStepRow[] = [{ step: 'page', found: '', wallS: 0, afterBytes: pageRss(renderers), peakBytes: pageRss(renderers) }];
  try {
    for (const step of MEMORY_STEPS) {
      const peaks = samplePeaks(renderers);
      const started = Date.now();
      let found: string;
      let peakBytes = 0;
      try {
        found = await page.evaluate((s) => window.heimdexBench!.memoryStep(s), step);
      } finally {
        peakBytes = Math.max(0, ...peaks.stop().values());
      }
      rows.push({ step, found, wallS: (Date.now() - started) / 1000, afterBytes: pageRss(renderers), peakBytes });
    }
  } finally {
    await page.evaluate(() => window.heimdexBench?.disposeMemorySteps()).catch(() => undefined);
  }
  return rows;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

export function formatMemorySteps(rows: MemoryStepRow[], load: string): string {
  return [
    '',
    `Memory steps: what each part of indexing adds to the tab (bench page; renderer RSS from /proc; ${load})`,
    '| step | found | s | RSS after MB | added MB | peak within MB |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row, i) =>
        `| ${row.step} | ${row.found} | ${row.wallS.toFixed(1)} | ${mb(row.afterBytes)} | ${i === 0 ? '–' : mb(row.afterBytes - rows[i - 1]!.afterBytes)} | ${mb(row.peakBytes)} |`,
    ),
  ].join('\n');
}
