// @vitest-environment node
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveJwtSecret } from '../src/auth/secret.ts';

const dir = mkdtempSync(join(tmpdir(), 'heimdex-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JWT secret', () => {
  it('is the configured one when set', () => {
    expect(resolveJwtSecret({ configured: 's'.repeat(40), production: true, dataDir: dir })).toBe('s'.repeat(40));
  });

  it('outside production, is generated once and kept in the data folder (owner-only), so sessions survive a restart', () => {
    const first = resolveJwtSecret({ configured: undefined, production: false, dataDir: dir });
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(resolveJwtSecret({ configured: undefined, production: false, dataDir: dir })).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o077).toBe(0);
  });

  it('refuses to start in production without one', () => {
    expect(() => resolveJwtSecret({ configured: undefined, production: true, dataDir: dir })).toThrow(/JWT_SECRET must be set when NODE_ENV=production/);
  });
});
