// @vitest-environment node
// Installing a model from the app: a small real speech model (the tiny Whisper-shaped test model, real ONNX
// graphs and tokenizer) published on a stand-in for its hub, which the app's server does not have. Settings
// downloads it with progress, refuses a file whose sha256 does not match, resumes a dropped connection with a
// Range request, and after a reload with the network off, indexing transcribes with it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyWhisper } from '../../client/src/ml/asr/testing/tiny-whisper.ts';
import { fixture } from './fixtures.ts';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';
import { appPublishingModel, startModelHub, type ModelHub } from './model-hub.ts';

const REPO = 'onnx-community/whisper-tiny';
const DECODER = 'onnx/decoder_model_merged_quantized.onnx';

let root: string;
let dist: string;
let hub: ModelHub;
let server: RunningServer;
let browser: BrowserSession;
let page: Page;
let decoderBytes = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heimdex-hub-'));
  writeTinyWhisper(root, REPO);
  decoderBytes = readFileSync(join(root, REPO, DECODER)).length;
  hub = await startModelHub(REPO, join(root, REPO));
  dist = appPublishingModel(hub, REPO, 'whisper-tiny', root);
  server = await startServer(dist);
  browser = await openBrowser();
  page = browser.page;
  await page.goto(`${server.url}/#/settings`);
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

const speechRow = () => page.locator('[data-testid="model-row"][data-model-id="whisper-tiny"]');

/** The extracted audio files the browser keeps (audio/<videoId>.f32). */
const storedAudio = () =>
  page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('audio', { create: true });
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  });

const cardOf = (title: string) =>
  page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });

describe('downloading a model from Settings', () => {
  it('indexes a video without the speech model as indexed with a gap, and says how to fill it', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(fixture('cuts-a.mp4'));
    await cardOf('cuts-a').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });
    const gap = cardOf('cuts-a').locator('[data-testid="gap"][data-task="speech"]');
    await gap.waitFor();
    await expect(gap.getByTestId('gap-action').textContent()).resolves.toMatch(/Download the speech model/);
    // Its audio waits for the speech model.
    const videoId = await cardOf('cuts-a').getAttribute('data-video-id');
    expect(await storedAudio()).toEqual([`${videoId}.f32`]);
    await gap.getByTestId('gap-action').click();
    await speechRow().waitFor({ timeout: 60_000 });
    await expect(page.locator('.model-row--wanted').getAttribute('data-model-id')).resolves.toBe('whisper-tiny');
  });

  it('refuses a file that does not match its checksum, then downloads with progress and resumes a dropped connection', async () => {
    await speechRow().waitFor({ timeout: 60_000 });
    await expect(speechRow().getAttribute('data-present')).resolves.toBe('false');
    await expect(speechRow().getByTestId('model-status').textContent()).resolves.toContain('Not on this device');

    hub.fail('config.json', 'wrong-bytes');
    await speechRow().getByTestId('model-download').click();
    await speechRow().and(page.locator('[data-condition="failed"]')).waitFor({ timeout: 60_000 });
    await expect(speechRow().getByTestId('model-detail').textContent()).resolves.toMatch(/did not match the model's published checksum/);
    await expect(speechRow().getAttribute('data-present')).resolves.toBe('false');

    hub.throttle(128 * 1024);
    hub.fail(DECODER, 'drop-half');
    await speechRow().getByTestId('model-download').click();
    await speechRow().getByTestId('model-progress').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await speechRow().getByTestId('model-status').textContent()) ?? '', { timeout: 60_000 })
      .toMatch(/Downloading [1-9]\d?% \(/);
    await speechRow().and(page.locator('[data-present="true"]')).waitFor({ timeout: 120_000 });
    await expect(speechRow().getByTestId('model-status').textContent()).resolves.toContain('On this device');

    const decoder = hub.requests.filter((r) => r.file === DECODER);
    expect(decoder[0]).toMatchObject({ range: null, status: 200 });
    expect(decoder[0]!.sent).toBeLessThan(decoderBytes);
    const resumed = decoder.find((r) => r.range !== null);
    expect(resumed, 'the rest of the file was asked for with a Range request').toBeDefined();
    expect(resumed!.range).toBe(`bytes=${decoder[0]!.sent}-`);
    expect(resumed!.status).toBe(206);
    expect(decoder.reduce((sum, r) => sum + r.sent, 0), 'the file crossed the network about once').toBeLessThan(decoderBytes * 1.05);

    // The video indexed without it fills in by itself: no Re-index, no reload.
    await page.goto(`${server.url}/#/`);
    // (Its visual-search gap stays: that model is not on the device.)
    await expect
      .poll(
        async () => {
          const state = await cardOf('cuts-a').getAttribute('data-state');
          const speechGaps = await cardOf('cuts-a').locator('[data-testid="gap"][data-task="speech"]').count();
          return `${state}, speech gaps: ${speechGaps}`;
        },
        { timeout: 180_000, interval: 500 },
      )
      .toBe('INDEXED, speech gaps: 0');
    await expect(cardOf('cuts-a').locator('[data-testid="gap"][data-task="visual"]').count()).resolves.toBe(1);
    // Transcribed: the audio is no longer kept (the copy gives it again should speech ever run again).
    await expect.poll(storedAudio, { timeout: 10_000 }).toEqual([]);
    await cardOf('cuts-a').click();
    await page.getByTestId('stage').first().waitFor();
    await expect(page.locator('[data-testid="stage"][data-stage="ASR_FAST"]').getAttribute('data-skipped')).resolves.toBe('false');
  });

  it('uses the downloaded model with the network off after a reload: the video’s words become searchable', async () => {
    await browser.context.setOffline(true);
    await page.reload();
    await page.goto(`${server.url}/#/settings`);
    await speechRow().and(page.locator('[data-present="true"]')).waitFor({ timeout: 60_000 });

    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('faces-text', { exact: true }) });
    await card.and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });
    await card.click();
    await page.getByTestId('stage').first().waitFor();
    const asr = page.locator('[data-testid="stage"][data-stage="ASR_FAST"]');
    await expect(asr.getAttribute('data-skipped')).resolves.toBe('false');
    await expect.poll(storedAudio, { timeout: 10_000 }).toEqual([]);

    // The tiny model says "Hello world." at 6–8.4 s of every window: the second scene (4–8 s).
    await page.getByTestId('search-input').fill('hello world');
    await page.getByTestId('search-hit').first().waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('search-hit').first().textContent()).resolves.toMatch(/Hello world/i);
  });
});
