// Browser-test hooks around the real server (built client + embedded PGlite) and a real headless Chromium.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openBrowser, startServer, type BrowserSession, type RunningServer } from '../../scripts/app-under-test.ts';

export { CHROMIUM_ARGS, openBrowser, startServer, type BrowserSession, type RunningServer } from '../../scripts/app-under-test.ts';

export interface AppUnderTest {
  server: RunningServer;
  browser: BrowserSession;
  page: Page;
}

/**
 * Registers the hooks of a browser test file: the server and a browser on the Library page before
 * its tests (after `beforeOpen`, e.g. an init script), both closed after, and the page's console
 * printed when a test fails. The returned object is filled in by the first beforeAll.
 */
export function useApp(options: { beforeOpen?: (page: Page) => Promise<unknown> } = {}): AppUnderTest {
  const app = {} as AppUnderTest;
  beforeAll(async () => {
    app.server = await startServer();
    app.browser = await openBrowser();
    app.page = app.browser.page;
    await options.beforeOpen?.(app.page);
    await app.page.goto(`${app.server.url}/#/`);
    await app.page.getByTestId('import-input').waitFor({ state: 'attached', timeout: 60_000 });
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`page console:\n${app.browser.logs.slice(-80).join('\n')}`);
  });
  return app;
}
