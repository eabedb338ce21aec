// @vitest-environment node
// The SMTP path, against a real SMTP server on loopback (smtp-server, nodemailer's own server library): the
// configuration chooses nodemailer, the email arrives with its link, and the link works. The database is not
// what this suite is about, so it runs on embedded PGlite only (account.test.ts covers both databases).
import { createServer } from 'node:net';
import type { SessionResponse } from '@heimdex/shared-schema/protocol';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.ts';
import { TEST_SCRYPT } from './databases.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type OpenDatabase } from '../src/db/open.ts';
import { mailerFromConfig } from '../src/mail/from-config.ts';


interface Received {
  mailFrom: string;
  rcptTo: string[];
  user: string | undefined;
  raw: string;
}

/** The message body as text: quoted-printable soft breaks joined and escapes decoded. */
const decoded = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

let database: OpenDatabase;
let smtp: SMTPServer;
let smtpPort: number;
const received: Received[] = [];

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true, // loopback only
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'heimdex' && auth.password === 's3cret smtp pass') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database.close();
});

function appWith(env: Record<string, string>, lines: string[]) {
  const config = loadConfig({ MAIL_FROM: 'Heimdex <no-reply@heimdex.test>', PUBLIC_URL: 'https://heimdex.example.org', ...env });
  const log = (line: string) => lines.push(line);
  const mailer = mailerFromConfig(config, log);
  const app = buildApp({ database, log, mailer, publicUrl: config.PUBLIC_URL!, auth: { scrypt: TEST_SCRYPT } });
  const post = (path: string, body: unknown, accessToken?: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify(body),
    });
  return { app, post, mailer };
}

const mailTo = (address: string, subject: string) =>
  vi.waitFor(() => {
    const mail = received.find((m) => m.rcptTo.includes(address) && m.raw.includes(`Subject: ${subject}`));
    expect(mail, `an email "${subject}" to ${address}`).toBeDefined();
    return mail!;
  });

describe('email over SMTP', () => {
  it('sends the confirmation and reset emails through an SMTP server with a login, with working links', async () => {
    const lines: string[] = [];
    const { app, post, mailer } = appWith({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_USER: 'heimdex', SMTP_PASS: 's3cret smtp pass' }, lines);
    expect(mailer.kind).toBe('smtp');
    expect(await (await app.request('/health')).json()).toMatchObject({ features: { smtp: true, supabase: false } });

    const session = (await (await post('/auth/register', { email: 'ada@example.org', password: 'correct horse battery' })).json()) as SessionResponse;
    const confirm = await mailTo('ada@example.org', 'Confirm your email for Heimdex');
    expect(confirm).toMatchObject({ mailFrom: 'no-reply@heimdex.test', user: 'heimdex' });
    expect(confirm.raw).toMatch(/^From: Heimdex <no-reply@heimdex\.test>/m);
    const verifyToken = /https:\/\/heimdex\.example\.org\/#verify-email=([A-Za-z0-9_-]{43})/.exec(decoded(confirm.raw))?.[1];
    expect(verifyToken).toBeDefined();
    expect(await (await post('/auth/verify-email', { token: verifyToken })).json()).toMatchObject({ user: { emailVerified: true } });

    expect((await post('/auth/password-reset/request', { email: 'ada@example.org' })).status).toBe(202);
    const reset = await mailTo('ada@example.org', 'Choose a new Heimdex password');
    const resetToken = /https:\/\/heimdex\.example\.org\/#reset-password=([A-Za-z0-9_-]{43})/.exec(decoded(reset.raw))?.[1];
    expect((await post('/auth/password-reset', { token: resetToken, newPassword: 'a brand new password' })).status).toBe(200);
    expect((await post('/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);

    // With mail really going out, nothing secret reaches the log.
    for (const line of lines) for (const token of [verifyToken!, resetToken!]) expect(line).not.toContain(token);
    mailer.close();
  });

  it('takes the server as one SMTP_URL too', async () => {
    const { post, mailer } = appWith({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }, []);
    await post('/auth/register', { email: 'grace@example.org', password: 'navy compiler 1952' });
    const mail = await mailTo('grace@example.org', 'Confirm your email for Heimdex');
    expect(mail.user).toBeUndefined(); // no login in this URL
    mailer.close();
  });

  it('says plainly when the confirmation email cannot be sent, and logs why without the link', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const lines: string[] = [];
    const { post, mailer } = appWith({ SMTP_URL: `smtp://127.0.0.1:${closedPort}` }, lines);
    const session = (await (await post('/auth/register', { email: 'linus@example.org', password: 'penguins everywhere' })).json()) as SessionResponse;
    const res = await post('/auth/verify-email/request', {}, session.accessToken);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'The confirmation email could not be sent. Try again in a few minutes.' });
    expect(lines.join('\n')).toMatch(/Sending a confirmation email failed: .*ECONNREFUSED/);
    expect(lines.join('\n')).not.toContain('#verify-email=');
    mailer.close();
  });
});
