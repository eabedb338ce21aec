// @vitest-environment node
// Offline-first for real: online once (the app installs the models that ship with it and precaches its
// engines), then offline for the rest of the test — a new video is indexed with on-screen text and faces,
// its words are found, and nothing asks the server whether a model exists.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from './fixtures.ts';
import { useApp, type AppUnderTest } from './harness.ts';

const app: AppUnderTest = useApp();
let page: Page;
beforeAll(() => {
  page = app.page;
});

const modelRow = (task: string) => page.locator(`[data-testid="model-row"][data-task="${task}"][data-selected="true"]`);

describe('offline after one online visit', () => {
  it('installs the bundled models by itself while online, and says they are on this device', async () => {
    await page.goto(`${app.server.url}/#/settings`);
    for (const task of ['ocr', 'faces']) {
      await modelRow(task).and(page.locator('[data-present="true"]')).waitFor({ timeout: 120_000 });
      await expect(modelRow(task).getByTestId('model-status').textContent()).resolves.toContain('On this device');
    }
    // Speech and visual models are not shipped: offered for download, never a command or a path.
    const speech = modelRow('speech');
    await expect(speech.getAttribute('data-present')).resolves.toBe('false');
    await expect(speech.getByTestId('model-download').isVisible()).resolves.toBe(true);
    const settingsText = (await page.locator('main').textContent()) ?? '';
    expect(settingsText).not.toMatch(/npm |models:fetch|public\/models/);
    // The service worker has every engine (its install precaches them) before the network goes.
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  });

  it('indexes a new video offline with the models the browser holds, and finds its words', async () => {
    const requests: string[] = [];
    app.browser.context.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await app.browser.context.setOffline(true);
    await page.reload();
    await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
    await page.goto(`${app.server.url}/#/`);

    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('faces-text', { exact: true }) });
    await card.and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });

    await card.click();
    await page.getByTestId('stage').first().waitFor();
    const stages = await page.getByTestId('stage').evaluateAll((els) =>
      Object.fromEntries(els.map((el) => [el.getAttribute('data-stage'), { skipped: el.getAttribute('data-skipped'), text: el.textContent ?? '' }])),
    );
    expect(stages.OCR?.skipped).toBe('false');
    expect(stages.FACE_DETECT?.skipped).toBe('false');
    // Speech truly is not on this device: skipped, and it says so in plain words.
    expect(stages.ASR_FAST?.skipped).toBe('true');
    expect(stages.ASR_FAST?.text).toContain('speech model is not on this device');

    await page.getByTestId('search-input').fill('quarterly revenue');
    await page.getByTestId('search-hit').first().waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('search-hit').first().textContent()).resolves.toMatch(/faces-text/);

    await page.goto(`${app.server.url}/#/settings`);
    for (const task of ['ocr', 'faces']) {
      await modelRow(task).waitFor();
      await expect(modelRow(task).getAttribute('data-present')).resolves.toBe('true');
      await expect(modelRow(task).getAttribute('data-device')).resolves.toBe('wasm');
    }
    const modelFileRequests = requests.filter((path) => path.startsWith('/models/') && !/\/models\/models(\.lock)?\.json$/.test(path));
    expect(modelFileRequests, 'model files are read from the browser, never asked of the server').toEqual([]);
  });
});
