// Drives the real app in the browser through the same controls a user has, found by their test ids:
// the Library's import input and video cards, Settings' model rows, the Search page's box and example input.
import type { Page } from 'playwright-core';
import type { RankedHit } from './metrics.ts';
import { exampleQueryLabel } from './queries.ts';

export interface VideoOutcome {
  videoId: string;
  title: string;
  state: string;
  error: string | null;
  /** What the card keeps behind "Show details" (a crash's own message), so a failed run says what broke. */
  details: string | null;
}

const TERMINAL = new Set(['INDEXED', 'FAILED']);

export async function openLibrary(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/`);
  await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
}

async function readCards(page: Page): Promise<VideoOutcome[]> {
  return page.getByTestId('video-card').evaluateAll((cards) =>
    cards.map((card) => ({
      videoId: card.getAttribute('data-video-id') ?? '',
      title: card.querySelector('[data-testid="video-title"]')?.textContent?.trim() ?? '',
      state: card.getAttribute('data-state') ?? '',
      error: card.querySelector('[data-testid="video-error"]')?.textContent?.trim() || null,
      details: card.querySelector('.failure-details-text')?.textContent?.trim() || null,
    })),
  );
}

async function readNotices(page: Page): Promise<{ status: string; text: string }[]> {
  return page.getByTestId('notice').evaluateAll((els) =>
    els.map((el) => ({ status: el.getAttribute('data-status') ?? '', text: (el.textContent ?? '').replace(/\s+/g, ' ').trim() })),
  );
}

export interface ImportOutcome {
  videos: VideoOutcome[];
  /** Files the app did not add (refused, or duplicates of another file), with its message. */
  refused: string[];
}

/**
 * Imports the files through the Library's file input (as a user choosing them) and waits until the import
 * has settled (its notice says what came of every file) and every added video is INDEXED or FAILED. Throws, saying what it saw, when that takes longer than `timeoutMs`.
 */
export async function importAndWait(
  page: Page,
  files: readonly string[],
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<ImportOutcome> {
  await page.getByTestId('import-input').setInputFiles([...files]);
  const started = Date.now();
  let lastReport = 0;
  // The import's one notice says what came of it, then dismisses itself: keep what it said once settled.
  let outcome: { status: string; text: string } | null = null;
  for (;;) {
    const [cards, notices] = [await readCards(page), await readNotices(page)];
    outcome = notices.find((n) => n.status !== 'pending' && n.status !== 'info') ?? outcome;
    const done = cards.filter((c) => TERMINAL.has(c.state));
    if (outcome && cards.length > 0 && done.length === cards.length) {
      return { videos: cards, refused: outcome.status === 'added' ? [] : [outcome.text] };
    }
    const elapsed = Date.now() - started;
    if (elapsed > timeoutMs) {
      const states = cards.map((c) => `${c.title}: ${c.state}`).join(', ') || 'no video cards';
      throw new Error(`indexing did not finish in ${Math.round(timeoutMs / 60_000)} min (${states}; notices: ${notices.map((n) => n.text).join(' | ')})`);
    }
    if (elapsed - lastReport >= 15_000) {
      lastReport = elapsed;
      onProgress(`indexing: ${done.length}/${files.length} done after ${Math.round(elapsed / 1000)} s`);
    }
    await page.waitForTimeout(1000);
  }
}

export interface ModelRow {
  id: string;
  task: string;
  present: boolean;
  device: string;
}

/**
 * Installs every model in use that this browser does not hold yet, as a person would from Settings (Download;
 * the app's server first, then the model's source), and reads what is on the device afterwards. A model no
 * source has stays absent: its kind of query is skipped, loudly.
 */
export async function readModels(page: Page, url: string): Promise<ModelRow[]> {
  await page.goto(`${url}/#/settings`);
  const rows = page.getByTestId('model-row');
  await rows.first().waitFor({ timeout: 60_000 });
  const wanted = page.locator('[data-testid="model-row"][data-selected="true"][data-present="false"]');
  for (const id of await wanted.evaluateAll((els) => els.map((el) => el.getAttribute('data-model-id') ?? ''))) {
    const row = page.locator(`[data-testid="model-row"][data-model-id="${id}"]`);
    // The app may start a model by itself meanwhile (the ones it ships with): then the button is gone, which is fine.
    const busyOrHere = async () => (await row.getAttribute('data-condition')) === 'downloading' || (await row.getAttribute('data-present')) === 'true';
    if (!(await busyOrHere())) {
      await row.getByTestId('model-download').click({ timeout: 10_000 }).catch(async (error: unknown) => {
        if (!(await busyOrHere())) throw error;
      });
    }
    await row.and(page.locator('[data-present="true"], [data-condition="failed"]')).waitFor({ timeout: 1_800_000 });
  }
  return rows.evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-model-id') ?? '',
      task: el.getAttribute('data-task') ?? '',
      present: el.getAttribute('data-present') === 'true',
      device: el.getAttribute('data-device') ?? '',
    })),
  );
}

export async function openSearch(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/search`);
  await page.getByTestId('search-input').waitFor({ timeout: 60_000 });
}

export interface SearchOutcome {
  hits: RankedHit[];
  /** The search page's own error text, when the search failed. */
  error: string | null;
  ms: number;
}

const SEARCH_TIMEOUT_MS = 120_000;

/** Types the query into the search box, as a user would, and reads the ranked hits. */
export async function searchText(page: Page, query: string): Promise<SearchOutcome> {
  const started = Date.now();
  const box = page.getByTestId('search-input');
  await box.fill(query);
  await box.press('Enter');
  return finished(page, query, started);
}

/** Chooses a photo in the Search page's example input (search by that face / that picture). */
export async function searchByExample(page: Page, photoPath: string): Promise<SearchOutcome> {
  const label = exampleQueryLabel(photoPath);
  // The same photo name twice in a row would find the last results already "done": clear the page first.
  if ((await page.getByTestId('search-status').getAttribute('data-query')) === label) {
    await page.goto(`${new URL(page.url()).origin}/#/search`);
    await page.locator('[data-testid="search-status"][data-state="idle"]').waitFor({ timeout: 30_000 });
  }
  const started = Date.now();
  await page.getByTestId('example-input').setInputFiles(photoPath);
  return finished(page, label, started);
}

async function finished(page: Page, label: string, started: number): Promise<SearchOutcome> {
  const status = page.getByTestId('search-status');
  await page.waitForFunction(
    (expected) => {
      const el = document.querySelector('[data-testid="search-status"]');
      const state = el?.getAttribute('data-state');
      return el?.getAttribute('data-query') === expected && (state === 'done' || state === 'error');
    },
    label,
    { timeout: SEARCH_TIMEOUT_MS },
  );
  const ms = Date.now() - started;
  if ((await status.getAttribute('data-state')) === 'error') {
    // The page says why under the status line; the status itself only says that it failed.
    const why = await page.getByTestId('search-error').textContent({ timeout: 5_000 }).catch(() => null);
    return { hits: [], error: (why ?? (await status.textContent()) ?? '').trim() || 'the search failed (no message)', ms };
  }
  const hits = await page.getByTestId('search-hit').evaluateAll((els) =>
    els.map((el) => ({
      video: el.getAttribute('data-file-name') ?? '',
      start_s: Number(el.getAttribute('data-start')),
      end_s: Number(el.getAttribute('data-end')),
      score: Number(el.getAttribute('data-score')),
      confident: el.getAttribute('data-confident') === 'true',
      reasons: (el.getAttribute('data-reasons') ?? '').split(',').filter(Boolean),
    })),
  );
  return { hits, error: null, ms };
}
