// @vitest-environment node
// Email verification, password reset and password change through the real app, on embedded PGlite and over
// the Postgres wire. No SMTP here: the development mailer prints the links through the log, which the tests
// read (the SMTP path has its own suite, mail.test.ts).
import type { SessionResponse } from '@heimdex/shared-schema/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.ts';
import { makeAuthRepo } from '../src/auth/repository.ts';
import { hashToken, newOpaqueToken } from '../src/auth/tokens.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';

const LINK_SPENT = { error: 'This link has expired or was already used. Ask for a new one.' };

describe.each(TEST_DATABASES)('email verification and password reset on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;
  const lines: string[] = [];

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({ database, log: (line) => lines.push(line), auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT } });
  });
  afterAll(() => close());

  const post = (path: string, body: unknown, accessToken?: string, on = app) =>
    on.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify(body),
    });
  const register = async (email: string, password: string) => (await (await post('/auth/register', { email, password })).json()) as SessionResponse;
  const repo = () => makeAuthRepo(database.db);
  const actionsOf = async (userId: string) => (await repo().auditTrail(userId)).map((e) => e.action);

  /** The token of the latest emailed link of a kind to an address, waiting for the email to go out. */
  async function linkToken(kind: 'verify-email' | 'reset-password', to: string, after = 0): Promise<string> {
    return vi.waitFor(() => {
      const mine = lines.filter((line) => line.includes(` to ${to} `) && line.includes(`#${kind}=`));
      expect(mine.length).toBeGreaterThan(after);
      return /#[a-z-]+=([A-Za-z0-9_-]+)/.exec(mine.at(-1)!)![1]!;
    });
  }
  const mailsTo = (to: string, kind: string) => lines.filter((line) => line.includes(` to ${to} `) && line.includes(`#${kind}=`)).length;

  it('emails a confirmation link on registering, says in the log that it is for development, and the link works once', async () => {
    const session = await register('ada@example.org', 'correct horse battery');
    const token = await linkToken('verify-email', 'ada@example.org');
    const line = lines.find((l) => l.includes(token))!;
    expect(line).toMatch(/^\[development only\] No SMTP server is configured, so the email "Confirm your email for Heimdex" to ada@example\.org was not sent\. Its link: http:\/\/localhost:8787\/#verify-email=/);

    const confirmed = await post('/auth/verify-email', { token });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ user: { email: 'ada@example.org', emailVerified: true } });
    const again = await post('/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual(LINK_SPENT);

    const me = await app.request('/auth/me', { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(await me.json()).toMatchObject({ user: { emailVerified: true } });
    expect(await actionsOf(session.user.userId)).toEqual(['register', 'email_verification_sent', 'email_verified']);
    const requested = await post('/auth/verify-email/request', {}, session.accessToken);
    expect(requested.status).toBe(409);
    expect(await requested.json()).toEqual({ error: 'Your email address is already confirmed.' });
  });

  it('sends a new confirmation link on request (signed in only), which replaces the old one; an expired link fails', async () => {
    const session = await register('grace@example.org', 'navy compiler 1952');
    const first = await linkToken('verify-email', 'grace@example.org');
    expect((await post('/auth/verify-email/request', {})).status).toBe(401);
    const requested = await post('/auth/verify-email/request', {}, session.accessToken);
    expect(requested.status).toBe(202);
    expect(await requested.json()).toEqual({ message: 'A confirmation link is on its way to your email address.' });
    const second = await linkToken('verify-email', 'grace@example.org', 1);
    expect(second).not.toBe(first);
    expect(await (await post('/auth/verify-email', { token: first })).json()).toEqual(LINK_SPENT);

    // An expired link, written straight to the database (time is not waited for).
    const expired = newOpaqueToken();
    await repo().insertEmailToken({ userId: session.user.userId, purpose: 'VERIFY_EMAIL', tokenHash: hashToken(expired), expiresAt: new Date(Date.now() - 1000) });
    const tooLate = await post('/auth/verify-email', { token: expired });
    expect(tooLate.status).toBe(400);
    expect(await tooLate.json()).toEqual(LINK_SPENT);
    expect((await repo().userById(session.user.userId))!.emailVerifiedAt).toBeNull();
    expect((await post('/auth/verify-email', { token: second })).status).toBe(200);
  });

  it('answers a reset request for a known and an unknown email alike, and only the known one gets an email', async () => {
    await register('linus@example.org', 'penguins everywhere');
    const unknown = await post('/auth/password-reset/request', { email: 'nobody@example.org' });
    const known = await post('/auth/password-reset/request', { email: 'Linus@Example.org' });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    const [unknownBody, knownBody] = [await unknown.text(), await known.text()];
    expect(knownBody).toBe(unknownBody);
    expect(JSON.parse(knownBody)).toEqual({ message: 'If an account has this email address, a link to choose a new password is on its way.' });
    await linkToken('reset-password', 'linus@example.org');
    expect(mailsTo('nobody@example.org', 'reset-password')).toBe(0);
  });

  it('resets the password once per link, ends every session, confirms the email, and audits it', async () => {
    const first = await register('alan@example.org', 'enigma machine');
    const secondDevice = (await (await post('/auth/login', { email: 'alan@example.org', password: 'enigma machine' })).json()) as SessionResponse;
    const verifyToken = await linkToken('verify-email', 'alan@example.org');
    expect((await post('/auth/password-reset/request', { email: 'alan@example.org' })).status).toBe(202);
    const token = await linkToken('reset-password', 'alan@example.org');

    // A link of the other kind is no reset link.
    expect(await (await post('/auth/password-reset', { token: verifyToken, newPassword: 'bombe at bletchley' })).json()).toEqual(LINK_SPENT);
    const weak = await post('/auth/password-reset', { token, newPassword: 'short' });
    expect(await weak.json()).toEqual({ error: 'newPassword must be at least 8 characters.', field: 'newPassword' });

    const reset = await post('/auth/password-reset', { token, newPassword: 'bombe at bletchley' });
    expect(reset.status).toBe(200);
    const fresh = (await reset.json()) as SessionResponse;
    expect(fresh.user).toMatchObject({ email: 'alan@example.org', emailVerified: true });

    for (const old of [first, secondDevice]) expect((await post('/auth/refresh', { refreshToken: old.refreshToken })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: fresh.refreshToken })).status).toBe(200);
    expect((await post('/auth/login', { email: 'alan@example.org', password: 'enigma machine' })).status).toBe(401);
    expect((await post('/auth/login', { email: 'alan@example.org', password: 'bombe at bletchley' })).status).toBe(200);

    const again = await post('/auth/password-reset', { token, newPassword: 'a third password' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual(LINK_SPENT);
    expect(await actionsOf(first.user.userId)).toEqual(expect.arrayContaining(['password_reset_requested', 'password_reset']));
  });

  it('refuses an expired reset link and a superseded one, leaving the password as it was', async () => {
    const session = await register('barbara@example.org', 'liskov substitution');
    const expired = newOpaqueToken();
    await repo().insertEmailToken({ userId: session.user.userId, purpose: 'RESET_PASSWORD', tokenHash: hashToken(expired), expiresAt: new Date(Date.now() - 1000) });
    expect(await (await post('/auth/password-reset', { token: expired, newPassword: 'a new password' })).json()).toEqual(LINK_SPENT);

    await post('/auth/password-reset/request', { email: 'barbara@example.org' });
    const older = await linkToken('reset-password', 'barbara@example.org');
    await post('/auth/password-reset/request', { email: 'barbara@example.org' });
    const newer = await linkToken('reset-password', 'barbara@example.org', 1);
    expect(await (await post('/auth/password-reset', { token: older, newPassword: 'a new password' })).json()).toEqual(LINK_SPENT);
    expect((await post('/auth/login', { email: 'barbara@example.org', password: 'liskov substitution' })).status).toBe(200);
    expect((await post('/auth/password-reset', { token: newer, newPassword: 'a new password' })).status).toBe(200);
  });

  it('lets only one of two simultaneous uses of a link win', async () => {
    await register('edsger@example.org', 'goto considered harmful');
    await post('/auth/password-reset/request', { email: 'edsger@example.org' });
    const token = await linkToken('reset-password', 'edsger@example.org');
    const answers = await Promise.all([
      post('/auth/password-reset', { token, newPassword: 'structured one' }),
      post('/auth/password-reset', { token, newPassword: 'structured two' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
  });

  it('changes the password of a signed-in user who gives the current one, ending the other sessions', async () => {
    const session = await register('margaret@example.org', 'apollo guidance');
    const other = (await (await post('/auth/login', { email: 'margaret@example.org', password: 'apollo guidance' })).json()) as SessionResponse;
    expect((await post('/auth/password', { currentPassword: 'apollo guidance', newPassword: 'lunar module' })).status).toBe(401);

    const wrong = await post('/auth/password', { currentPassword: 'not it at all', newPassword: 'lunar module' }, session.accessToken);
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'The current password is wrong.', field: 'currentPassword' });

    const changed = await post('/auth/password', { currentPassword: 'apollo guidance', newPassword: 'lunar module' }, session.accessToken);
    expect(changed.status).toBe(200);
    const fresh = (await changed.json()) as SessionResponse;
    for (const old of [session, other]) expect((await post('/auth/refresh', { refreshToken: old.refreshToken })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: fresh.refreshToken })).status).toBe(200);
    expect((await post('/auth/login', { email: 'margaret@example.org', password: 'lunar module' })).status).toBe(200);
    expect(await actionsOf(session.user.userId)).toEqual(expect.arrayContaining(['password_change_failed', 'password_changed']));
  });

  it('limits reset emails per address, known or not, with the same answer', async () => {
    const limited = buildApp({
      database,
      log: (line) => lines.push(line),
      auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT, rateLimits: { mailPerAccount: { name: 'mail-test', limit: 2, windowS: 60 } } },
    });
    await register('limit@example.org', 'rate limited pass');
    for (const email of ['limit@example.org', 'ghost@example.org']) {
      for (const n of [1, 2]) expect((await post('/auth/password-reset/request', { email }, undefined, limited)).status, `${email} ${n}`).toBe(202);
      const third = await post('/auth/password-reset/request', { email }, undefined, limited);
      expect(third.status, email).toBe(429);
      expect(third.headers.get('retry-after'), email).not.toBeNull();
    }
  });

  it('never logs a password, and logs a token only in the development link line', async () => {
    await vi.waitFor(() => expect(mailsTo('limit@example.org', 'reset-password')).toBe(2)); // background work of the test above
    const passwords = ['correct horse battery', 'navy compiler', 'penguins everywhere', 'enigma machine', 'bombe at bletchley', 'lunar module', 'apollo guidance'];
    for (const line of lines) {
      for (const password of passwords) expect(line).not.toContain(password);
      if (/[A-Za-z0-9_-]{43}/.test(line)) expect(line.startsWith('[development only]'), line).toBe(true);
    }
  });
});
