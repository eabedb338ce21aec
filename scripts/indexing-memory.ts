// The memory a tab needs to import and index one video, in the real built app in headless Chromium: a fresh
// browser on the running server, the file imported through the Library page's file input, until its card says
// INDEXED. Shared by the long-file bench rows (bench/long-files.ts) and the CI long-file test.
import { basename, extname } from 'node:path';
import { openBrowser, type RunningServer } from './app-under-test.ts';
import { renderersOfBrowser, rssByPid, samplePeaks } from './process-memory.ts';

const HEAP_SAMPLE_MS = 250;

export interface IndexingMemory {
  /** RSS of the page's renderer process (the page, its workers, ffmpeg.wasm) with the app open, before the import. */
  baselineRssBytes: number;
  /** Its highest RSS from the import until the video was INDEXED (sampled every 50 ms from /proc). */
  peakRssBytes: number;
  /** The main thread's highest JS heap in use (CDP Performance.getMetrics JSHeapUsedSize; workers not included). */
  peakMainHeapBytes: number;
  /** From choosing the file to INDEXED. */
  wallS: number;
  scenes: number;
}

/** Imports `file` into a fresh browser's library on `server` and measures until it is indexed. */
export async function measureIndexing(server: RunningServer, file: string, timeoutMs: number): Promise<IndexingMemory> {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
    const renderers = renderersOfBrowser(browser.profileDir);
    const baseline = rssByPid(renderers());

    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    let peakMainHeapBytes = 0;
    const sampleHeap = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      peakMainHeapBytes = Math.max(peakMainHeapBytes, used);
    };
    const heapTimer = setInterval(() => void sampleHeap().catch(() => undefined), HEAP_SAMPLE_MS);
    const rss = samplePeaks(renderers);
    const started = Date.now();
    let peaks: Map<number, number>;
    try {
      await page.getByTestId('import-input').setInputFiles(file);
      const title = basename(file, extname(file));
      const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
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
    return { baselineRssBytes: baseline.get(pid) ?? 0, peakRssBytes, peakMainHeapBytes, wallS, scenes };
  } finally {
    await browser.close();
  }
}

/** The number of scenes the video's page lists. */
async function scenesOf(page: import('playwright-core').Page, title: string): Promise<number> {
  const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
  await card.first().click();
  await page.getByTestId('scene').first().waitFor({ timeout: 30_000 });
  return page.getByTestId('scene').count();
}
