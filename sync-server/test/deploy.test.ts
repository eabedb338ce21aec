// @vitest-environment node
// deploy/ cannot be run here (no Docker), so its files are checked against what the server reads: every
// variable the compose file or the image sets is one config.ts knows, the compose settings pass loadConfig,
// the image runs the real entry as a non-root user with a health check on /health, and the README names them all.
// No YAML parser is installed; parseServiceEnvironment reads the block-style subset that compose.yaml uses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../src/config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const compose = readFileSync(join(ROOT, 'deploy/compose.yaml'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');

/** `services.<service>.environment` of a block-style compose file, as written (interpolations left in). */
function parseServiceEnvironment(yaml: string, service: string): Record<string, string> {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => l === `  ${service}:`);
  if (start < 0) throw new Error(`no service ${service}`);
  const env: Record<string, string> = {};
  let inEnvironment = false;
  for (const line of lines.slice(start + 1)) {
    if (/^ {0,2}\S/.test(line)) break; // the next service or top-level key
    if (/^ {4}\S/.test(line)) inEnvironment = line.trim() === 'environment:';
    else if (inEnvironment && /^ {6}\S/.test(line)) {
      const match = /^ {6}([A-Z_][A-Z0-9_]*): (.*)$/.exec(line);
      if (!match) throw new Error(`not a KEY: value line: ${line}`);
      env[match[1]!] = match[2]!;
    }
  }
  return env;
}

/** Compose interpolation, as `docker compose` does it with the given variables set. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (vars[name] !== undefined) return vars[name];
    if (kind === '-') return rest ?? '';
    throw new Error(`${name} is required: ${rest}`);
  });
}

/** `ENV A=1 B=2` lines of the Dockerfile. */
function dockerfileEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, value] = pair.split('=');
      env[key!] = value ?? '';
    }
  }
  return env;
}

describe('deploy/', () => {
  const serverEnv = parseServiceEnvironment(compose, 'server');

  it('sets only variables the server knows, including the ones a deployment must', () => {
    expect(Object.keys(serverEnv).sort()).toEqual(['DATABASE_POOL_MAX', 'DATABASE_URL', 'JWT_SECRET', 'NODE_ENV', 'TRUST_PROXY']);
    for (const key of [...Object.keys(serverEnv), ...Object.keys(dockerfileEnv(dockerfile))]) {
      expect(CONFIG_KEYS, key).toContain(key);
    }
  });

  it('gives a configuration the server accepts, in production, on Postgres', () => {
    const vars = { POSTGRES_PASSWORD: 'pw123', JWT_SECRET: 'x'.repeat(48) };
    const env = { ...dockerfileEnv(dockerfile), ...Object.fromEntries(Object.entries(serverEnv).map(([k, v]) => [k, interpolate(v, vars)])) };
    const config = loadConfig(env);
    expect(config).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', DATABASE_POOL_MAX: 10, TRUST_PROXY: false, STATIC_DIR: 'dist' });
    expect(config.DATABASE_URL).toBe('postgres://heimdex:pw123@db:5432/heimdex');
    // Without the secrets compose refuses to start rather than run with defaults.
    expect(() => interpolate(serverEnv.JWT_SECRET!, {})).toThrow(/JWT_SECRET/);
  });

  it('pairs the server with a pgvector Postgres that it waits for', () => {
    expect(compose).toContain('image: pgvector/pgvector:pg17');
    expect(compose).toMatch(/depends_on:\n\s+db:\n\s+condition: service_healthy/);
    expect(serverEnv.DATABASE_URL).toContain('@db:5432/');
  });

  it("is documented: the README's server section names every variable the server reads", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Run your own server'), readme.indexOf('\n## ', readme.indexOf('## Run your own server') + 1));
    for (const key of CONFIG_KEYS) expect(section, key).toContain(`\`${key}`);
  });

  it('builds the client, runs the real entry as a non-root user, and checks /health', () => {
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    const entry = (JSON.parse(cmd![1]!) as string[]).at(-1)!;
    expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    expect(dockerfile).toContain(`COPY --from=build /app/${entry.split('/')[0]} `);
  });
});
