// @vitest-environment node
// The first slice end to end, in a real headless Chromium against the built app and the real server.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture, videoTruth } from './fixtures.ts';
import { sharedBuffersMb } from '@heimdex/shared-schema/pglite-buffers';
import { useApp, type RunningServer } from './harness.ts';

const app = useApp();
let page: Page;
let server: RunningServer;
beforeAll(() => {
  ({ page, server } = app);
});

function card(title: string): Locator {
  return page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
}

async function importFiles(...names: string[]) {
  await page.getByTestId('import-input').setInputFiles(names.map(fixture));
}

async function waitForState(title: string, state: 'INDEXED' | 'FAILED', timeout = 180_000) {
  await card(title).and(page.locator(`[data-state="${state}"]`)).first().waitFor({ timeout });
}

async function sceneSpans(): Promise<{ start: number; end: number }[]> {
  const scenes = page.getByTestId('scene');
  await scenes.first().waitFor({ timeout: 30_000 });
  return scenes.evaluateAll((els) =>
    els.map((el) => ({ start: Number(el.getAttribute('data-start')), end: Number(el.getAttribute('data-end')) })),
  );
}

function expectScenesMatch(spans: { start: number; end: number }[], fileName: string) {
  const truth = videoTruth(fileName);
  const expected = [0, ...truth.cuts, truth.durationS];
  expect(spans).toHaveLength(truth.cuts.length + 1);
  spans.forEach((span, i) => {
    expect(Math.abs(span.start - expected[i]!)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(span.end - expected[i + 1]!)).toBeLessThanOrEqual(0.5);
  });
}

describe('local library', () => {
  it('is an installable app: a web manifest and an active service worker', async () => {
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href');
      return href ? ((await (await fetch(href)).json()) as { name: string; icons: { sizes: string }[] }) : null;
    });
    expect(manifest?.name).toMatch(/Heimdex/);
    expect(manifest?.icons.map((i) => i.sizes)).toContain('512x512');
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${server.url}/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('imports two videos, cuts them into scenes at the right times, and keeps them across a reload', async () => {
    await importFiles('cuts-a.mp4', 'cuts-b.mp4');
    await waitForState('cuts-a', 'INDEXED');
    await waitForState('cuts-b', 'INDEXED');

    const spansBefore: Record<string, { start: number; end: number }[]> = {};
    for (const name of ['cuts-a', 'cuts-b']) {
      await card(name).first().click();
      spansBefore[name] = await sceneSpans();
      expectScenesMatch(spansBefore[name], `${name}.mp4`);
      await page.goBack();
    }

    await page.reload();
    await waitForState('cuts-a', 'INDEXED', 60_000);
    await waitForState('cuts-b', 'INDEXED', 60_000);
    await expect(page.getByTestId('video-card').count()).resolves.toBe(2);
    await card('cuts-a').first().click();
    expect(await sceneSpans()).toEqual(spansBefore['cuts-a']);
    await page.goBack();
  });

  it('keeps the library’s size for its next start, and opens a large library with a larger page cache', async () => {
    const sizeFile = (write?: string) =>
      page.evaluate(async (text) => {
        const handle = await (await navigator.storage.getDirectory()).getFileHandle('heimdex.size', { create: text !== null });
        if (text !== null) {
          const writable = await handle.createWritable();
          await writable.write(text);
          await writable.close();
        }
        return Number(await (await handle.getFile()).text());
      }, write ?? null);
    // Written once the database is open: its catalogs, tables and indexes are several MB even when empty.
    await expect.poll(() => sizeFile().catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(1_000_000);
    expect(app.browser.logs.some((line) => line.includes('page cache 128MB'))).toBe(true);

    // As if the library had grown to 2 GB: the next start gives it the most cache this device allows.
    const memoryGb = await page.evaluate(() => (navigator as { deviceMemory?: number }).deviceMemory ?? 4);
    const larger = sharedBuffersMb(2 * 1024 ** 3, memoryGb * 1024 ** 3);
    expect(larger).toBeGreaterThan(128); // headless Chromium tells 8 GB at most, 4 at least on a test machine
    const cards = await page.getByTestId('video-card').count();
    await sizeFile(String(2 * 1024 ** 3));
    await page.reload();
    await expect.poll(() => app.browser.logs.some((line) => line.includes(`page cache ${larger}MB`)), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('video-card').count(), { timeout: 30_000 }).toBe(cards); // the same library
    // …and the database measured itself again once open.
    await expect.poll(() => sizeFile(), { timeout: 30_000 }).toBeLessThan(1024 ** 3);
  });

  it('warms search up as the library opens (its first search then costs what the next ones do)', async () => {
    // The worker runs a search nobody sees as the library opens (db/search.ts warmUp); here after the reload above, on a library with scenes.
    await expect.poll(() => app.browser.logs.some((line) => /search warmed up in \d+ ms/.test(line)), { timeout: 30_000 }).toBe(true);
    expect(app.browser.logs.filter((line) => line.includes('search warm-up failed'))).toEqual([]);
    // …then reads its nearest-neighbour indexes into the page cache (db/prewarm.ts; pageinspect loads in the browser).
    await expect.poll(() => app.browser.logs.some((line) => /vector indexes read into the page cache: \d+ MB in \d+ ms/.test(line)), { timeout: 30_000 }).toBe(true);
    expect(app.browser.logs.filter((line) => line.includes('could not be read ahead'))).toEqual([]);
  });

  it('plays a chosen scene from its start, and shows when the scene strip scrolls', async () => {
    await card('cuts-a').first().click();
    const scenes = page.getByTestId('scene');
    await scenes.first().waitFor({ timeout: 30_000 });
    const player = page.getByTestId('player');
    await player.waitFor();

    // A click on a scene plays the video from the scene's start: what the player played begins there.
    const third = scenes.nth(2);
    const start = Number(await third.getAttribute('data-start'));
    await third.click();
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > v.played.start(0) + 0.2), { timeout: 15_000 })
      .toBe(true);
    const played = await player.evaluate((v: HTMLVideoElement) => {
      v.pause();
      return Array.from({ length: v.played.length }, (_, i) => [v.played.start(i), v.played.end(i)]);
    });
    expect(played).toHaveLength(1);
    expect(played[0]![0]).toBeCloseTo(start, 1);
    expect(played[0]![1]).toBeGreaterThan(start + 0.2);
    await expect(third.getAttribute('data-active')).resolves.toBe('true');

    // Three scenes fit a wide window: nothing says the strip scrolls.
    const strip = page.getByTestId('scene-strip');
    const before = page.getByTestId('scene-strip-before');
    const after = page.getByTestId('scene-strip-after');
    await expect(strip.getAttribute('data-more-after')).resolves.toBe('false');
    await expect(after.isVisible()).resolves.toBe(false);
    // On a phone they do not: the strip shows that more scenes follow, and its buttons scroll it, by keyboard too.
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      await strip.and(page.locator('[data-more-after="true"][data-more-before="false"]')).waitFor({ timeout: 5000 });
      await expect(before.isVisible()).resolves.toBe(false);
      await expect(after.isVisible()).resolves.toBe(true);
      await after.focus();
      for (let presses = 0; presses < 10 && (await after.isVisible()); presses++) {
        await page.keyboard.press('Enter');
        await page.waitForTimeout(600);
      }
      await expect(after.isVisible()).resolves.toBe(false);
      await expect(strip.getAttribute('data-more-before')).resolves.toBe('true');
      await expect(before.isVisible()).resolves.toBe(true);
      // The button went away at the end; the focus went to the last scene, not to the page.
      const last = (await scenes.count()) - 1;
      await expect(page.evaluate(() => document.activeElement?.getAttribute('data-idx'))).resolves.toBe(
        await scenes.nth(last).getAttribute('data-idx'),
      );
      await before.click();
      await strip.and(page.locator('[data-more-after="true"]')).waitFor({ timeout: 5000 });
    } finally {
      await page.setViewportSize(wide);
    }
    await page.goBack();
  });

  it('says so when the same file is imported again, and keeps one video', async () => {
    await importFiles('cuts-a.mp4');
    const notice = page.getByTestId('notice').and(page.locator('[data-status="duplicate"]'));
    await notice.first().waitFor({ timeout: 30_000 });
    expect(await notice.first().textContent()).toMatch(/already in your library/i);
    await expect.poll(() => card('cuts-a').count(), { timeout: 10_000 }).toBe(1);
  });

  it('ends every bad input FAILED with a clear message, and the good import carries on', async () => {
    const bad: [file: string, title: string, message: RegExp][] = [
      ['empty.mp4', 'empty', /empty|0 bytes/i],
      ['truncated.mp4', 'truncated', /could not be read|damaged|truncated|incomplete/i],
      ['notes.mov', 'notes', /could not be read|not a video/i],
      ['audio-only.m4a', 'audio-only', /no video|only audio/i],
      ['huge-resolution.mp4', 'huge-resolution', /resolution|larger than/i],
    ];
    await importFiles(...bad.map(([f]) => f), 'bench-720p-60s.mp4');
    for (const [, title, message] of bad) {
      await waitForState(title, 'FAILED');
      const error = await card(title).first().getByTestId('video-error').textContent();
      expect(error).toMatch(message);
    }
    await waitForState('bench-720p-60s', 'INDEXED', 300_000);
  });

  it('reads a scene’s thumbnail as the scene strip brings it near, not with the video’s scenes', async () => {
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await card('bench-720p-60s').first().click();
      const scenes = page.getByTestId('scene');
      await expect.poll(() => scenes.count(), { timeout: 30_000 }).toBe(6);
      const shown = (scene: Locator) => scene.locator('img').evaluateAll((imgs) => imgs.some((img) => (img as HTMLImageElement).naturalWidth > 0));
      await expect.poll(() => shown(scenes.first()), { timeout: 10_000 }).toBe(true);
      const strip = page.locator('.scene-strip');
      const last = scenes.last();
      const [lastLeft, stripWidth] = [await last.evaluate((el) => el.parentElement!.offsetLeft), await strip.evaluate((el) => el.clientWidth)];
      expect(lastLeft, 'the last scene lies beyond a strip’s width ahead of the visible part').toBeGreaterThan(2 * stripWidth);
      expect(await last.locator('img').count(), 'the last scene’s thumbnail has not been read').toBe(0);
      await strip.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      await expect.poll(() => shown(last), { timeout: 10_000 }).toBe(true);
    } finally {
      await page.setViewportSize(wide);
    }
    await page.goBack();
  });

  it('deletes a video with its scenes, for good', async () => {
    await card('cuts-b').first().getByTestId('delete').click();
    await card('cuts-b').first().getByTestId('confirm-delete').click();
    await expect.poll(() => card('cuts-b').count(), { timeout: 15_000 }).toBe(0);
    await page.reload();
    await waitForState('cuts-a', 'INDEXED', 60_000);
    expect(await card('cuts-b').count()).toBe(0);
  });
});
