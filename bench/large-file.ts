/**
 * `npm run bench -- --only large-file [--keep-fixtures]`: a video of more than 4 GiB in the real built app (dist/),
 * against a small reference file of the same encoding measured in the same run. Fixtures are made by
 * scripts/make-large-video.sh (1080p 10 fps noise at ~200 Mbit/s; the reference is one 15 s period, ~370 MB, the
 * large file 12 periods, ~4.46 GB, whose sample offsets pass 2^32) into tests/fixtures/generated/large/
 * (git-ignored), and removed after the run unless --keep-fixtures (remaking both takes under a minute).
 * Each file: import (hash + copy into the browser's storage) and indexing, with the renderer's peak RSS, in a fresh
 * browser; then, in that browser, a backup with the videos saved as a download, with the peak RSS of the renderer
 * and of the browser process (which writes the download); and that backup restored in another fresh browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from '../scripts/app-under-test.ts';
import { measureIndexingIn, settled, type IndexingMemory } from '../scripts/indexing-memory.ts';
import { browserProcess, renderersOfBrowser, rssByPid, samplePeaks } from '../scripts/process-memory.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'tests/fixtures/generated/large');
/** The reference is one period of the generator; the large file passes 4 GiB (and so 32-bit byte offsets). */
const FIXTURES = { reference: { file: 'large-ref.mp4', bytes: 1 }, large: { file: 'large-4g.mp4', bytes: 4_400_000_000 } } as const;
type FixtureName = keyof typeof FIXTURES;
/** Generous: indexing runs at a few × real time here, and a stuck run must still end the bench. */
const INDEX_TIMEOUT_MS = 40 * 60_000;
const BACKUP_TIMEOUT_MS = 20 * 60_000;

function fixture(name: FixtureName): { path: string; makeS: number | null } {
  const path = join(CACHE, FIXTURES[name].file);
  if (existsSync(path)) return { path, makeS: null };
  mkdirSync(CACHE, { recursive: true });
  const started = Date.now();
  execFileSync('bash', [join(ROOT, 'scripts/make-large-video.sh'), String(FIXTURES[name].bytes), path], { stdio: 'inherit' });
  return { path, makeS: (Date.now() - started) / 1000 };
}

interface IndexRow extends IndexingMemory {
  name: FixtureName;
  fileBytes: number;
  makeS: number | null;
  loadAtStart: number;
}

interface ArchiveRow {
  name: FixtureName;
  step: 'backup with videos' | 'restore';
  bytes: number;
  wallS: number;
  rendererBeforeBytes: number;
  rendererPeakBytes: number;
  browserPeakBytes: number;
  loadAtStart: number;
}

export interface LargeFileResult {
  rows: IndexRow[];
  archive: ArchiveRow[];
}

/** The app saves as a download (the picker path needs a person to pick a file). */
const withoutSavePicker = (page: Page) => page.addInitScript(() => delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker);

/** Peak RSS of the browser's renderers (the highest one) and of its main process while `work` runs. */
async function sampled<T>(browser: BrowserSession, work: () => Promise<T>) {
  const renderers = renderersOfBrowser(browser.profileDir);
  const main = browserProcess(browser.profileDir);
  const before = Math.max(0, ...rssByPid(renderers()).values());
  const rss = samplePeaks(() => [...renderers(), main]);
  const started = Date.now();
  let peaks: Map<number, number>;
  let result: T;
  try {
    result = await work();
  } finally {
    peaks = rss.stop();
  }
  const rendererPeakBytes = Math.max(0, ...[...peaks].filter(([pid]) => pid !== main).map(([, bytes]) => bytes));
  return { result, wallS: (Date.now() - started) / 1000, rendererBeforeBytes: before, rendererPeakBytes, browserPeakBytes: peaks.get(main) ?? 0 };
}

/** Settings → Backup with the videos, saved as a download; answers the downloaded file (removed with the browser). */
async function measureBackup(browser: BrowserSession, server: RunningServer, name: FixtureName): Promise<{ row: ArchiveRow; path: string }> {
  const { page } = browser;
  await page.goto(`${server.url}/#/settings`);
  await page.getByTestId('backup-panel').waitFor({ timeout: 60_000 });
  await page.getByTestId('backup-include-videos').check();
  const loadAtStart = loadavg()[0]!;
  const measured = await sampled(browser, async () => {
    const download = page.waitForEvent('download', { timeout: BACKUP_TIMEOUT_MS });
    await page.getByTestId('backup-download').click();
    // The app is done once the browser has the archive; the download itself ends when the file is written.
    const path = await (await download).path();
    await page.getByTestId('backup-message').getByText('Your backup is saved').waitFor({ timeout: BACKUP_TIMEOUT_MS });
    return path;
  });
  const { result: path, ...memory } = measured;
  return { row: { name, step: 'backup with videos', bytes: statSync(path).size, loadAtStart, ...memory }, path };
}

/** Settings → Restore of `archive` in a fresh browser, until the restored library shows its video INDEXED. */
async function measureRestore(server: RunningServer, archive: string, name: FixtureName): Promise<ArchiveRow> {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/#/settings`);
    await page.getByTestId('backup-panel').waitFor({ timeout: 60_000 });
    await page.getByTestId('restore-input').setInputFiles(archive);
    await page.getByTestId('restore-confirm').waitFor({ timeout: 60_000 });
    await settled(page, renderersOfBrowser(browser.profileDir)); // "before" is the idle app, as for the imports
    const loadAtStart = loadavg()[0]!;
    const { result: _, ...memory } = await sampled(browser, async () => {
      await page.getByTestId('restore-confirm-button').click();
      // The app starts again on the restored library.
      const done = page.locator('[data-testid="video-card"][data-state="INDEXED"], [data-testid="restore-error"]').first();
      await done.waitFor({ timeout: BACKUP_TIMEOUT_MS });
      const error = await page.getByTestId('restore-error').textContent({ timeout: 1 }).catch(() => null);
      if (error) throw new Error(`the restore failed: ${error}\n${browser.logs.slice(-20).join('\n')}`);
    });
    return { name, step: 'restore', bytes: statSync(archive).size, loadAtStart, ...memory };
  } finally {
    await browser.close();
  }
}

export async function runLargeFileBench(keepFixtures: boolean, distDir = process.env.HEIMDEX_DIST ?? 'dist'): Promise<string> {
  const made = { reference: fixture('reference'), large: fixture('large') };
  const server = await startServer(distDir);
  const rows: IndexRow[] = [];
  const archive: ArchiveRow[] = [];
  try {
    for (const name of ['reference', 'large'] as const) {
      process.stdout.write(`large file: ${name}…\n`);
      const { path, makeS } = made[name];
      const browser = await openBrowser();
      try {
        await withoutSavePicker(browser.page);
        const loadAtStart = loadavg()[0]!;
        const measured = await measureIndexingIn(browser, server, path, INDEX_TIMEOUT_MS);
        rows.push({ name, fileBytes: statSync(path).size, makeS, loadAtStart, ...measured });
        process.stdout.write(`large file: ${name}, backup with videos…\n`);
        const backup = await measureBackup(browser, server, name);
        archive.push(backup.row);
        process.stdout.write(`large file: ${name}, restore…\n`);
        archive.push(await measureRestore(server, backup.path, name));
      } finally {
        await browser.close(); // also removes the downloaded backup
      }
    }
  } finally {
    await server.stop();
    if (!keepFixtures) rmSync(CACHE, { recursive: true, force: true });
  }
  const result = { rows, archive };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/large-file.json'), `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  return formatLargeFileReport(result);
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '–');
const rate = (bytes: number, seconds: number) => (seconds > 0 ? (bytes / 2 ** 20 / seconds).toFixed(0) : '–');

export function formatLargeFileReport({ rows, archive }: LargeFileResult): string {
  const reference = rows.find((row) => row.name === 'reference');
  const growth = (row: IndexRow) => row.peakRssBytes - row.baselineRssBytes;
  return [
    '',
    'Large file: import and indexing in the real app (1080p 10 fps noise at ~200 Mbit/s, a cut every 5 s, a tone; a fresh',
    'browser per row; RSS of the page\'s renderer process from /proc; "before" is the idle app once settled, its database',
    'open and the bundled models installed; ratios against the reference file of the same run)',
    '| file | file MB | made in s | import s | hash MB/s | copy MB/s | scenes | index s | time vs ref | RSS before MB | peak RSS MB | growth MB | growth vs ref | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${mb(row.fileBytes)} | ${row.makeS?.toFixed(0) ?? 'kept'} | ${row.importS.toFixed(1)} | ${rate(row.fileBytes, row.hashS)} | ` +
        `${rate(row.fileBytes, row.importS - row.hashS)} | ` +
        `${row.scenes} | ${row.wallS.toFixed(0)} | ${ratio(row.wallS, reference?.wallS)} | ${mb(row.baselineRssBytes)} | ${mb(row.peakRssBytes)} | ` +
        `${mb(growth(row))} | ${reference ? ratio(growth(row), growth(reference)) : '–'} | ${row.loadAtStart.toFixed(1)} |`,
    ),
    'Peak renderer RSS (MB) while the card showed each step (read every 250 ms):',
    ...rows.map((row) => `- ${row.name}: ${row.stepPeaks.map((p) => `${p.step} ${mb(p.peakRssBytes)}`).join(' · ')}`),
    '',
    'Backup of each library with its video (saved as a download; the renderer still holds the indexing workers) and its',
    'restore in a fresh browser (until the video shows INDEXED); growth = renderer peak above its level before the step',
    '| library | step | archive MB | s | MB/s | renderer before MB | renderer peak MB | growth MB | growth vs ref | browser process peak MB | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...archive.map((row) => {
      const archiveGrowth = (r: ArchiveRow) => r.rendererPeakBytes - r.rendererBeforeBytes;
      const ref = archive.find((r) => r.name === 'reference' && r.step === row.step);
      return (
        `| ${row.name} | ${row.step} | ${mb(row.bytes)} | ${row.wallS.toFixed(0)} | ${(row.bytes / 2 ** 20 / row.wallS).toFixed(0)} | ` +
        `${mb(row.rendererBeforeBytes)} | ${mb(row.rendererPeakBytes)} | ${mb(archiveGrowth(row))} | ${ref ? ratio(archiveGrowth(row), archiveGrowth(ref)) : '–'} | ` +
        `${mb(row.browserPeakBytes)} | ${row.loadAtStart.toFixed(1)} |`
      );
    }),
  ].join('\n');
}
