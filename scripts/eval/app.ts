// The app the evaluation drives: the built app's server and a headless Chromium on it.
import type { Page } from 'playwright-core';
import { openBrowser, startServer } from '../app-under-test.ts';

export interface RunningApp {
  url: string;
  page: Page;
  /** The page's console and uncaught errors, newest last: shown when something goes wrong. */
  logs: string[];
  close(): Promise<void>;
}

export async function startApp(distDir: string): Promise<RunningApp> {
  const server = await startServer(distDir);
  try {
    const browser = await openBrowser();
    return {
      url: server.url,
      page: browser.page,
      logs: browser.logs,
      async close() {
        await browser.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
