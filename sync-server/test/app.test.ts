// @vitest-environment node
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type OpenDatabase } from '../src/db/open.ts';
import { mailerFromConfig } from '../src/mail/from-config.ts';

let database: OpenDatabase;
let staticDir: string;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  staticDir = mkdtempSync(join(tmpdir(), 'heimdex-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Heimdex</title>');
  writeFileSync(join(staticDir, 'assets', 'core.wasm'), new Uint8Array([0, 97, 115, 109]));
});
afterAll(() => database.close());

describe('server app', () => {
  it('reports health with the database kind', async () => {
    const res = await buildApp({ database }).request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite', ok: true } });
  });

  it('serves the client cross-origin isolated, wasm with its mime type', async () => {
    const app = buildApp({ database, staticDir });
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Heimdex</title>');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const wasm = await app.request('/assets/core.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });

  it('answers a real 404 for a missing model, never the app page', async () => {
    const res = await buildApp({ database, staticDir }).request('/models/whisper/missing.onnx');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<title>');
  });

  it('sends security headers on every response, with a CSP the app runs under', async () => {
    const app = buildApp({ database, staticDir });
    for (const path of ['/', '/health', '/auth/me', '/assets/core.wasm', '/nowhere']) {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp, path).toContain("worker-src 'self' blob:");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain('connect-src \'self\' https://huggingface.co');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
  });

  it('lets the CSP reach the model sources its models.json names', async () => {
    mkdirSync(join(staticDir, 'models'), { recursive: true });
    writeFileSync(join(staticDir, 'models', 'models.json'), JSON.stringify({ models: [{ source: { url: 'http://127.0.0.1:4567/org/model' } }] }));
    const res = await buildApp({ database, staticDir }).request('/');
    expect(res.headers.get('content-security-policy')).toContain('http://127.0.0.1:4567');
  });

  it('serves nothing outside the build through path traversal', async () => {
    const app = buildApp({ database, staticDir });
    for (const path of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/..%2fpackage.json']) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toContain('"name"');
    }
  });

  it('hides internals of unexpected errors', async () => {
    const lines: string[] = [];
    const app = buildApp({ database, log: (l) => lines.push(l) });
    app.get('/boom', () => {
      throw new Error('secret detail');
    });
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
    expect(lines.join('\n')).toContain('secret detail');
  });
});

describe('config', () => {
  it('rejects an invalid port with a readable message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
  it('defaults to the embedded database', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });
  it('reads the pool size and the blob limit as numbers, and refuses nonsense', () => {
    expect(loadConfig({ DATABASE_POOL_MAX: '20', BLOB_MAX_BYTES: '4194304' })).toMatchObject({ DATABASE_POOL_MAX: 20, BLOB_MAX_BYTES: 4194304 });
    expect(loadConfig({}).DATABASE_POOL_MAX).toBeUndefined();
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => loadConfig({ BLOB_MAX_BYTES: 'big' })).toThrow(/BLOB_MAX_BYTES/);
  });

  it('needs a sender with SMTP, one way of naming the server, and a Supabase secret unlike our own', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.org:587' })).toThrow(/MAIL_FROM: is required when SMTP is configured/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org', MAIL_FROM: 'a@b.c' })).toThrow(/SMTP_URL: must start with smtp:\/\/ or smtps:\/\//);
    expect(() => loadConfig({ SMTP_URL: 'smtp://a', SMTP_HOST: 'b', MAIL_FROM: 'a@b.c' })).toThrow(/set SMTP_URL or SMTP_HOST, not both/);
    const secret = 'x'.repeat(40);
    expect(() => loadConfig({ JWT_SECRET: secret, SUPABASE_JWT_SECRET: secret })).toThrow(/SUPABASE_JWT_SECRET: must differ from JWT_SECRET/);
  });
  it('sends mail over SMTP when configured; otherwise prints links only outside production', () => {
    const log = () => {};
    expect(mailerFromConfig(loadConfig({ SMTP_HOST: 'mail.example.org', MAIL_FROM: 'a@b.c' }), log).kind).toBe('smtp');
    expect(mailerFromConfig(loadConfig({}), log).kind).toBe('development-log');
    expect(mailerFromConfig(loadConfig({ NODE_ENV: 'production' }), log).kind).toBe('off');
  });
  it('has quotas per plan, each configurable', () => {
    const config = loadConfig({ QUOTA_PRO_SCENES: '250000' });
    expect(config).toMatchObject({ QUOTA_FREE_SCENES: 5000, QUOTA_PRO_SCENES: 250000, QUOTA_ENTERPRISE_SCENES: 1_000_000 });
    expect(() => loadConfig({ QUOTA_FREE_BLOB_BYTES: '-1' })).toThrow(/QUOTA_FREE_BLOB_BYTES/);
  });
});
