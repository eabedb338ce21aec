// @vitest-environment node
// Long work survives a closed tab, and the user can cancel and retry it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture, videoTruth } from './fixtures.ts';
import { useApp } from './harness.ts';

const app = useApp();
let page: Page;
beforeAll(() => {
  page = app.page;
});

const benchCard = () =>
  page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('bench-720p-60s', { exact: true }) });

async function waitForStage(label: RegExp) {
  await benchCard().getByTestId('current-stage').filter({ hasText: label }).waitFor({ timeout: 120_000 });
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
  it('resumes at the unfinished stage after a reload mid-job, with no duplicate scenes', async () => {
    await page.getByTestId('import-input').setInputFiles(fixture('bench-720p-60s.mp4'));
    await waitForStage(/finding scenes/i);
    await page.reload();
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
    const cancelled = await stagesOnVideoPage();
    expect(cancelled.rows.find((r) => r.stage === 'UPLOAD_VALIDATE')?.state).toBe('COMPLETED');
    expect(cancelled.rows.find((r) => r.stage === 'SCENE_DETECT')?.state).toBe('CANCELLED');

    await benchCard().getByTestId('retry').click();
    await benchCard().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 240_000 });
    const scenes = videoTruth('bench-720p-60s.mp4').cuts.length + 1;
    const done = await stagesOnVideoPage(scenes);
    expect(done.rows.every((r) => r.state === 'COMPLETED')).toBe(true);
    expect(done.sceneCount).toBe(scenes);
  });
});
