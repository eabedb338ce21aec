// @vitest-environment node
// Your library on two devices: two separate browser profiles (A the laptop that holds the video, B the phone)
// against one real server with its embedded database. A indexes a video and signs up; B signs in and finds A's
// scene by its on-screen text, with its thumbnail, marked as on A; renames travel both ways, concurrent ones end
// the same; a deletion reaches B; a push whose answer is lost is sent again and counted once.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './fixtures.ts';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';

let server: RunningServer;
let laptop: BrowserSession;
let phone: BrowserSession;
const email = `sync-${randomUUID().slice(0, 8)}@example.org`;
const password = 'correct horse battery staple';
/** Push requests A has made, and how many of their answers were cut. */
let pushes = 0;

beforeAll(async () => {
  server = await startServer();
  [laptop, phone] = await Promise.all([openBrowser(), openBrowser()]);
  for (const { page } of [laptop, phone]) {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
  }
}, 120_000);
afterAll(async () => {
  await Promise.all([laptop?.close(), phone?.close()]);
  await server?.stop();
});
afterEach((ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  for (const [name, s] of [['laptop', laptop], ['phone', phone]] as const) console.log(`${name} console:\n${s.logs.slice(-60).join('\n')}`);
});

async function signIn(page: Page, mode: 'up' | 'in', deviceName: string) {
  await page.goto(`${server.url}/#/settings`);
  await page.getByTestId('account-form').waitFor();
  await page.getByTestId('account-email').fill(email);
  await page.getByTestId('account-password').fill(password);
  await page.getByTestId('account-device-name').fill(deviceName);
  await page.getByTestId(mode === 'up' ? 'account-sign-up' : 'account-sign-in').click();
  await page.getByTestId('account-signed-in').waitFor({ timeout: 30_000 });
}

/** "Sync now", then waits for a round that ended after the click with nothing left to send. */
async function syncNow(page: Page) {
  await page.goto(`${server.url}/#/settings`);
  const status = page.getByTestId('account-sync-status');
  await status.waitFor();
  const clicked = Date.now();
  await page.getByTestId('sync-now').click();
  await expect
    .poll(async () => (await status.getAttribute('data-phase')) === 'synced' && Number(await status.getAttribute('data-last-synced')) >= clicked, { timeout: 60_000 })
    .toBe(true);
  await expect(status.textContent()).resolves.toMatch(/^Synced\./);
}

async function renamePerson(page: Page, from: string, to: string) {
  await page.goto(`${server.url}/#/people`);
  await page.locator(`[data-testid="person-card"][data-name="${from}"]`).click();
  await page.getByTestId('person-detail').waitFor();
  await page.getByTestId('rename').click();
  await page.getByTestId('person-name-input').fill(to);
  await page.getByTestId('person-name-input').press('Enter');
  await page.getByTestId('person-title').getByText(to, { exact: true }).waitFor();
}

/** Opens the latest emailed link of this kind the server printed (no SMTP in tests), as a person clicking it would. */
async function openEmailedLink(page: Page, kind: 'verify-email' | 'reset-password') {
  let token: string | undefined;
  await expect.poll(() => (token = [...server.output().matchAll(new RegExp(`#${kind}=([A-Za-z0-9_-]+)`, 'g'))].at(-1)?.[1])).toBeTruthy();
  await page.goto('about:blank');
  await page.goto(`${server.url}/#${kind}=${token}`);
}

const personNames = async (page: Page) => {
  await page.goto(`${server.url}/#/people`);
  await page.getByTestId('person-card').first().waitFor({ timeout: 30_000 });
  return (await page.getByTestId('person-card').evaluateAll((els) => els.map((el) => el.getAttribute('data-name')))).sort();
};

async function searchHits(page: Page, query: string) {
  await page.goto(`${server.url}/#/search?q=${encodeURIComponent(query)}`);
  await page.locator(`[data-testid="search-status"][data-state="done"][data-query=${JSON.stringify(query)}]`).waitFor({ timeout: 30_000 });
  return page.getByTestId('search-hit').evaluateAll((els) =>
    els.map((el) => ({
      fileName: el.getAttribute('data-file-name'),
      device: el.getAttribute('data-device'),
      confident: el.getAttribute('data-confident') === 'true',
      thumbnail: (el.querySelector('img') as HTMLImageElement | null)?.naturalWidth ?? 0,
    })),
  );
}

describe('one library on two devices', () => {
  it('A indexes a video and signs up; a push whose answer is lost is sent again; the sync status says when all is sent', async () => {
    const { page } = laptop;
    await page.getByTestId('import-input').setInputFiles([fixture('faces-text.mp4')]);
    await page.locator('[data-testid="video-card"][data-state="INDEXED"]').waitFor({ timeout: 300_000 });
    // The server applies A's first batch, but the answer never arrives (the network drops it).
    await page.context().route('**/sync/push', async (route) => {
      pushes += 1;
      const response = await route.fetch();
      if (pushes === 1) return route.abort('connectionreset');
      return route.fulfill({ response });
    });
    await signIn(page, 'up', 'Laptop');
    await syncNow(page);
    expect(pushes, 'the cut batch was sent again').toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('sync-indicator').getAttribute('data-phase')).resolves.toBe('synced');
    await page.context().unroute('**/sync/push');
  });

  it('B signs in and finds A’s scene by its on-screen text, with its thumbnail, marked as on A', async () => {
    const { page } = phone;
    await signIn(page, 'in', 'Phone');
    await syncNow(page);
    await page.goto(`${server.url}/#/`);
    const card = page.locator('[data-testid="video-card"][data-device="Laptop"]');
    await card.waitFor({ timeout: 30_000 });
    await expect(card.getByTestId('video-device').textContent()).resolves.toContain('On Laptop');
    const hits = await searchHits(page, 'revenue');
    expect(hits[0]).toMatchObject({ fileName: 'faces-text.mp4', device: 'Laptop', confident: true });
    await page.locator('[data-testid="search-hit"] img').first().waitFor();
    expect((await searchHits(page, 'revenue'))[0]!.thumbnail, 'the thumbnail came with it').toBeGreaterThan(0);
    // Nothing lost or doubled by the cut push: B holds what A holds.
    expect(await personNames(page)).toEqual(await personNames(laptop.page));
    // Playing it says where the original is instead of failing.
    await page.goto(`${server.url}/#/`);
    await card.click();
    await expect(page.getByTestId('player-elsewhere').textContent()).resolves.toContain('on Laptop');
    // A reload stays signed in.
    await page.reload();
    await page.goto(`${server.url}/#/settings`);
    await page.getByTestId('account-signed-in').waitFor({ timeout: 60_000 });
  });

  it('a device renamed on itself is shown by its new name on the others', async () => {
    await laptop.page.goto(`${server.url}/#/settings`);
    await laptop.page.getByTestId('rename-device').click();
    await laptop.page.getByTestId('device-name-input').fill('Home laptop');
    await laptop.page.getByTestId('device-name-input').press('Enter');
    await laptop.page.locator('[data-testid="account-device"]').filter({ hasText: 'Home laptop' }).waitFor();
    await syncNow(phone.page);
    await phone.page.goto(`${server.url}/#/`);
    await phone.page.locator('[data-testid="video-card"][data-device="Home laptop"]').waitFor({ timeout: 30_000 });
  });

  it('a rename on B shows on A; renames made on both while offline end the same on both', async () => {
    const [first] = await personNames(phone.page);
    await renamePerson(phone.page, first!, 'Alex Morgan');
    await syncNow(phone.page);
    await syncNow(laptop.page);
    expect(await personNames(laptop.page)).toContain('Alex Morgan');

    await laptop.context.setOffline(true);
    await phone.context.setOffline(true);
    await renamePerson(laptop.page, 'Alex Morgan', 'Alex (laptop)');
    await renamePerson(phone.page, 'Alex Morgan', 'Alex (phone)'); // the later one
    // Neither could send its rename: both say so, and keep it.
    for (const { page } of [laptop, phone]) {
      await page.locator('[data-testid="sync-indicator"][data-phase="offline"]').waitFor({ timeout: 30_000 });
    }
    await laptop.context.setOffline(false);
    await phone.context.setOffline(false);
    await syncNow(laptop.page);
    await syncNow(phone.page);
    await syncNow(laptop.page);
    const [onLaptop, onPhone] = [await personNames(laptop.page), await personNames(phone.page)];
    expect(onLaptop).toEqual(onPhone);
    expect(onLaptop).toContain('Alex (phone)');
  });

  it('confirms the email address from the emailed link', async () => {
    const { page } = phone;
    await page.goto(`${server.url}/#/settings`);
    await page.getByTestId('account-signed-in').getByText('not confirmed yet', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Send the confirmation email again' }).click();
    await page.getByTestId('account-message').getByText('on its way', { exact: false }).waitFor();
    await openEmailedLink(page, 'verify-email');
    await page.getByTestId('account-message').getByText('Your email address is confirmed.').waitFor({ timeout: 30_000 });
    expect(page.url(), 'the token does not stay in the address').not.toContain('verify-email');
    await expect.poll(() => page.getByTestId('account-signed-in').getByText('not confirmed yet', { exact: false }).count()).toBe(0);
  });

  it('a device removed from the account on another one stops syncing and says why', async () => {
    const { page } = laptop;
    await page.goto(`${server.url}/#/settings`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-testid="account-device"]').filter({ hasText: 'Phone' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('account-device').count()).toBe(1);
    await phone.page.goto(`${server.url}/#/settings`);
    await phone.page.getByTestId('sync-now').click();
    await expect(phone.page.getByTestId('account-ended').textContent({ timeout: 30_000 })).resolves.toContain('removed from your account');
  });

  it('resets a forgotten password from the emailed link, and signs in with the new one', async () => {
    const { page } = phone;
    await page.getByTestId('account-forgot').click();
    await page.getByTestId('account-email').fill(email);
    await page.getByTestId('account-send-reset').click();
    await page.getByTestId('account-message').getByText('on its way', { exact: false }).waitFor();
    await openEmailedLink(page, 'reset-password');
    await page.getByTestId('account-new-password').fill('a brand new passphrase');
    await page.getByTestId('account-new-password-form').getByRole('button').click();
    await page.getByTestId('account-message').getByText('Your password is changed', { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByTestId('account-email').fill(email);
    await page.getByTestId('account-password').fill('a brand new passphrase');
    await page.getByTestId('account-device-name').fill('Phone');
    await page.getByTestId('account-sign-in').click();
    await page.getByTestId('account-signed-in').waitFor({ timeout: 30_000 });
  });

  it('A deletes the video and B no longer finds it', async () => {
    const { page } = laptop;
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('video-card').first().getByTestId('delete').click();
    await page.getByTestId('video-card').first().getByTestId('confirm-delete').click();
    await expect.poll(() => page.getByTestId('video-card').count(), { timeout: 15_000 }).toBe(0);
    await syncNow(page);
    await syncNow(phone.page);
    expect(await searchHits(phone.page, 'revenue')).toEqual([]);
    await phone.page.goto(`${server.url}/#/`);
    await expect.poll(() => phone.page.getByTestId('video-card').count(), { timeout: 15_000 }).toBe(0);
  });

  it('a video of A deleted on B leaves A too, with its stored copy', async () => {
    const { page } = laptop;
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles([fixture('cuts-a.mp4')]);
    const card = page.locator('[data-testid="video-card"][data-state="INDEXED"]');
    await card.waitFor({ timeout: 300_000 });
    const videoId = (await card.getAttribute('data-video-id'))!;
    const storedHere = () =>
      page.evaluate(async (id) => {
        const root = await navigator.storage.getDirectory();
        const videos = await root.getDirectoryHandle('videos', { create: true });
        for await (const name of (videos as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.startsWith(id)) return true;
        return false;
      }, videoId);
    expect(await storedHere()).toBe(true);
    await syncNow(page);
    await syncNow(phone.page);
    await phone.page.goto(`${server.url}/#/`);
    const there = phone.page.locator(`[data-testid="video-card"][data-video-id="${videoId}"]`);
    await there.getByTestId('delete').click();
    await there.getByTestId('confirm-delete').click();
    await expect.poll(() => there.count(), { timeout: 15_000 }).toBe(0);
    await syncNow(phone.page);
    await syncNow(page);
    await page.goto(`${server.url}/#/`);
    await expect.poll(() => page.locator(`[data-testid="video-card"][data-video-id="${videoId}"]`).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(storedHere, { timeout: 15_000 }).toBe(false);
  });

  it('signs out, and stays signed out after a reload', async () => {
    const { page } = phone;
    await page.goto(`${server.url}/#/settings`);
    await page.getByTestId('account-sign-out').click();
    await page.getByTestId('account-form').waitFor();
    await expect.poll(() => page.getByTestId('sync-indicator').count()).toBe(0);
    await page.reload();
    await page.getByTestId('account-form').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('sync-indicator').count()).toBe(0);
  });
});
