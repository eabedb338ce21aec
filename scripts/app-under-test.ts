// Starts the built app the way a user runs it (the server on a free port with its own data folder)
// and a real headless Debian Chromium on it. Shared by the browser tests, `npm run eval` and the bench;
// no Vitest here, so plain scripts can use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

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
  /** Everything the server printed so far (e.g. the links of emails it could not send without SMTP). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The server on a free port with a temporary data folder, serving the build in `distDir`
 * (default: HEIMDEX_DIST, which lets several builds live side by side, else dist/).
 */
export async function startServer(distDir: string = process.env.HEIMDEX_DIST ?? 'dist'): Promise<RunningServer> {
  const staticDir = resolve(ROOT, distDir);
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir} has no built app: run "npm run build" first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'heimdex-server-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let output = '';
  const keep = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    return { url: await serverUrl(child), output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function serverUrl(child: ChildProcess): Promise<string> {
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

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Messages the page printed to its console, and uncaught errors: shown when something fails. */
  logs: string[];
  /** The browser's own profile folder: it names the browser's processes (scripts/process-memory.ts finds them by it). */
  profileDir: string;
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
    profileDir: profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
