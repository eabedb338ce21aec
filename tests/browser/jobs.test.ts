// @vitest-environment node
// Long work survives a closed tab — and a crashed one — and the user can cancel and retry it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture, videoTruth } from './fixtures.ts';
import { useApp } from './harness.ts';

const app = useApp();
let page: Page;
beforeAll(() => {
  page = app.page;
});

const card = (title: string) =>
  page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
const benchCard = () => card('bench-720p-60s');

async function waitForStage(label: RegExp) {
  await benchCard().getByTestId('current-stage').filter({ hasText: label }).waitFor({ timeout: 120_000 });
}

/** The stage runs here and made progress (a card can name a stage that still waits for its turn). */
async function stageMadeProgress(label: RegExp) {
  await benchCard()
    .locator('.processing-row')
    .filter({ has: page.getByTestId('current-stage').filter({ hasText: label }) })
    .locator('.processing-percent', { hasText: /^[1-9]\d*%$/ })
    .waitFor({ timeout: 120_000 });
}

/** The Video page's stages, and its scenes once `expectScenes` are shown (they come from a read of their own). */
async function stagesOnVideoPage(expectScenes = 0) {
  await benchCard().click();
  const stages = page.getByTestId('stage');
  await stages.first().waitFor();
  const rows = await stages.evaluateAll((els) =>
    els.map((el) => ({ stage: el.getAttribute('data-stage'), state: el.getAttribute('data-state') })),
  );
  if (expectScenes > 0) await expect.poll(() => page.getByTestId('scene').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(expectScenes);
  const sceneCount = await page.getByTestId('scene').count();
  await page.goBack();
  return { rows, sceneCount };
}

describe('jobs', () => {
  it('resumes at the unfinished stage after reloads mid-job, never counted as crashes, with no duplicate scenes', async () => {
    await page.getByTestId('import-input').setInputFiles(fixture('bench-720p-60s.mp4'));
    // As many reloads in one stage as crashes would stop it (MAX_STAGE_ATTEMPTS): a normal close is noted and not counted.
    for (let reload = 1; reload <= 3; reload++) {
      await stageMadeProgress(/finding scenes/i);
      await page.reload();
    }
    await benchCard().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 240_000 });
    const scenes = videoTruth('bench-720p-60s.mp4').cuts.length + 1;
    const { rows, sceneCount } = await stagesOnVideoPage(scenes);
    expect(rows.every((r) => r.state === 'COMPLETED')).toBe(true);
    expect(sceneCount).toBe(scenes);
  });

  it('cancels a running job at once and retries it from the stage that stopped', async () => {
    await benchCard().getByTestId('delete').click();
    await benchCard().getByTestId('confirm-delete').click();
    await expect.poll(() => benchCard().count(), { timeout: 15_000 }).toBe(0);

    await page.getByTestId('import-input').setInputFiles(fixture('bench-720p-60s.mp4'));
    await waitForStage(/finding scenes/i);
    await benchCard().getByTestId('cancel').click();
    await benchCard().and(page.locator('[data-state="FAILED"]')).waitFor({ timeout: 15_000 });
    expect(await benchCard().getByTestId('video-error').textContent()).toMatch(/cancelled/i);
    // Cancelled in its first run: not searched, and the card does not say it is.
    expect(await benchCard().getByTestId('video-still-searched').count()).toBe(0);
    const cancelled = await stagesOnVideoPage();
    expect(cancelled.rows.find((r) => r.stage === 'UPLOAD_VALIDATE')?.state).toBe('COMPLETED');
    expect(cancelled.rows.find((r) => r.stage === 'SCENE_DETECT')?.state).toBe('CANCELLED');

    await retryUntilIndexed();
  });
});

/**
 * Kills this tab's renderer the way a crash does (no pagehide, nothing flushed, the database mid-write at worst)
 * and opens the library again in a new tab of the same profile.
 */
async function crashAndReopen(): Promise<void> {
  const crashed = page.waitForEvent('crash');
  await page.goto('chrome://crash').catch(() => undefined);
  await crashed;
  page = await app.browser.context.newPage();
  page.on('console', (m) => app.browser.logs.push(`[reopened] [${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => app.browser.logs.push(`[reopened] [pageerror] ${e.message}`));
  await page.goto(`${app.server.url}/#/`);
  await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
}

/** Retry on the bench video's card, then every stage completes and every scene is there. */
async function retryUntilIndexed(): Promise<void> {
  await benchCard().getByTestId('retry').click();
  await benchCard().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 240_000 });
  const scenes = videoTruth('bench-720p-60s.mp4').cuts.length + 1;
  const done = await stagesOnVideoPage(scenes);
  expect(done.rows.every((r) => r.state === 'COMPLETED')).toBe(true);
  expect(done.sceneCount).toBe(scenes);
}

async function deleteVideo(title: string) {
  await card(title).getByTestId('delete').click();
  await card(title).getByTestId('confirm-delete').click();
  await expect.poll(() => card(title).count(), { timeout: 15_000 }).toBe(0);
}

describe('crashes', () => {
  it('a tab that crashes mid-stage leaves a library that opens and resumes; after 3 crashes in one stage it stops with why, and Retry indexes the video', async () => {
    await deleteVideo('bench-720p-60s');
    await page.getByTestId('import-input').setInputFiles(fixture('bench-720p-60s.mp4'));
    for (let crash = 1; crash <= 3; crash++) {
      // Scene detection runs — again after a crash: the library opened and the stage resumed — and the tab dies under it.
      await stageMadeProgress(/finding scenes/i);
      await crashAndReopen();
    }
    await benchCard().and(page.locator('[data-state="FAILED"]')).waitFor({ timeout: 60_000 });
    expect(await benchCard().getByTestId('video-error').textContent()).toContain(
      'Indexing stopped after 3 attempts: the video made the app crash while finding scenes.',
    );
    const stopped = await stagesOnVideoPage();
    expect(stopped.rows.find((r) => r.stage === 'UPLOAD_VALIDATE')?.state).toBe('COMPLETED');
    expect(stopped.rows.find((r) => r.stage === 'SCENE_DETECT')?.state).toBe('FAILED');

    await retryUntilIndexed();
  });

  it('a crashed media worker, then a crashed ML worker, each fail their stage with a message; Retry restarts them and the text becomes searchable', async () => {
    // Test-only crash requests (honoured under automation only): the next scene detection and the next text reading.
    await page.evaluate(() => {
      localStorage.setItem('heimdex-test-crash:media:detectCuts', '1');
      localStorage.setItem('heimdex-test-crash:ml:ocr', '1');
    });
    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    const error = () => card('faces-text').getByTestId('video-error');
    await error()
      .filter({ hasText: 'Finding scenes stopped: the part of the app that reads the video crashed on this video.' })
      .waitFor({ timeout: 120_000 });

    await card('faces-text').getByTestId('retry').click();
    await error()
      .filter({ hasText: 'Reading on-screen text stopped: the part of the app that runs the recognition models crashed on this video.' })
      .waitFor({ timeout: 180_000 });

    await card('faces-text').getByTestId('retry').click();
    await card('faces-text').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });
    const box = page.getByTestId('search-input');
    await box.fill('revenue');
    await box.press('Enter');
    const hit = page.locator('[data-testid="search-hit"][data-file-name="faces-text.mp4"]');
    await hit.first().waitFor({ timeout: 30_000 });
    expect(Number(await hit.first().getAttribute('data-start'))).toBeCloseTo(4, 0);
  });
});
