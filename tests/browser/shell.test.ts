// @vitest-environment node
// The shell around the pages, in a real headless Chromium: the offline indicator in the top bar, and the
// "Update available" prompt when a new version of the app (a changed sw.js) is published while a tab is open.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from './harness.ts';

/**
 * A copy of the build this file's server serves, so the test can publish a "new version" of it. The service
 * worker of each version answers which version it is, so the test can tell who controls the page; the
 * rest of sw.js is the build's own.
 */
const published = mkdtempSync(join(tmpdir(), 'heimdex-shell-dist-'));
const builtSw = () => readFileSync(resolve(process.env.HEIMDEX_DIST ?? 'dist', 'sw.js'), 'utf8');
function publishVersion(version: string, opts: { ignoreFirstSkipWaiting?: boolean } = {}): void {
  // Registered before the build's own listener, so it can keep the first "take over" from reaching it: the
  // browser leaving a new version waiting after Reload, as Chromium sometimes does (client/src/ui/service-worker.ts).
  const stubborn = `let ignored = false;
self.addEventListener('message', (e) => { if (!ignored && e.data && e.data.type === 'SKIP_WAITING') { ignored = true; e.stopImmediatePropagation(); } });
`;
  const marker = `\n;self.addEventListener('message', (e) => { if (e.data === 'heimdex-test-version') e.ports[0].postMessage(${JSON.stringify(version)}); });\n`;
  writeFileSync(join(published, 'sw.js'), (opts.ignoreFirstSkipWaiting ? stubborn : '') + builtSw());
  appendFileSync(join(published, 'sw.js'), marker);
}

let server: RunningServer;
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  cpSync(resolve(process.env.HEIMDEX_DIST ?? 'dist'), published, { recursive: true });
  publishVersion('v1');
  server = await startServer(published);
  browser = await openBrowser();
  page = browser.page;
  await page.goto(`${server.url}/#/`);
  await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(`page console:\n${browser.logs.slice(-80).join('\n')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(published, { recursive: true, force: true });
});

function activeWorkerState(): Promise<string | null> {
  return page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? null);
}

/** The version of the service worker controlling the page, or null when none does. */
function controllingVersion(): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((answer) => {
        const controller = navigator.serviceWorker.controller;
        if (!controller) return answer(null);
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => answer(event.data as string);
        controller.postMessage('heimdex-test-version', [channel.port2]);
      }),
  );
}

describe('the shell', () => {
  it('shows in the top bar when the app is offline, and not once it is back online', async () => {
    // The first visit is online: the app installs itself for offline use.
    await expect.poll(activeWorkerState, { timeout: 60_000 }).toBe('activated');
    const indicator = page.getByTestId('offline-indicator');
    await expect(indicator.count()).resolves.toBe(0);
    await browser.context.setOffline(true);
    await indicator.waitFor({ timeout: 5000 });
    await expect(page.locator('.topbar').getByTestId('offline-indicator').textContent()).resolves.toMatch(/^Offline/);
    await browser.context.setOffline(false);
    await indicator.waitFor({ state: 'detached', timeout: 5000 });
  });

  it('offers a new version with "Update available — Reload"; Reload hands the page to it', async () => {
    // A returning visitor: the installed version controls the page.
    await page.reload();
    await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
    await expect(controllingVersion()).resolves.toBe('v1');
    await expect(page.getByTestId('update-prompt').count()).resolves.toBe(0);

    // A new version is published; the tab looks for it (as the app does every hour, and the browser on navigation).
    publishVersion('v2');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 60_000 });
    await expect(prompt.textContent()).resolves.toContain('Update available');
    // It waits for the person: the old version still controls the page.
    await expect(controllingVersion()).resolves.toBe('v1');

    await reloadInto('v2');
  });

  it('Reload still brings the new version when the browser does not hand the page over at once', async () => {
    publishVersion('v3', { ignoreFirstSkipWaiting: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByTestId('update-prompt').waitFor({ timeout: 60_000 });
    await reloadInto('v3');
  });
});

/** Clicks Reload: the page reloads (once more if the new version took over late) into `version`, which asks nothing. */
async function reloadInto(version: string): Promise<void> {
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.getByTestId('update-reload').click();
  await reloaded;
  // A page between two reloads has no context to ask in: it answers null.
  await expect.poll(() => controllingVersion().catch(() => null), { timeout: 60_000 }).toBe(version);
  await page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
  await expect(page.getByTestId('update-prompt').count()).resolves.toBe(0);
}
