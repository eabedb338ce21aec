// Starts the built app the way a user runs it (`npm run serve` on a free port, its own data folder) and a
// headless Chromium on it. Same set-up as tests/browser/harness.ts, without Vitest, so the CLI can use it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface RunningApp {
  url: string;
  page: Page;
  /** The page's console and uncaught errors, newest last: shown when something goes wrong. */
  logs: string[];
  close(): Promise<void>;
}

export async function startApp(distDir: string): Promise<RunningApp> {
  const staticDir = resolve(distDir);
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir} has no built app: run "npm run build" first (or pass --dist)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'heimdex-eval-server-'));
  const profile = mkdtempSync(join(tmpdir(), 'heimdex-eval-profile-'));
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let context: BrowserContext | null = null;
  const cleanup = async () => {
    await context?.close().catch(() => undefined);
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const url = await serverUrl(server);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    return { url, page, logs, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function serverUrl(child: ReturnType<typeof spawn>): Promise<string> {
  let output = '';
  return new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code}:\n${output}`));
    });
  });
}
