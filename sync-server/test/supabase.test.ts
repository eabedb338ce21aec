// @vitest-environment node
// Optional Supabase sign-in, with real tokens signed the way Supabase signs them (HS256 with the project's
// JWT secret, audience `authenticated`), on embedded PGlite and over the Postgres wire.
import type { SessionResponse } from '@heimdex/shared-schema/protocol';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { makeAuthRepo } from '../src/auth/repository.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';

const SUPABASE_SECRET = 'supabase-project-jwt-secret-0123456789abcdef';
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a Supabase access token for a signed-in user. */
function supabaseClaims(sub: string, email: string, lifetimeS = 3600): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, email, aud: 'authenticated', role: 'authenticated', iss: 'https://project.supabase.co/auth/v1', iat: now, exp: now + lifetimeS, session_id: crypto.randomUUID() };
}
const supabaseToken = (claims: Record<string, unknown>, secret = SUPABASE_SECRET) => sign(claims, secret, 'HS256');

describe.each(TEST_DATABASES)('Supabase sign-in on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT, supabaseJwtSecret: SUPABASE_SECRET } });
  });
  afterAll(() => close());

  const me = (token: string, on = app) => on.request('/auth/me', { headers: { authorization: `Bearer ${token}` } });
  const post = (path: string, body: unknown, accessToken?: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify(body),
    });

  it('reports Supabase sign-in in /health', async () => {
    expect(await (await app.request('/health')).json()).toMatchObject({ features: { supabase: true } });
    expect(await (await buildApp({ database }).request('/health')).json()).toMatchObject({ features: { supabase: false } });
  });

  it('accepts a valid Supabase token, creating a local account on first sight and reusing it after', async () => {
    const sub = crypto.randomUUID();
    const token = await supabaseToken(supabaseClaims(sub, 'Ada@Example.org'));
    const first = await me(token);
    expect(first.status).toBe(200);
    const { user } = (await first.json()) as { user: SessionResponse['user'] };
    expect(user).toMatchObject({ email: 'ada@example.org', tier: 'FREE' });

    // A later token of the same Supabase user (another session) maps to the same account.
    const later = await me(await supabaseToken(supabaseClaims(sub, 'ada@example.org')));
    expect(((await later.json()) as { user: { userId: string } }).user.userId).toBe(user.userId);

    const row = await makeAuthRepo(database.db).userById(user.userId);
    expect(row).toMatchObject({ externalId: sub, passwordHash: null });
    expect(await makeAuthRepo(database.db).auditTrail(user.userId)).toEqual([{ action: 'register', metadata: { via: 'supabase' } }]);
  });

  it('creates one account when the first two requests of a Supabase user arrive together', async () => {
    const sub = crypto.randomUUID();
    const token = await supabaseToken(supabaseClaims(sub, 'twice@example.org'));
    const answers = await Promise.all([me(token), me(token), me(token)]);
    const ids = await Promise.all(answers.map(async (a) => ((await a.json()) as { user: { userId: string } }).user.userId));
    expect(new Set(ids).size).toBe(1);
  });

  it('refuses expired, wrongly signed, unsigned, other-algorithm, wrong-audience and email-less Supabase tokens', async () => {
    const sub = crypto.randomUUID();
    const claims = supabaseClaims(sub, 'mallory@example.org');
    const cases: Record<string, string> = {
      expired: await supabaseToken(supabaseClaims(sub, 'mallory@example.org', -60)),
      'another secret': await supabaseToken(claims, 'not-the-supabase-secret-0123456789abcdef'),
      'signed with our own secret': await supabaseToken(claims, SECRET),
      'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
      'signed with HS512': await sign(claims, SUPABASE_SECRET, 'HS512'),
      'anon audience': await supabaseToken({ ...claims, aud: 'anon', role: 'anon' }),
      'anonymous sign-in without email': await supabaseToken({ ...claims, email: '' }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await me(token);
      expect(res.status, what).toBe(401);
      expect(res.headers.get('www-authenticate'), what).toBe('Bearer');
    }
    expect(await makeAuthRepo(database.db).userByEmail('mallory@example.org')).toBeNull();
  });

  it('accepts no Supabase token when Supabase sign-in is not configured', async () => {
    const plain = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT } });
    expect((await me(await supabaseToken(supabaseClaims(crypto.randomUUID(), 'nosupa@example.org')), plain)).status).toBe(401);
  });

  it('never takes over a local account with the same email, and keeps our own tokens working', async () => {
    const local = (await (await post('/auth/register', { email: 'grace@example.org', password: 'navy compiler 1952' })).json()) as SessionResponse;
    const res = await me(await supabaseToken(supabaseClaims(crypto.randomUUID(), 'grace@example.org')));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'An account with this email already exists on this server. Sign in with its password.' });
    expect((await makeAuthRepo(database.db).userById(local.user.userId))!.externalId).toBeNull();
    expect((await me(local.accessToken)).status).toBe(200);
  });

  it('gives a Supabase account no password: password sign-in fails like a wrong one, change says why', async () => {
    const token = await supabaseToken(supabaseClaims(crypto.randomUUID(), 'linus@example.org'));
    expect((await me(token)).status).toBe(200);
    const login = await post('/auth/login', { email: 'linus@example.org', password: 'any password at all' });
    expect(login.status).toBe(401);
    expect(await login.json()).toEqual({ error: 'The email or the password is wrong.' });
    const change = await post('/auth/password', { currentPassword: 'anything', newPassword: 'a new password' }, token);
    expect(change.status).toBe(409);
    expect(((await change.json()) as { error: string }).error).toMatch(/signs in through Supabase/);
  });
});
