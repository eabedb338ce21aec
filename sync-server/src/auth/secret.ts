// The JWT signing secret: from the configuration; else, outside production, one generated once and kept in
// the data folder (so `npm start` works alone and sessions survive a restart). Production refuses to start
// without one: a secret on one instance's disk would not be shared by the others.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'jwt-secret';

export function resolveJwtSecret(opts: { configured: string | undefined; production: boolean; dataDir: string }): string {
  if (opts.configured) return opts.configured;
  if (opts.production) throw new Error('JWT_SECRET must be set when NODE_ENV=production (at least 32 characters, the same on every instance).');
  if (opts.dataDir.startsWith('memory://')) return randomBytes(32).toString('base64url');
  const path = join(opts.dataDir, FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(opts.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
