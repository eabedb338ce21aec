// Starts the real server (built client + embedded PGlite) and a real headless Chromium for browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** `npm run serve` on a free port with its own temporary data directory. */
export async function startServer(): Promise<RunningServer> {
  // HEIMDEX_DIST lets several builds live side by side (e.g. `vite build --outDir /tmp/dist-x`).
  const staticDir = process.env.HEIMDEX_DIST ?? 'dist';
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir}/ is missing: run "npm run build" before the browser tests`);
  const dataDir = mkdtempSync(join(tmpdir(), 'heimdex-server-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Messages the page printed to its console, and uncaught errors: shown when a test fails. */
  logs: string[];
  close(): Promise<void>;
}

/** A persistent profile, so OPFS (the local database and the video copies) survives reloads. */
export async function openBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'heimdex-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  return {
    context,
    page,
    logs,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

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
