// @vitest-environment node
// The nearest pictures from the DB worker's graphs in memory (db/picture-graphs.ts, hnswlib-wasm), in the real
// app: a small real CLIP-shaped visual model (embed/testing/tiny-models.ts: real ONNX graphs and tokenizer)
// published on a stand-in for its hub and installed from Settings gives a video's scenes their pictures; opened
// again, the library's worker builds its graph from them, and a search by words finds scenes by their picture.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../client/src/ml/embed/testing/tiny-models.ts';
import { fixture } from './fixtures.ts';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';
import { appPublishingModel, startModelHub, type ModelHub } from './model-hub.ts';

const REPO = 'Xenova/mobileclip_s0';
const MODEL_ID = 'mobileclip-s0';

let root: string;
let dist: string;
let hub: ModelHub;
let server: RunningServer;
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heimdex-hub-'));
  writeTinyModel(root, REPO, 'clip', 512);
  writeFileSync(join(root, REPO, 'LICENSE'), 'Test weights, made by the test.\n');
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

const card = () => page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('cuts-a', { exact: true }) });
const visualRow = () => page.locator(`[data-testid="model-row"][data-model-id="${MODEL_ID}"]`);
/** The worker's line once its graphs are built: how many scenes they hold. */
const heldInMemory = () =>
  browser.logs.map((line) => /pictures held in memory for search: (\d+) scenes/.exec(line)).filter((m) => m !== null).map((m) => Number(m[1]));

describe('pictures held in memory', () => {
  it('the graph is built from the library as it opens, and a search finds scenes by their picture', async () => {
    await page.goto(`${server.url}/#/settings`);
    await visualRow().waitFor({ timeout: 60_000 });
    await visualRow().getByTestId('model-download').click();
    await visualRow().and(page.locator('[data-present="true"]')).waitFor({ timeout: 120_000 });
    // An empty library: its graphs are built at once, holding nothing.
    await expect.poll(heldInMemory, { timeout: 30_000 }).toEqual([0]);

    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(fixture('cuts-a.mp4'));
    await card().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });

    // Opened again: the worker reads the scenes' pictures into a graph of its own.
    await page.reload();
    await expect.poll(() => heldInMemory().length, { timeout: 60_000 }).toBe(2);
    const scenes = heldInMemory()[1]!;
    expect(scenes).toBeGreaterThan(1);

    await page.goto(`${server.url}/#/search?q=${encodeURIComponent('photo')}`);
    await page.locator('[data-testid="search-status"][data-state="done"][data-query="photo"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="search-hit"][data-reasons*="visual"]').count()).resolves.toBe(scenes);
  });
});
