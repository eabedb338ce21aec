// @vitest-environment node
// Accounts and sessions through the real app (`app.request()`), on embedded PGlite and over the Postgres wire.
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { hashPassword, OWASP_SCRYPT, verifyPassword } from '../src/auth/passwords.ts';
import { makeAuthRepo } from '../src/auth/repository.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';


const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(TEST_DATABASES)('accounts on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT } });
  });
  afterAll(() => close());

  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const me = (token: string) => app.request('/auth/me', { headers: { authorization: `Bearer ${token}` } });

  it('registers, signs in with the same account (email in any case) and answers who is signed in', async () => {
    const created = await post('/auth/register', { email: 'Ada@Example.org', password: 'correct horse battery' });
    expect(created.status).toBe(201);
    const session = (await created.json()) as { accessToken: string; refreshToken: string; expiresIn: number; user: { email: string; tier: string } };
    expect(session).toMatchObject({ expiresIn: 900, user: { email: 'ada@example.org', tier: 'FREE', emailVerified: false } });

    const whoami = await me(session.accessToken);
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({ user: { email: 'ada@example.org' } });

    const again = await post('/auth/register', { email: 'ada@example.org', password: 'another password' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'An account with this email already exists. Sign in instead.' });

    const login = await post('/auth/login', { email: 'ADA@example.org', password: 'correct horse battery' });
    expect(login.status).toBe(200);
  });

  it('stores no password and no refresh token in the clear', async () => {
    const res = await post('/auth/register', { email: 'grace@example.org', password: 'navy compiler 1952' });
    const { refreshToken, user } = (await res.json()) as { refreshToken: string; user: { userId: string } };
    const repo = makeAuthRepo(database.db);
    const row = await repo.userById(user.userId);
    expect(row!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row!.passwordHash).not.toContain('navy compiler');
    expect(await repo.refreshTokenByHash(refreshToken)).toBeNull(); // looked up by its hash only
  });

  it('refuses a wrong password and an unknown email with the same answer, and audits both', async () => {
    await post('/auth/register', { email: 'linus@example.org', password: 'penguins everywhere' });
    const wrong = await post('/auth/login', { email: 'linus@example.org', password: 'penguins nowhere' });
    const unknown = await post('/auth/login', { email: 'nobody@example.org', password: 'penguins nowhere' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    const user = await makeAuthRepo(database.db).userByEmail('linus@example.org');
    const trail = (await makeAuthRepo(database.db).auditTrail(user!.userId)).map((e) => e.action);
    // (the confirmation email after registering goes out in the background and is audited too)
    expect(trail.filter((action) => action !== 'email_verification_sent')).toEqual(['register', 'login_failed']);
  });

  it('names the field at fault, refuses bodies that are too large or not JSON', async () => {
    const badEmail = await post('/auth/register', { email: 'not-an-email', password: 'long enough pass' });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.json()).toEqual({ error: 'email must be an email address.', field: 'email' });
    const short = await post('/auth/register', { email: 'a@example.org', password: 'short' });
    expect(await short.json()).toEqual({ error: 'password must be at least 8 characters.', field: 'password' });
    const missing = await post('/auth/login', { email: 'a@example.org' });
    expect(await missing.json()).toEqual({ error: 'password is required.', field: 'password' });
    const huge = await post('/auth/login', { email: 'a@example.org', password: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    const notJson = await post('/auth/login', '{"email":');
    expect(notJson.status).toBe(400);
  });

  it('rotates the refresh token on every use; a rotated token used again ends the whole session family', async () => {
    const first = (await (await post('/auth/register', { email: 'alan@example.org', password: 'enigma machine' })).json()) as {
      refreshToken: string;
      user: { userId: string };
    };
    const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    const rotated = (await second.json()) as { refreshToken: string; accessToken: string };
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect((await me(rotated.accessToken)).status).toBe(200);

    // The old token again (a thief's copy, or the owner's stale one): refused, and the family is revoked.
    const reused = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { error: string }).error).toMatch(/used twice/);
    expect((await post('/auth/refresh', { refreshToken: rotated.refreshToken })).status).toBe(401);
    const trail = await makeAuthRepo(database.db).auditTrail(first.user.userId);
    expect(trail.map((e) => e.action)).toContain('refresh_token_reuse');
  });

  it('signs out: the refresh token no longer works', async () => {
    const session = (await (await post('/auth/register', { email: 'barbara@example.org', password: 'liskov substitution' })).json()) as { refreshToken: string };
    expect((await post('/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
    expect((await post('/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    expect((await post('/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204); // twice is fine
  });

  it('limits sign-in attempts per address and per account, counted in the database so instances share them', async () => {
    const limits = { perIp: { name: 'ip', limit: 4, windowS: 60 }, perAccount: { name: 'acct', limit: 2, windowS: 60 } };
    // Two server instances on one database, behind a proxy that says who the caller is.
    const [one, two] = [0, 1].map(() => buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT, trustProxy: true, rateLimits: limits } }));
    const attempt = (instance: typeof one, email: string, ip: string) =>
      instance!.request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email, password: 'wrong password' }),
      });
    expect((await attempt(one, 'target@example.org', '10.0.0.1')).status).toBe(401);
    expect((await attempt(two, 'target@example.org', '10.0.0.2')).status).toBe(401);
    const third = await attempt(one, 'target@example.org', '10.0.0.3'); // a third try at one account, from a third address
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await third.json()) as { error: string }).error).toMatch(/^Too many attempts\. Try again in 1 minute\.$/);

    for (const n of [1, 2, 3]) expect((await attempt(two, `other${n}@example.org`, '10.0.0.9')).status, `try ${n}`).toBe(401);
    expect((await attempt(one, 'other4@example.org', '10.0.0.9')).status).toBe(401);
    expect((await attempt(two, 'other5@example.org', '10.0.0.9')).status).toBe(429); // fifth from one address
  });

  it('refuses missing, expired, tampered, wrong-algorithm and unsigned access tokens', async () => {
    const session = (await (await post('/auth/register', { email: 'margaret@example.org', password: 'apollo guidance' })).json()) as {
      accessToken: string;
      user: { userId: string };
    };
    const sub = session.user.userId;
    const now = Math.floor(Date.now() / 1000);
    const [header, payload, signature] = session.accessToken.split('.') as [string, string, string];
    const tampered = `${header}.${b64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: crypto.randomUUID() })}.${signature}`;
    const cases: Record<string, string> = {
      expired: await sign({ sub, typ: 'access', iat: now - 3600, exp: now - 60 }, SECRET, 'HS256'),
      tampered,
      'signed with HS512': await sign({ sub, typ: 'access', iat: now, exp: now + 600 }, SECRET, 'HS512'),
      'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub, typ: 'access', iat: now, exp: now + 600 })}.`,
      'another secret': await sign({ sub, typ: 'access', iat: now, exp: now + 600 }, 'some-other-secret-0123456789abcdef', 'HS256'),
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await me(token);
      expect(res.status, what).toBe(401);
      expect(res.headers.get('www-authenticate'), what).toBe('Bearer');
    }
    expect((await app.request('/auth/me')).status).toBe(401);
  });
});

describe('password hashing', () => {
  it('uses scrypt at OWASP’s cost by default and verifies only the right password', async () => {
    const hash = await hashPassword('a long passphrase');
    expect(hash.startsWith(`scrypt$${OWASP_SCRYPT.N}$8$1$`)).toBe(true);
    expect(await verifyPassword('a long passphrase', hash)).toBe(true);
    expect(await verifyPassword('a long passphrasE', hash)).toBe(false);
    expect(await verifyPassword('anything', 'md5$nope')).toBe(false);
  });
});
