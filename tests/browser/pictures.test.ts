// @vitest-environment node
// The nearest pictures from the DB worker's graphs in memory (db/picture-graphs.ts, hnswlib-wasm), in the real
// app: a small real CLIP-shaped visual model (embed/testing/tiny-models.ts: real ONNX graphs and tokenizer)
// published on a stand-in for its hub and installed from Settings gives a video's scenes their pictures; opened
// again, the library's worker builds its graph from them, and a search by words finds scenes by their picture.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../client/src/ml/embed/testing/tiny-models.ts';
import { fixture } from './fixtures.ts';
import { useAppPublishingModel } from './model-hub.ts';

const REPO = 'Xenova/mobileclip_s0';
const MODEL_ID = 'mobileclip-s0';

const app = useAppPublishingModel(REPO, MODEL_ID, (root) => {
  writeTinyModel(root, REPO, 'clip', 512);
  writeFileSync(join(root, REPO, 'LICENSE'), 'Test weights, made by the test.\n');
});

const card = () => app.page.getByTestId('video-card').filter({ has: app.page.getByTestId('video-title').getByText('cuts-a', { exact: true }) });
const visualRow = () => app.page.locator(`[data-testid="model-row"][data-model-id="${MODEL_ID}"]`);
/** The worker's line once its graphs are built: how many scenes they hold. */
const heldInMemory = () =>
  app.browser.logs.map((line) => /pictures held in memory for search: (\d+) scenes/.exec(line)).filter((m) => m !== null).map((m) => Number(m[1]));

describe('pictures held in memory', () => {
  it('the graph is built from the library as it opens, and a search finds scenes by their picture', async () => {
    await app.page.goto(`${app.server.url}/#/settings`);
    await visualRow().waitFor({ timeout: 60_000 });
    await visualRow().getByTestId('model-download').click();
    await visualRow().and(app.page.locator('[data-present="true"]')).waitFor({ timeout: 120_000 });
    // An empty library: its graphs are built at once, holding nothing.
    await expect.poll(heldInMemory, { timeout: 30_000 }).toEqual([0]);

    await app.page.goto(`${app.server.url}/#/`);
    await app.page.getByTestId('import-input').setInputFiles(fixture('cuts-a.mp4'));
    await card().and(app.page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });

    // Opened again: the worker reads the scenes' pictures into a graph of its own.
    await app.page.reload();
    await expect.poll(() => heldInMemory().length, { timeout: 60_000 }).toBe(2);
    const scenes = heldInMemory()[1]!;
    expect(scenes).toBeGreaterThan(1);

    await app.page.goto(`${app.server.url}/#/search?q=${encodeURIComponent('photo')}`);
    await app.page.locator('[data-testid="search-status"][data-state="done"][data-query="photo"]').waitFor({ timeout: 30_000 });
    await expect(app.page.locator('[data-testid="search-hit"][data-reasons*="visual"]').count()).resolves.toBe(scenes);
  });
});
