// @vitest-environment node
// Search by meaning in the app: a small real sentence-embedding model (the tiny BERT-shaped test model: a real ONNX
// graph and WordPiece tokenizer, in which "earnings" means "revenue") published on a stand-in for its hub. A video
// indexed without it is "Indexed with gaps" and the search page says searching by meaning is not available yet;
// once Settings has downloaded it, the video's meaning is filled in by itself, and a query sharing no word with
// the scene finds it as "Said something like this".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyMeaningModel } from '../../client/src/ml/meaning/testing/tiny-model.ts';
import { fixture } from './fixtures.ts';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';
import { appPublishingModel, startModelHub, type ModelHub } from './model-hub.ts';

const REPO = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';
const MODEL_ID = 'paraphrase-multilingual-minilm';

let root: string;
let dist: string;
let hub: ModelHub;
let server: RunningServer;
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heimdex-hub-'));
  // The title card of faces-text.mp4 reads "QUARTERLY REVENUE 2026 / Meeting with Alice in Berlin".
  writeTinyMeaningModel(root, REPO, 384, {
    extraWords: ['quarterly', '2026', 'meeting', 'with', 'alice', 'in', 'berlin', 'earnings'],
    extraSynonyms: [['revenue', 'earnings']],
  });
  hub = await startModelHub(REPO, join(root, REPO));
  dist = appPublishingModel(hub, REPO, MODEL_ID, root);
  server = await startServer(dist);
  browser = await openBrowser();
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(`page console:\n${browser.logs.slice(-60).join('\n')}\nhub:\n${JSON.stringify(hub.requests)}`);
});

const card = () => page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('faces-text', { exact: true }) });
const meaningRow = () => page.locator(`[data-testid="model-row"][data-model-id="${MODEL_ID}"]`);

async function searchFor(query: string) {
  await page.goto(`${server.url}/#/search?q=${encodeURIComponent(query)}`);
  await page.locator(`[data-testid="search-status"][data-state="done"][data-query=${JSON.stringify(query)}]`).waitFor({ timeout: 30_000 });
}

describe('search by meaning', () => {
  it('without the model: the video is indexed with a gap, and the search page offers the download', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    await card().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });
    const gap = card().locator('[data-testid="gap"][data-task="meaning"]');
    await gap.waitFor();
    await expect(gap.getByTestId('gap-action').textContent()).resolves.toMatch(/Download the meaning model/);

    await searchFor('earnings');
    const note = page.locator('[data-testid="search-note"][data-kind="model"][data-task="meaning"]');
    await note.waitFor({ timeout: 10_000 });
    await expect(note.textContent()).resolves.toContain('Searching by meaning is not available yet');
    await expect(note.getByTestId('search-note-download').getAttribute('data-task')).resolves.toBe('meaning');
    await expect(page.locator('[data-testid="search-hit"][data-reasons*="meaning"]').count()).resolves.toBe(0);
  });

  it('once downloaded, the video’s meaning is filled in by itself and a query in other words finds the scene', async () => {
    await page.goto(`${server.url}/#/settings`);
    await meaningRow().waitFor({ timeout: 60_000 });
    await meaningRow().getByTestId('model-download').click();
    await meaningRow().and(page.locator('[data-present="true"]')).waitFor({ timeout: 120_000 });

    await page.goto(`${server.url}/#/`);
    await expect
      .poll(
        async () => `${await card().getAttribute('data-state')}, meaning gaps: ${await card().locator('[data-testid="gap"][data-task="meaning"]').count()}`,
        { timeout: 180_000, interval: 500 },
      )
      .toBe('INDEXED, meaning gaps: 0');

    // No scene says or shows "earnings": full text finds nothing; its meaning finds the title card (scene 2, 4–8 s).
    await searchFor('earnings');
    const hit = page.locator('[data-testid="search-hit"][data-reasons*="meaning"]').first();
    await hit.waitFor({ timeout: 30_000 });
    await expect(hit.locator('[data-reason="meaning"]').textContent()).resolves.toBe('Said something like this');
    await expect(hit.locator('.hit-link').getAttribute('aria-label')).resolves.toContain('said or shown in other words');
    await expect(hit.getAttribute('data-start')).resolves.toBe('4');
    await expect(page.locator('[data-testid="search-note"][data-kind="model"][data-task="meaning"]').count()).resolves.toBe(0);
  });
});
