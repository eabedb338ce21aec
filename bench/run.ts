/**
 * `npm run bench`: scene-cut throughput on the 60 s 720p fixture, in one run —
 *   native ffmpeg (the reference), ffmpeg.wasm and WebCodecs cut detection in headless Chromium, and the whole
 *   media stage set (probe + audio + cuts + thumbnails) through the real media worker —
 * each the median of RUNS runs, with × real time, the ratio to native, cuts found against truth.json and the
 * peak memory. Prints a table and writes bench/results/latest.json.
 * Needs `npm run fixtures` and the bench page built (`vite build --config bench/vite.config.ts`); the npm
 * script does both.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CUT_THRESHOLD } from '../client/src/media/webcodecs/cuts.ts';
import { CHROMIUM_ARGS } from '../scripts/app-under-test.ts';
import { renderersOfBrowser, rssByPid, samplePeaks } from '../scripts/process-memory.ts';
import { runNativeSceneDetection } from './native.ts';
import { serveStatic } from './server.ts';
import type { BenchOutcome, BenchTask } from './page/protocol.ts';
import { formatReport, median, summarise, type Measurement, type Row, type Truth } from './report.ts';
import { formatModelReport, runModelBench, type ModelBenchResult } from './models.ts';
import { runSearchBench, sizesFromArgs } from './search.ts';
import { formatFirstResultReport, runFirstResultBench } from './first-result.ts';
import { formatLibraryStartReport, runLibraryStartBench } from './library-start.ts';
import { runSyncBench, syncOptionsFromArgs } from './sync.ts';
import { runChangeTrackingBench } from './change-tracking.ts';
import { runSearchLoadBench, searchLoadOptionsFromArgs } from './search-load.ts';
import { lengthsFromArgs, runLongFilesBench } from './long-files.ts';
import { runLargeFileBench } from './large-file.ts';
import { formatMemorySteps, runMemorySteps } from './memory-steps.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE_NAME = 'bench-720p-60s.mp4';
const FIXTURE = join(ROOT, 'tests/fixtures/generated', FIXTURE_NAME);
// HEIMDEX_BENCH_DIST: a page built elsewhere (several people benchmarking in one checkout).
const PAGE_DIR = process.env.HEIMDEX_BENCH_DIST ?? join(ROOT, 'dist-bench');
const RESULTS = join(ROOT, 'bench/results/latest.json');
const RUNS = 3;
const TASK_TIMEOUT_MS = 120_000;

function loadTruth(): Truth {
  const path = join(ROOT, 'tests/fixtures/generated/truth.json');
  if (!existsSync(FIXTURE) || !existsSync(path)) throw new Error(`${FIXTURE} is missing: run "npm run fixtures"`);
  const truth = (JSON.parse(readFileSync(path, 'utf8')) as Record<string, Truth>)[FIXTURE_NAME];
  if (!truth) throw new Error(`truth.json has no entry for ${FIXTURE_NAME}`);
  return truth;
}

/** Headless Chromium on the bench page, with a way to find its renderer processes for /proc sampling. */
async function openBenchPage(): Promise<{ context: BrowserContext; page: Page; renderers: () => number[]; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'heimdex-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[page ${message.type()}] ${message.text()}`);
  });
  const renderers = renderersOfBrowser(profile);
  return {
    context,
    page,
    renderers,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface PageRun {
  outcome: BenchOutcome;
  warmUpS: number;
  peakRssBytes: number;
  /** Renderer RSS when the task started (after the warm-up). */
  startRssBytes: number;
  /** Renderer RSS with the page loaded, before the worker started. */
  pageRssBytes: number;
}

async function runInPage(page: Page, url: string, task: BenchTask, renderers: () => number[]): Promise<PageRun> {
  // A fresh document per run: nothing of the previous run's workers is left in the renderer.
  await page.goto(url);
  await page.waitForFunction(() => window.heimdexBench !== undefined && crossOriginIsolated);
  await page.locator('#file').setInputFiles(FIXTURE);
  const pageRss = rssByPid(renderers());
  const warmUpS = await page.evaluate(() => window.heimdexBench!.prepare());
  const startRss = rssByPid(renderers());
  const memory = samplePeaks(renderers);
  let outcome: BenchOutcome;
  let peaks: Map<number, number>;
  try {
    outcome = await withTimeout(
      page.evaluate((t) => window.heimdexBench!.run(t), task),
      TASK_TIMEOUT_MS,
      `${task} did not finish within ${TASK_TIMEOUT_MS / 1000} s`,
    );
  } finally {
    peaks = memory.stop();
    await page.evaluate(() => window.heimdexBench?.dispose()).catch(() => undefined);
  }
  // The page's renderer is the one that ran the work: by far the largest (the others are spares).
  const [pid, peakRssBytes] = [...peaks].reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
  return { outcome, warmUpS, peakRssBytes, startRssBytes: startRss.get(pid) ?? 0, pageRssBytes: pageRss.get(pid) ?? 0 };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const PARTS = ['media', 'models', 'search', 'first-result', 'library-start', 'sync', 'change-tracking', 'search-load', 'long-files', 'large-file', 'memory-steps'] as const;

/**
 * `npm run bench -- --only search` (or media, models, first-result, library-start, sync, change-tracking, search-load, long-files,
 * large-file, memory-steps): one part of the bench. media includes the models; models alone skips the three
 * cut-detection runs. large-file (a 4 GB video, its backup and restore: ~18 GB of disk while it runs) runs only when
 * asked for.
 */
function onlyPart(): (typeof PARTS)[number] | null {
  const i = process.argv.indexOf('--only');
  if (i < 0) return null;
  const part = PARTS.find((p) => p === process.argv[i + 1]);
  if (!part) throw new Error(`--only takes one of ${PARTS.join(', ')}`);
  return part;
}

async function main(): Promise<void> {
  const only = onlyPart();
  if (only === null || only === 'media') await mediaBench();
  if (only === 'models') await modelsBench();
  if (only === null || only === 'search') console.log(await runSearchBench({ sizes: sizesFromArgs(process.argv), rebuild: process.argv.includes('--rebuild') }));
  if (only === null || only === 'first-result') console.log(formatFirstResultReport(await runFirstResultBench()));
  if (only === null || only === 'library-start') console.log(formatLibraryStartReport(await runLibraryStartBench()));
  if (only === null || only === 'sync') console.log(await runSyncBench(syncOptionsFromArgs(process.argv)));
  if (only === null || only === 'change-tracking') console.log(await runChangeTrackingBench());
  if (only === null || only === 'search-load') console.log(await runSearchLoadBench(searchLoadOptionsFromArgs(process.argv)));
  if (only === null || only === 'long-files') console.log(await runLongFilesBench(lengthsFromArgs(process.argv)));
  if (only === 'large-file') console.log(await runLargeFileBench(process.argv.includes('--keep-fixtures')));
  if (only === null || only === 'memory-steps') await memoryStepsBench();
}

async function mediaBench(): Promise<void> {
  const truth = loadTruth();
  // The machine may be shared: its load when the bench starts tells how far to trust absolute numbers.
  const loadAverage = loadavg()[0]!.toFixed(1);
  if (!existsSync(join(PAGE_DIR, 'index.html'))) throw new Error('dist-bench/ is missing: run "vite build --config bench/vite.config.ts"');
  const server = await serveStatic(PAGE_DIR);
  const browser = await openBenchPage();
  const version = browser.context.browser()?.version() ?? (await browser.page.evaluate(() => navigator.userAgent));
  const measurements: Record<string, Measurement[]> = { native: [], 'ffmpeg-cuts': [], 'webcodecs-cuts': [], 'media-stages': [] };
  let models: ModelBenchResult | undefined;
  try {
    for (let run = 1; run <= RUNS; run++) {
      process.stdout.write(`run ${run}/${RUNS}: native`);
      const native = await runNativeSceneDetection(FIXTURE);
      measurements.native!.push({ wallS: native.wallS, cutsS: native.cutsS, peakRssBytes: native.peakRssBytes });
      for (const task of ['ffmpeg-cuts', 'webcodecs-cuts', 'media-stages'] as const) {
        process.stdout.write(`, ${task}`);
        const { outcome, warmUpS, peakRssBytes, startRssBytes, pageRssBytes } = await runInPage(browser.page, server.url, task, browser.renderers);
        measurements[task]!.push({
          wallS: outcome.wallS,
          cutsS: outcome.cuts.cutsS,
          peakRssBytes,
          startRssBytes,
          pageRssBytes,
          method: outcome.cuts.method,
          stages: outcome.stages,
          warmUpS,
          strongest: outcome.cuts.webcodecs?.strongest,
        });
      }
      process.stdout.write('\n');
    }
    process.stdout.write('models and the whole pipeline\n');
    models = await runModelBench(browser.page, server.url, FIXTURE, median(measurements.native!.map((m) => m.wallS)));
  } finally {
    await browser.close();
    await server.close();
  }

  const rows: Row[] = [
    summarise('native ffmpeg (scale=320, scene>0.3)', measurements.native!, truth),
    summarise('ffmpeg.wasm detectCuts (Chromium)', measurements['ffmpeg-cuts']!, truth),
    summarise('WebCodecs detectCuts (Chromium)', measurements['webcodecs-cuts']!, truth),
    summarise('media stages via worker (Chromium)', measurements['media-stages']!, truth),
  ];
  const nativeWall = rows[0]!.wallS;
  for (const row of rows) row.ratioVsNative = nativeWall / row.wallS;
  const cpu = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start)`;
  const machine = `${cpu}; Chromium ${version}; fixture ${FIXTURE_NAME} (${truth.durationS} s)`;
  console.log(formatReport(rows, truth, machine, RUNS, CUT_THRESHOLD));
  if (models) console.log(formatModelReport(models));

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, truth, rows, measurements, models }, null, 2)}\n`);
  console.log(`\nwritten: ${RESULTS}`);
}

/** The model rows alone (with the skips rows), against one native scene-detection run of the same fixture. */
async function modelsBench(): Promise<void> {
  const loadAverage = loadavg()[0]!.toFixed(1);
  if (!existsSync(join(PAGE_DIR, 'index.html'))) throw new Error('dist-bench/ is missing: run "vite build --config bench/vite.config.ts"');
  const native = await runNativeSceneDetection(FIXTURE);
  const server = await serveStatic(PAGE_DIR);
  const browser = await openBenchPage();
  try {
    const models = await runModelBench(browser.page, server.url, FIXTURE, native.wallS);
    console.log(`${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start, ${loadavg()[0]!.toFixed(1)} at the end)`);
    console.log(formatModelReport(models));
  } finally {
    await browser.close();
    await server.close();
  }
}

/** What each part of indexing adds to the tab's memory, on a short video with faces and text (or `--file PATH`). */
async function memoryStepsBench(): Promise<void> {
  const load = `load ${loadavg()[0]!.toFixed(1)} at start`;
  if (!existsSync(join(PAGE_DIR, 'index.html'))) throw new Error('dist-bench/ is missing: run "vite build --config bench/vite.config.ts"');
  const server = await serveStatic(PAGE_DIR);
  const browser = await openBenchPage();
  try {
    const i = process.argv.indexOf('--file');
    const file = i < 0 ? join(ROOT, 'tests/fixtures/generated/faces-text.mp4') : resolve(process.argv[i + 1] ?? '');
    const rows = await runMemorySteps(browser.page, server.url, file, browser.renderers);
    console.log(formatMemorySteps(rows, `${basename(file)}; ${load}`));
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
