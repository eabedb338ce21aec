/**
 * Time to library: the real built app (dist/) in headless Chromium, from navigation until the Library page
 * shows the (empty) library. "Fresh" is a new browser profile (no database yet: before the prebuilt database
 * image this ran initdb); "warm" is a reload of that tab (the database exists, it is only opened). Each run
 * uses its own profile; the clock does not include starting Chromium.
 */
import type { Page } from 'playwright-core';
import { openBrowser, startServer } from '../scripts/app-under-test.ts';
import { median } from './report.ts';

const RUNS = 3;

export interface LibraryStartBench {
  freshMs: number[];
  /** Fresh profile: until the database is open (the empty library shows before, imports wait for this). */
  freshReadyMs: number[];
  warmMs: number[];
  /** How the database worker says it opened on the fresh runs (e.g. "image", "initdb"), when it says so. */
  freshSources: string[];
}

async function libraryShown(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 120_000 });
}

async function databaseOpen(page: Page): Promise<void> {
  await page.locator('section.library[data-ready="true"]').waitFor({ timeout: 120_000 });
}

export async function runLibraryStartBench(distDir = process.env.HEIMDEX_DIST ?? 'dist'): Promise<LibraryStartBench> {
  const server = await startServer(distDir);
  const result: LibraryStartBench = { freshMs: [], freshReadyMs: [], warmMs: [], freshSources: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      const browser = await openBrowser();
      try {
        const { page, logs } = browser;
        let started = Date.now();
        await page.goto(`${server.url}/#/`);
        await libraryShown(page);
        result.freshMs.push(Date.now() - started);
        await databaseOpen(page);
        result.freshReadyMs.push(Date.now() - started);
        const source = logs.map((line) => /database opened from (\w+)/.exec(line)?.[1]).find(Boolean);
        result.freshSources.push(source ?? 'not reported');

        started = Date.now();
        await page.reload();
        await libraryShown(page);
        await databaseOpen(page);
        result.warmMs.push(Date.now() - started);
      } finally {
        await browser.close();
      }
    }
    return result;
  } finally {
    await server.stop();
  }
}

export function formatLibraryStartReport(result: LibraryStartBench): string {
  const fresh = median(result.freshMs);
  const warm = median(result.warmMs);
  return [
    '',
    `Time to library (real app, empty library, navigation until the Library page shows it; median of ${RUNS}; fresh runs opened from: ${result.freshSources.join(', ')})`,
    '| what | ms | vs warm (reference: a reload, the database is opened) |',
    '|---|---|---|',
    `| fresh profile: the empty library shows (import possible) | ${fresh} | ${(fresh / warm).toFixed(1)}× |`,
    `| fresh profile: its database is open (created from the prebuilt image) | ${median(result.freshReadyMs)} | ${(median(result.freshReadyMs) / warm).toFixed(1)}× |`,
    `| warm: reload of that tab (the database is opened) | ${warm} | 1.0× |`,
    `| runs (fresh shown / fresh open / warm) | ${result.freshMs.join(', ')} / ${result.freshReadyMs.join(', ')} / ${result.warmMs.join(', ')} | |`,
  ].join('\n');
}
