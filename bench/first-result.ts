/**
 * Time to first result after opening the app: the real built app (dist/) in headless Chromium, with a
 * library that already holds an indexed video. A fresh tab opens #/search?q=… and the clock stops when the
 * results are shown — the database opening, the workers starting and, when a visual model is installed, its
 * text encoder loading are all inside. The reference, measured in the same run, is the same query typed again
 * in the warm tab.
 */
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, startServer } from '../scripts/app-under-test.ts';

const ROOT = resolve(import.meta.dirname, '..');
const VIDEO = join(ROOT, 'tests/fixtures/generated/faces-text.mp4');
const QUERY = 'quarterly revenue';
const RUNS = 3;

export interface FirstResultBench {
  coldMs: number[];
  warmMs: number[];
  visualModel: string;
}

/** Until the search page shows results for `query`. */
async function searchDone(page: Page, query: string): Promise<void> {
  await page.waitForFunction(
    (q) => {
      const el = document.querySelector('[data-testid="search-status"]');
      return el?.getAttribute('data-state') === 'done' && el.getAttribute('data-query') === q && document.querySelector('[data-testid="search-hit"]') !== null;
    },
    query,
    { timeout: 120_000 },
  );
}

export async function runFirstResultBench(distDir = process.env.HEIMDEX_DIST ?? 'dist'): Promise<FirstResultBench> {
  const server = await startServer(distDir);
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(VIDEO);
    await page.locator('[data-testid="video-card"][data-state="INDEXED"]').waitFor({ timeout: 300_000 });
    await page.goto(`${server.url}/#/settings`);
    await page.getByTestId('model-row').first().waitFor();
    const visual = page.locator('[data-testid="model-row"][data-task="visual"][data-present="true"]');
    const visualModel = (await visual.count()) > 0 ? ((await visual.first().getAttribute('data-model-id')) ?? 'installed') : 'not installed';
    await page.close();

    const coldMs: number[] = [];
    const warmMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A new tab is a fresh app: new workers, the database opened again, models loaded on first use.
      const tab = await context.newPage();
      const started = Date.now();
      await tab.goto(`${server.url}/#/search?q=${encodeURIComponent(QUERY)}`);
      await searchDone(tab, QUERY);
      coldMs.push(Date.now() - started);
      // Warm: the same tab, the box cleared and the query typed again.
      const box = tab.getByTestId('search-input');
      await box.fill('');
      const warmStarted = Date.now();
      await box.fill(QUERY);
      await searchDone(tab, QUERY);
      warmMs.push(Date.now() - warmStarted);
      await tab.close();
    }
    return { coldMs, warmMs, visualModel };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function formatFirstResultReport(result: FirstResultBench): string {
  const cold = median(result.coldMs);
  const warm = median(result.warmMs);
  return [
    '',
    `Time to first result after opening the app (real app, "${QUERY}", 1 indexed video, visual model: ${result.visualModel}; median of ${RUNS})`,
    '| what | ms | vs warm |',
    '|---|---|---|',
    `| fresh tab: open #/search?q=… until results show | ${cold} | ${(cold / warm).toFixed(1)}× |`,
    `| warm tab: query typed again (reference; includes the 200 ms typing pause) | ${warm} | 1.0× |`,
  ].join('\n');
}
