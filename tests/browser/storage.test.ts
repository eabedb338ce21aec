// @vitest-environment node
// Storage the person can see and keep, in a real headless Chromium against the built app: persistent storage
// asked for at the first import (a refusal told once, ever), Settings → Storage measuring each part against the
// browser's own estimate, and a file refused before it is copied when the origin's quota (shrunk through the
// DevTools protocol, as a full disk would) has no room for it and what indexing adds.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { REFUSE_FAILURE_MARKS_KEY } from '../../client/src/storage-full.ts';
import { fixture } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const app = useApp();
let page: Page;
let server: RunningServer;
let cdp: CDPSession;
beforeAll(async () => {
  ({ page, server } = app);
  cdp = await page.context().newCDPSession(page);
});

function card(title: string): Locator {
  return page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
}

const notice = (title: string | RegExp) => page.getByTestId('notice').filter({ hasText: title });

async function setPersistentStorage(setting: 'granted' | 'denied') {
  await cdp.send('Browser.setPermission', { permission: { name: 'persistent-storage' }, setting, origin: server.url });
}

const usage = () => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);

/** The origin's usage once it stops moving (the service worker's precache and the bundled models arrive by themselves). */
async function settledUsage(): Promise<number> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const now = await usage();
    if (now === last) return now;
    last = now;
    await page.waitForTimeout(1_000);
  }
  return last;
}

/** How many imported files the origin private file system holds (a copy under way also has a .crswap beside it). */
const storedVideos = () =>
  page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('videos', { create: true });
    let count = 0;
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (!name.endsWith('.crswap')) count++;
    return count;
  });

/** The names in each folder of the origin private file system the library keeps files in, and at its top. */
const storedNames = () =>
  page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names = async (dir: FileSystemDirectoryHandle) => {
      const all: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (!name.endsWith('.crswap')) all.push(name);
      return all.sort();
    };
    const folder = async (name: string) => names(await root.getDirectoryHandle(name, { create: true }));
    return { videos: await folder('videos'), audio: await folder('audio'), keyframes: await folder('keyframes'), top: await names(root) };
  });

/** The size of a video's stored copy, or null when there is none. */
const storedCopyBytes = (videoId: string) =>
  page.evaluate(async (id) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('videos', { create: true });
    return dir.getFileHandle(id).then(async (handle) => (await handle.getFile()).size, () => null);
  }, videoId);

/** Waits until the video's file is copied in and it is queued (its card past UPLOADING, never FAILED). */
async function copiedIn(title: string) {
  await expect
    .poll(async () => card(title).first().getAttribute('data-state', { timeout: 1_000 }).catch(() => null), { interval: 50, timeout: 60_000 })
    .toMatch(/^(VALIDATING|PROCESSING|INDEXED)$/);
}

describe('storage the person can see and keep', () => {
  it('asks to keep the library at the first import and, refused, says why once, ever', async () => {
    await setPersistentStorage('denied');
    expect(await page.evaluate(() => navigator.storage.persisted())).toBe(false);
    const before = await settledUsage();

    await page.getByTestId('import-input').setInputFiles([fixture('cuts-a.mp4')]);
    const refused = notice('Your browser may clear this library');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toMatch(/Settings → Storage/);
    await card('cuts-a').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 180_000 });

    // What one indexed import adds, against the file's size (the figure behind INDEXING_OVERHEAD in app/storage.ts).
    const added = (await settledUsage()) - before;
    const fileBytes = statSync(fixture('cuts-a.mp4')).size;
    console.log(`storage: cuts-a.mp4 ${fileBytes} B grew the origin's usage by ${added} B (${(added / fileBytes).toFixed(2)}× the file)`);

    await refused.getByRole('button', { name: /Dismiss/ }).click();
    await page.reload();
    await card('cuts-a').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('import-input').setInputFiles([fixture('cuts-a.mp4')]);
    await notice('already in your library').waitFor({ timeout: 30_000 });
    expect(await refused.count()).toBe(0);
  });

  it('Settings → Storage shows what each part takes and the quota, and keeps the library when asked', async () => {
    await page.goto(`${server.url}/#/settings`);
    const panel = page.getByTestId('storage-panel');
    await panel.getByTestId('storage-part').first().waitFor({ timeout: 30_000 });
    await panel.getByTestId('storage-refresh').click();
    await expect.poll(() => panel.getByTestId('storage-refresh').textContent()).toMatch(/Check again/);

    const parts = Object.fromEntries(
      await panel.getByTestId('storage-part').evaluateAll((els) => els.map((el) => [el.getAttribute('data-part'), el.getAttribute('data-bytes')])),
    ) as Record<string, string>;
    expect(Number(parts.media)).toBe(statSync(fixture('cuts-a.mp4')).size);
    expect(Number(parts.audio)).toBeGreaterThanOrEqual(12 * 16_000 * 4); // 12 s of 16 kHz float32
    expect(Number(parts.database)).toBeGreaterThan(1_000_000);
    expect(Number(parts.images)).toBeGreaterThan(0);
    expect(Number(parts.images)).toBeLessThan(Number(parts.database));
    expect(Number(parts.keyframes)).toBeGreaterThan(0);
    expect(Number(parts.app)).toBeGreaterThan(1_000_000);
    expect(await panel.getByTestId('storage-part').filter({ hasText: 'Imported videos' }).textContent()).toMatch(/1 MB/);

    const shown = panel.getByTestId('storage-usage');
    const estimate = await page.evaluate(() => navigator.storage.estimate());
    expect(Number(await shown.getAttribute('data-quota'))).toBeGreaterThan(0);
    expect(Math.abs(Number(await shown.getAttribute('data-usage')) - estimate.usage!)).toBeLessThan(50_000_000);
    expect(await shown.textContent()).toMatch(/ used, .* free for Heimdex in this browser\./);
    expect(Number(await shown.getAttribute('data-free'))).toBeGreaterThan(1_000_000_000);
    expect(await panel.getByTestId('storage-warning').count()).toBe(0);

    const persistence = panel.getByTestId('storage-persisted');
    expect(await persistence.getAttribute('data-persisted')).toBe('false');
    expect(await persistence.textContent()).toMatch(/the browser may delete the library/);
    await persistence.getByTestId('storage-persist').click();
    await panel.getByTestId('storage-persist-refused').waitFor();

    await setPersistentStorage('granted');
    await persistence.getByTestId('storage-persist').click();
    await expect.poll(() => persistence.getAttribute('data-persisted')).toBe('true');
    expect(await persistence.textContent()).toMatch(/Kept on this device/);
    expect(await page.evaluate(() => navigator.storage.persisted())).toBe(true);
  });

  it('refuses a file that cannot fit before copying it, saying what it needs and what is free, and warns in Settings', async () => {
    await page.goto(`${server.url}/#/`);
    // Room for a 1 MB file and what indexing adds (~52 MB with the margin), not for the 15 MB one (~80 MB).
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: (await settledUsage()) + 66_000_000 });
    try {
      await page.getByTestId('import-input').setInputFiles([fixture('bench-720p-60s.mp4')]);
      const refused = card('bench-720p-60s').and(page.locator('[data-state="FAILED"]'));
      await refused.waitFor({ timeout: 30_000 });
      const message = (await notice(/Could not import bench-720p-60s/).textContent()) ?? '';
      expect(message).toMatch(/not enough room in this browser’s storage: this video needs about 80 MB .*and [\d.]+ (MB|kB|B) is free/);
      expect(await refused.getByTestId('video-error').textContent()).toMatch(/not enough room/);
      expect(await storedVideos()).toBe(1); // cuts-a only: nothing of the refused file was copied

      await page.goto(`${server.url}/#/settings`);
      const warning = page.getByTestId('storage-warning');
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.textContent()).toMatch(/Storage is running low: \d+ MB is free for Heimdex/);
      expect(Number(await page.getByTestId('storage-usage').getAttribute('data-free'))).toBeLessThan(70_000_000);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
    }

    // With room again, Retry imports the file this tab still holds.
    await page.goto(`${server.url}/#/`);
    await card('bench-720p-60s').getByTestId('retry').click();
    await copiedIn('bench-720p-60s');
    expect(await storedVideos()).toBe(2);
  });

  it('fails an import whose copy fills the storage, with the reason on its card, leaving no partial file and a library that opens', async () => {
    // A large file (sparse: nothing on this disk), hashed long enough for the quota to shrink after the room check.
    const dir = mkdtempSync(join(tmpdir(), 'heimdex-full-'));
    const big = join(dir, 'fills-the-disk.mp4');
    writeFileSync(big, '');
    truncateSync(big, 400_000_000);
    const storedBefore = await storedVideos();
    try {
      await page.getByTestId('import-input').setInputFiles([big]);
      const progress = card('fills-the-disk').locator('[aria-label="Copying: progress"]');
      await expect
        .poll(async () => Number((await progress.getAttribute('aria-valuenow').catch(() => null)) ?? 0), { interval: 20, timeout: 30_000 })
        .toBeGreaterThan(0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: (await usage()) + 20_000_000 });
      const failed = card('fills-the-disk').and(page.locator('[data-state="FAILED"]'));
      await failed.waitFor({ timeout: 60_000 });
      expect(await failed.getByTestId('video-error').textContent()).toMatch(/storage is full/i);
      expect(await failed.getByTestId('retry').count()).toBe(1);
      expect(await storedVideos()).toBe(storedBefore);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
      rmSync(dir, { recursive: true, force: true });
    }
    await page.reload();
    const failed = card('fills-the-disk').and(page.locator('[data-state="FAILED"]'));
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.getByTestId('video-error').textContent()).toMatch(/storage is full/i);
  });

  it('fails the stage that meets a full storage with that reason, never leaving it running, and the library still opens', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles([fixture('cuts-b.mp4')]);
    // Copied in: what comes next (audio, keyframes, the database's writes) meets a storage with ~100 kB left.
    await copiedIn('cuts-b');
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: (await usage()) + 100_000 });
    try {
      const failed = card('cuts-b').and(page.locator('[data-state="FAILED"]'));
      await failed.waitFor({ timeout: 120_000 });
      expect(await failed.getByTestId('video-error').textContent()).toMatch(/storage is full/i);
      expect(await failed.getByTestId('retry').count()).toBe(1);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
    }
    await page.reload();
    await card('cuts-b').and(page.locator('[data-state="FAILED"]')).waitFor({ timeout: 60_000 });
    const videoId = await card('cuts-b').first().getAttribute('data-video-id');
    await page.goto(`${server.url}/#/video/${videoId}`);
    await page.getByTestId('stage').first().waitFor({ timeout: 30_000 });
    const states = await page.getByTestId('stage').evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(states.filter((state) => state === 'FAILED')).toHaveLength(1);
    expect(states).not.toContain('RUNNING');
    await page.goBack();
    await card('cuts-b').getByTestId('retry').click();
    await card('cuts-b').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 180_000 });
  });

  it('fails the stage whose database write meets a full storage with that reason, and the library stays readable', async () => {
    // No sound, so nothing but the database writes after the copy: its first write that needs room is refused.
    const dir = mkdtempSync(join(tmpdir(), 'heimdex-db-full-'));
    const silent = join(dir, 'no-sound.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', fixture('cuts-b.mp4'), '-an', '-c', 'copy', silent]);
    try {
      await page.goto(`${server.url}/#/`);
      await page.getByTestId('import-input').setInputFiles([silent]);
      await copiedIn('no-sound');
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: await usage() });
      try {
        const failed = card('no-sound').and(page.locator('[data-state="FAILED"]'));
        await failed.waitFor({ timeout: 120_000 });
        expect(await failed.getByTestId('video-error').textContent()).toMatch(/storage is full/i);
      } finally {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.reload();
    await card('no-sound').and(page.locator('[data-state="FAILED"]')).waitFor({ timeout: 60_000 });
    const videoId = await card('no-sound').first().getAttribute('data-video-id');
    await page.goto(`${server.url}/#/video/${videoId}`);
    await page.getByTestId('stage').first().waitFor({ timeout: 30_000 });
    const stages = await page.getByTestId('stage').evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(stages.filter((state) => state === 'FAILED')).toHaveLength(1);
    expect(stages).not.toContain('RUNNING');
    await page.goBack();
    await card('no-sound').getByTestId('retry').click();
    await card('no-sound').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 180_000 });
  });

  it('removes at start-up what no video needs (files of a delete or a copy cut short, a room check left behind), keeping every video’s own', async () => {
    await page.goto(`${server.url}/#/`);
    await card('cuts-b').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 60_000 });
    const left = 'c0ffee00-0000-4000-8000-00000000dead';
    await page.evaluate(async (id) => {
      const root = await navigator.storage.getDirectory();
      const write = async (dir: FileSystemDirectoryHandle, name: string, bytes: number) => {
        const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await writable.write(new Uint8Array(bytes));
        await writable.close();
      };
      await write(await root.getDirectoryHandle('videos'), id, 100_000);
      await write(await root.getDirectoryHandle('audio'), `${id}.f32`, 64_000);
      await write(await (await root.getDirectoryHandle('keyframes')).getDirectoryHandle(id, { create: true }), '0.jpg', 5_000);
      const probe = await (await root.getFileHandle('.room-check-left-behind', { create: true })).createWritable();
      await probe.truncate(50_000_000);
      await probe.close();
    }, left);
    const before = await storedNames();
    expect(before.videos).toContain(left);
    expect(before.top).toContain('.room-check-left-behind');
    const usageBefore = await settledUsage();

    await page.reload();
    await card('cuts-b').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await storedNames()).videos.includes(left), { timeout: 30_000 }).toBe(false);
    const after = await storedNames();
    expect(after.audio).not.toContain(`${left}.f32`);
    expect(after.keyframes).not.toContain(left);
    expect(after.top).not.toContain('.room-check-left-behind');
    // The 50 MB room check is given back. Less a margin: the database may start a new 16 MB write-ahead log segment in
    // between (PGlite keeps up to 80 MB of them; tidying it after indexing writes to the log), and did here.
    expect(await settledUsage()).toBeLessThan(usageBefore - 30_000_000);

    // Every video in the library keeps its copy and its keyframes.
    const ids = await page.getByTestId('video-card').evaluateAll((cards) =>
      cards.filter((c) => c.getAttribute('data-state') === 'INDEXED').map((c) => c.getAttribute('data-video-id')!),
    );
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) {
      expect(after.videos).toContain(id);
      expect(after.keyframes).toContain(id);
    }
    expect(after.videos).toEqual(before.videos.filter((name) => name !== left));
  });

  it('keeps the new copy of a file imported again right after it was deleted', async () => {
    const videoId = (await card('cuts-b').first().getAttribute('data-video-id'))!;
    await card('cuts-b').getByTestId('delete').click();
    await card('cuts-b').getByTestId('confirm-delete').click();
    // At once, while the old video may still be on its way out: the same content comes back under the same id — taken
    // as a new import, never as a duplicate of the video being deleted.
    await page.getByTestId('import-input').setInputFiles([fixture('cuts-b.mp4')]);
    const importNotice = () =>
      page.getByTestId('notice').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-status')} ${el.textContent ?? ''}`).filter((t) => t.includes('cuts-b')));
    await expect.poll(importNotice, { timeout: 60_000, interval: 100 }).toEqual([expect.stringMatching(/^added Added cuts-b\.mp4/)]);
    // One card again (the deleted one gone, the import's own card become the video's), indexed, with its new copy.
    const cards = () =>
      card('cuts-b').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-video-id')} ${el.getAttribute('data-state')}`));
    const size = statSync(fixture('cuts-b.mp4')).size;
    await expect.poll(async () => [await cards(), await storedCopyBytes(videoId)], { timeout: 180_000, interval: 500 }).toEqual([[`${videoId} INDEXED`], size]);

    await page.reload();
    await card('cuts-b').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 60_000 });
    expect(await storedCopyBytes(videoId)).toBe(statSync(fixture('cuts-b.mp4')).size);
    expect((await storedNames()).keyframes).toContain(videoId);
  });

  it('shows a failure whose FAILED mark the full storage refused as failed, with the reason, and writes the mark once there is room', async () => {
    // The database refuses every FAILED mark while the test says so (whether PostgreSQL needs new room for one small
    // update depends on how full its pages are); the stage itself meets the real full quota.
    const refuseMarks = (on: boolean) =>
      page.evaluate(([key, on]) => (on ? localStorage.setItem(key, '1') : localStorage.removeItem(key)), [REFUSE_FAILURE_MARKS_KEY, on] as const);
    const keptForNextStart = () => page.evaluate(() => JSON.parse(localStorage.getItem('heimdex-unrecorded-failures') ?? '[]') as unknown[]);
    const failed = () => card('mark-refused').and(page.locator('[data-state="FAILED"]'));
    /** The states of the video's stages on its page (the stage list and the card read the same state). */
    const stagesShown = async (videoId: string) => {
      await page.goto(`${server.url}/#/video/${videoId}`);
      await page.getByTestId('stage').first().waitFor({ timeout: 30_000 });
      const states = await page.getByTestId('stage').evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
      await page.goto(`${server.url}/#/`);
      return states;
    };
    const dir = mkdtempSync(join(tmpdir(), 'heimdex-mark-refused-'));
    const file = join(dir, 'mark-refused.mp4');
    // The same pictures and sound as cuts-b in another file (the library holds each content once).
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', fixture('cuts-b.mp4'), '-c', 'copy', '-metadata', 'title=mark refused', file]);
    try {
      await page.goto(`${server.url}/#/`);
      await refuseMarks(true);
      await page.getByTestId('import-input').setInputFiles([file]);
      await copiedIn('mark-refused');
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: (await usage()) + 100_000 });
      try {
        await failed().waitFor({ timeout: 120_000 });
        expect(await failed().getByTestId('video-error').textContent()).toMatch(/storage is full/i);
        expect(await failed().getByTestId('retry').count()).toBe(1);
        const [kept] = (await keptForNextStart()) as { videoId: string; stage: string }[];
        expect(kept).toMatchObject({ stage: expect.any(String), retryable: true });
        // What the failed stage wrote, and its next run makes again, was freed before the mark was tried again.
        console.log(`storage: the full storage stopped ${kept!.stage} and refused its FAILED mark`);
        const left = await storedNames();
        if (kept!.stage === 'AUDIO_EXTRACT') expect(left.audio).not.toContain(`${kept!.videoId}.f32`);
        if (kept!.stage === 'THUMBNAILS') expect(left.keyframes).not.toContain(kept!.videoId);

        // Retry while the database still refuses: said plainly, and the video stays failed.
        await failed().getByTestId('retry').click();
        await notice(/Could not retry/).filter({ hasText: /storage is full/i }).waitFor({ timeout: 30_000 });
        expect(await failed().count()).toBe(1);
      } finally {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
      }
      const videoId = (await failed().first().getAttribute('data-video-id'))!;

      // The library still answers a search meanwhile.
      const box = page.getByTestId('search-input');
      await box.fill('');
      await box.pressSequentially('scene', { delay: 15 });
      await page.locator('[data-testid="search-status"][data-state="done"][data-query="scene"]').waitFor({ timeout: 30_000 });
      console.log(`storage: a search while a FAILED mark is unwritten found ${await page.getByTestId('search-hit').count()} scenes`);
      expect(await page.getByTestId('search-hit').count()).toBeGreaterThan(0);

      // A reload while the mark is still refused: the start shows the failure it was left, never running the stage again.
      await page.goto(`${server.url}/#/`);
      await page.reload();
      await failed().waitFor({ timeout: 60_000 });
      expect(await failed().getByTestId('video-error').textContent()).toMatch(/storage is full/i);
      const shown = await stagesShown(videoId);
      expect(shown.filter((state) => state === 'FAILED')).toHaveLength(1);
      expect(shown).not.toContain('RUNNING');
      await page.waitForTimeout(2_000);
      expect(await failed().count()).toBe(1);

      // Room again: the runner writes the mark by itself (nothing is kept for the next start any more), and the
      // database then says what the card said.
      await refuseMarks(false);
      await expect.poll(keptForNextStart, { timeout: 30_000 }).toEqual([]);
      await page.reload();
      await failed().waitFor({ timeout: 60_000 });
      expect(await failed().getByTestId('video-error').textContent()).toMatch(/storage is full/i);
      const stored = await stagesShown(videoId);
      expect(stored.filter((state) => state === 'FAILED')).toHaveLength(1);
      expect(stored).not.toContain('RUNNING');

      await failed().getByTestId('retry').click();
      await card('mark-refused').and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 180_000 });
    } finally {
      await refuseMarks(false);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
