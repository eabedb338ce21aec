// The memory a tab needs to import and index one video, in the real built app in headless Chromium: a fresh
// browser on the running server, the file imported through the Library page's file input, until its card says
// INDEXED. Shared by the long-file and large-file bench rows (bench/long-files.ts, bench/large-file.ts) and the CI
// long-file test.
import { basename, extname } from 'node:path';
import { openBrowser, type BrowserSession, type RunningServer } from './app-under-test.ts';
import { renderersOfBrowser, rssByPid, samplePeaks } from './process-memory.ts';

const HEAP_SAMPLE_MS = 250;
/** The app has settled once its renderer grew less than this over SETTLE_WINDOW_MS (it starts workers after the page shows). */
const SETTLED_GROWTH_BYTES = 5 * 2 ** 20;
const SETTLE_WINDOW_MS = 4000;
const SETTLE_TIMEOUT_MS = 60_000;

export interface IndexingMemory {
  /**
   * RSS of the page's renderer process (the page, its workers, ffmpeg.wasm) with the app open and settled, before the
   * import. In the seconds after the page shows, the DB worker opens PGlite (~240 MB, seen on a second visit) and a
   * first visit installs the bundled models (~50 MB more): the idle app, not indexing.
   */
  baselineRssBytes: number;
  /** The same as soon as the page showed its import button (what the baseline was before the app had settled). */
  pageShownRssBytes: number;
  /** Its highest RSS from the import until the video was INDEXED (sampled every 50 ms from /proc). */
  peakRssBytes: number;
  /** The main thread's highest JS heap in use (CDP Performance.getMetrics JSHeapUsedSize; workers not included). */
  peakMainHeapBytes: number;
  /** From choosing the file to INDEXED. */
  wallS: number;
  /** From choosing the file until its card left UPLOADING: hashing it and copying it into the browser's storage. */
  importS: number;
  /** From choosing the file until the import bar passed half-way (its first half is the hash, the second the copy). */
  hashS: number;
  /**
   * Each step the card showed (the import's hash and copy, then the pipeline's stages by their labels), in order, with
   * the renderer's highest RSS read while it was shown (every HEAP_SAMPLE_MS): where the memory goes in the app.
   */
  stepPeaks: { step: string; peakRssBytes: number }[];
  scenes: number;
}

/** Imports `file` into a fresh browser's library on `server` and measures until it is indexed. */
export async function measureIndexing(server: RunningServer, file: string, timeoutMs: number): Promise<IndexingMemory> {
  const browser = await openBrowser();
  try {
    return await measureIndexingIn(browser, server, file, timeoutMs);
  } finally {
    await browser.close();
  }
}

/** `measureIndexing` in a browser the caller opened (and closes): e.g. to measure a backup of the library after. */
export async function measureIndexingIn(browser: BrowserSession, server: RunningServer, file: string, timeoutMs: number): Promise<IndexingMemory> {
  const { page } = browser;
  await page.goto(`${server.url}/#/`);
  await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
  const renderers = renderersOfBrowser(browser.profileDir);
  const shown = rssByPid(renderers());
  await settled(page, renderers);
  const baseline = rssByPid(renderers());

  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let peakMainHeapBytes = 0;
  const sampleHeap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    peakMainHeapBytes = Math.max(peakMainHeapBytes, used);
  };
  const started = Date.now();
  let hashS = Number.NaN;
  const stepPeaks: { step: string; peakRssBytes: number }[] = [];
  const sampleStep = async () => {
    const step = await currentStep(page);
    if (step === null) return;
    if (step === 'import: copying' && Number.isNaN(hashS)) hashS = (Date.now() - started) / 1000;
    const now = Math.max(0, ...rssByPid(renderers()).values());
    const last = stepPeaks.at(-1);
    if (last?.step === step) last.peakRssBytes = Math.max(last.peakRssBytes, now);
    else stepPeaks.push({ step, peakRssBytes: now });
  };
  const heapTimer = setInterval(() => void Promise.all([sampleHeap(), sampleStep()]).catch(() => undefined), HEAP_SAMPLE_MS);
  const rss = samplePeaks(renderers);
  let peaks: Map<number, number>;
  let importS = Number.NaN;
  try {
    await page.getByTestId('import-input').setInputFiles(file);
    const title = basename(file, extname(file));
    const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
    // Imported (hashed and copied into the browser's storage) once the card shows any state after UPLOADING.
    void card
      .and(page.locator('[data-state]:not([data-state="UPLOADING"])'))
      .first()
      .waitFor({ timeout: timeoutMs })
      .then(() => (importS = (Date.now() - started) / 1000), () => undefined);
    const done = card.and(page.locator('[data-state="INDEXED"], [data-state="FAILED"]')).first();
    await done.waitFor({ timeout: timeoutMs });
    if ((await done.getAttribute('data-state')) !== 'INDEXED') {
      throw new Error(`${title} failed to index:\n${browser.logs.slice(-20).join('\n')}`);
    }
  } finally {
    clearInterval(heapTimer);
    peaks = rss.stop();
  }
  const wallS = (Date.now() - started) / 1000;
  await sampleHeap();
  await page.goto(`${server.url}/#/`);
  const scenes = await scenesOf(page, basename(file, extname(file)));
  // The page's renderer is the one that did the work: by far the highest peak (the others are spares, and which
  // one is largest before the import is not a safe guess).
  const [pid, peakRssBytes] = [...peaks].reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
  return { baselineRssBytes: baseline.get(pid) ?? 0, pageShownRssBytes: shown.get(pid) ?? 0, peakRssBytes, peakMainHeapBytes, wallS, importS, hashS, stepPeaks, scenes };
}

/**
 * Waits until the app has started what it starts on its own (the DB worker opens the database, the ML worker starts:
 * two workers) and its renderer stopped growing, so that the baseline is the idle app, not a page still starting.
 */
export async function settled(page: import('playwright-core').Page, renderers: () => number[]): Promise<void> {
  const rss = () => Math.max(0, ...rssByPid(renderers()).values());
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const window: number[] = [];
  while (Date.now() < deadline) {
    window.push(rss());
    if (window.length > SETTLE_WINDOW_MS / 500) window.shift();
    const full = window.length === SETTLE_WINDOW_MS / 500;
    if (full && page.workers().length >= 2 && window.at(-1)! - window[0]! < SETTLED_GROWTH_BYTES) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The step the (only) card in progress shows: the import's hash or copy (by its bar), or a stage's label; null when none. */
async function currentStep(page: import('playwright-core').Page): Promise<string | null> {
  const shown = await page.evaluate(() => {
    const label = document.querySelector('[data-testid="current-stage"]');
    if (!label) return null;
    const percent = label.parentElement?.querySelector('.processing-percent')?.textContent ?? '';
    return { label: label.textContent?.trim() ?? '', percent: Number.parseFloat(percent) };
  });
  if (shown === null) return null;
  // The card says "Copying" for the whole import; the first half of its bar is the hash (app/imports.ts).
  if (shown.label === 'Copying') return shown.percent < 50 ? 'import: hashing' : 'import: copying';
  return shown.label;
}

/** The number of scenes the video's page lists. */
async function scenesOf(page: import('playwright-core').Page, title: string): Promise<number> {
  const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
  await card.first().click();
  await page.getByTestId('scene').first().waitFor({ timeout: 30_000 });
  return page.getByTestId('scene').count();
}
