// @vitest-environment node
// Honest progress: five files at once are queued with their places, one import notice follows them and goes
// away, failures read as one sentence (details on request) and are counted apart, and Retry only where it helps.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture } from './fixtures.ts';
import { useApp } from './harness.ts';

const app = useApp();
let page: Page;
beforeAll(() => {
  page = app.page;
});

const GOOD = ['cuts-a', 'cuts-b', 'faces-text'];
const BAD = ['empty', 'truncated'];

function card(title: string): Locator {
  return page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
}

/** Every card's database state and visible badge, read in one go so they belong to the same moment. */
async function badges(): Promise<{ title: string; state: string; label: string; hasStage: boolean }[]> {
  return page.getByTestId('video-card').evaluateAll((cards) =>
    cards.map((el) => ({
      title: el.querySelector('[data-testid="video-title"]')?.textContent ?? '',
      state: el.getAttribute('data-state') ?? '',
      label: el.querySelector('[data-testid="video-state"]')?.textContent ?? '',
      hasStage: el.querySelector('[data-testid="current-stage"]') !== null,
    })),
  );
}

const QUEUED = /^Queued \((\d+)(st|nd|rd|th)\)$/;
/** Import notices: a first import may also say, once, that the browser may clear the library (tests/browser/storage.test.ts). */
const importNotices = () => page.getByTestId('notice').filter({ hasNotText: 'may clear this library' });

describe('the queue', () => {
  it('imports five files under one notice, queues the waiting ones with their places and sums up the batch', async () => {
    await page.getByTestId('import-input').setInputFiles([...GOOD, ...BAD].map((name) => fixture(`${name}.mp4`)));
    const notice = importNotices();
    await notice.first().waitFor({ timeout: 30_000 });
    expect(await notice.count()).toBe(1);
    expect(await notice.textContent()).toMatch(/Add(ing|ed) 5 videos/);

    // While one video is indexed, the others wait with their places in line and no stage of their own.
    let seen: Awaited<ReturnType<typeof badges>> = [];
    await expect
      .poll(
        async () => {
          seen = await badges();
          return seen.some((b) => QUEUED.test(b.label)) && seen.some((b) => b.label === 'Indexing');
        },
        { timeout: 120_000, interval: 200 },
      )
      .toBe(true);
    const queued = seen.filter((b) => QUEUED.test(b.label));
    const places = queued.map((b) => Number(QUEUED.exec(b.label)?.[1])).sort((a, b) => a - b);
    expect(places).toEqual(places.map((_, i) => i + 1));
    expect(queued.every((b) => !b.hasStage && (b.state === 'VALIDATING' || b.state === 'PROCESSING'))).toBe(true);
    expect(seen.filter((b) => b.label === 'Indexing')).toHaveLength(1);
    expect(seen.every((b) => !/UPLOADING/.test(b.label))).toBe(true);
    expect(await page.getByTestId('queue-summary').textContent()).toMatch(/^(Indexing \d of 5|Adding \d videos? to the library)/);

    // Still the one notice: it was updated in place, never joined by others.
    expect(await notice.count()).toBeLessThanOrEqual(1);
  });

  it('ends each bad file FAILED with one short sentence, details on request, and no Retry where it cannot help', async () => {
    for (const title of BAD) await card(title).and(page.locator('[data-state="FAILED"]')).waitFor({ timeout: 120_000 });

    const truncated = card('truncated');
    const sentence = (await truncated.getByTestId('video-error').textContent()) ?? '';
    expect(sentence).toMatch(/incomplete/i);
    expect(sentence).not.toMatch(/moov|ffmpeg/i);
    expect(await truncated.getByTestId('video-state').textContent()).toBe('Failed');
    const details = truncated.getByTestId('error-details');
    expect(await details.evaluate((el: HTMLDetailsElement) => el.open)).toBe(false);
    await details.getByText('Show details').click();
    expect(await details.evaluate((el: HTMLDetailsElement) => el.open)).toBe(true);
    expect(await details.textContent()).toMatch(/moov atom/);
    // Opening the details did not open the video.
    expect(await page.evaluate(() => location.hash)).toBe('#/');

    const empty = card('empty');
    expect(await empty.getByTestId('video-error').textContent()).toMatch(/empty/i);
    expect(await empty.getByTestId('retry').count()).toBe(0);
    expect(await truncated.getByTestId('retry').count()).toBe(0);
    expect(await empty.getByTestId('delete').count()).toBe(1);

    const failedCount = page.getByTestId('library-counts').locator('[data-count="failed"]');
    expect(await failedCount.textContent()).toBe('2 failed');
  });

  it('the import notice goes away by itself', async () => {
    await expect.poll(() => importNotices().count(), { timeout: 30_000 }).toBe(0);
  });

  it('counts indexed, in progress and failed apart, and an indexed video tells the truth about its stages and gaps', async () => {
    for (const title of GOOD) await card(title).and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 240_000 });
    const counts = page.getByTestId('library-counts');
    await expect.poll(() => counts.locator('[data-count="indexed"]').textContent(), { timeout: 10_000 }).toBe('3 indexed');
    expect(await counts.locator('[data-count="failed"]').textContent()).toBe('2 failed');
    expect(await counts.locator('[data-count="in-progress"]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('queue-summary').count(), { timeout: 10_000 }).toBe(0);

    const faces = card('faces-text');
    const gapTasks = await faces.getByTestId('gap-action').evaluateAll((links) => links.map((a) => a.getAttribute('data-task')));
    const label = await faces.getByTestId('video-state').textContent();
    // Which models this machine has decides whether there are gaps; the card must say so either way.
    expect(label).toBe(gapTasks.length > 0 ? 'Indexed with gaps' : 'Indexed');
    for (const task of gapTasks) expect(['speech', 'visual', 'ocr', 'faces', 'meaning']).toContain(task);
    if (gapTasks.length > 0) {
      expect(await faces.getByTestId('gap-action').first().getAttribute('href')).toMatch(/#\/settings/);
    }

    await faces.click();
    await page.getByTestId('stage').first().waitFor();
    const stages = await page
      .getByTestId('stage')
      .evaluateAll((rows) => rows.map((row) => ({ state: row.getAttribute('data-state'), skipped: row.getAttribute('data-skipped') })));
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.every((stage) => stage.state === 'COMPLETED')).toBe(true);
    expect(await page.getByTestId('video-state').textContent()).toBe(label);
    expect(await page.getByTestId('gap-action').count()).toBe(gapTasks.length);

    // Re-index runs the skipped stages again in a blink: every state the page shows meanwhile must have the
    // badge and the stage list agree (the list used to lag behind: INDEXED with stages still "Running"/"Waiting").
    if (gapTasks.length > 0) {
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { disagreements: string[] }).disagreements = seen;
        new MutationObserver(() => {
          const state = document.querySelector('[data-testid="video-state"]')?.getAttribute('data-state');
          const stages = [...document.querySelectorAll('[data-testid="stage"]')].map((row) => row.getAttribute('data-state'));
          if (state === 'INDEXED' && stages.some((stage) => stage !== 'COMPLETED')) seen.push(stages.join(','));
        }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      await page.getByTestId('reindex').click();
      await page.getByTestId('notice').filter({ hasText: /queued/i }).waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="video-state"][data-state="INDEXED"]').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1000);
      expect(await page.evaluate(() => (window as unknown as { disagreements: string[] }).disagreements)).toEqual([]);
    }
    await page.goBack();
  });
});
