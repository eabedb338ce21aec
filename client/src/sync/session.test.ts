// @vitest-environment node
// The account and the background loop of a library (real PGlite) against the real sync server (in-process):
// signing up registers the device and queues what the library already held; tokens are refreshed before they
// expire and a session the server ended signs the library out with a plain message; the loop syncs local
// changes by itself and says when the server cannot be reached.
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { startSyncLoop, type SyncLoop, type SyncStatus } from './loop.ts';
import { outboxSize } from './outbox.ts';
import { makeSyncServer } from './server-api.ts';
import { AccountError, DEVICE_REMOVED, makeSession, SESSION_ENDED, type Session } from './session.ts';
import { readSyncState } from './state.ts';
import { useTestServer } from './testing.ts';

const server = useTestServer();

let pg: PGlite;
let clock = Date.now();
let online = true;
let session: Session;
const email = () => `u${randomUUID().slice(0, 8)}@example.org`;
const network = (async (url: string, init?: RequestInit) => {
  if (!online) throw new TypeError('Failed to fetch');
  return server.app.request(url, init);
}) as typeof fetch;

beforeEach(async () => {
  pg = await openTestDatabase();
  clock = Date.now();
  online = true;
  session = makeSession({ db: drizzle(pg), baseUrl: '', fetch: network, now: () => clock });
});
afterEach(() => pg.close());

async function importVideo(name: string) {
  const created = await makeDbApi(pg).createVideo({ title: name, fileName: `${name}.mp4`, sizeBytes: 1, mime: null, contentSha256: randomUUID().replace(/-/g, '').padEnd(64, '0') });
  if (created.status !== 'created') throw new Error(created.status);
  return created.videoId;
}

describe('the account', () => {
  it('signs up with this device registered, and queues what the library held before sync existed', async () => {
    await importVideo('before');
    await pg.exec('delete from sync_outbox; update videos set hlc = null;'); // as a library from before migration 0006
    const account = await session.signUp(email(), 'correct horse battery', 'Laptop');
    expect(account).toMatchObject({ deviceName: 'Laptop', emailVerified: false });
    expect((await readSyncState(drizzle(pg))).deviceId).toBe(account.deviceId);
    expect(await outboxSize(drizzle(pg))).toBe(1);
    expect(await session.devices()).toEqual([expect.objectContaining({ deviceId: account.deviceId, name: 'Laptop' })]);
    // A reload keeps it (it lives in the library's database).
    const again = makeSession({ db: drizzle(pg), baseUrl: '', fetch: network });
    expect(await again.account()).toEqual(account);
  });

  it('says what is wrong in the server’s words: a taken email, a wrong password', async () => {
    const address = email();
    await session.signUp(address, 'correct horse battery', 'Laptop');
    await expect(session.signUp(address, 'correct horse battery', 'Phone')).rejects.toBeInstanceOf(AccountError);
    await session.signOut();
    const wrong = await session.signIn(address, 'not the password', 'Laptop').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AccountError);
    expect((wrong as Error).message).not.toMatch(/password_hash|stack|sql/i);
    expect(await session.account()).toBeNull();
  });

  it('refreshes the access token before it expires, and signs out with a message when the server ended the session', async () => {
    await session.signUp(email(), 'correct horse battery', 'Laptop');
    const refreshToken = async () =>
      (await pg.query<{ account: { account: { refreshToken: string } } }>('select account from device_sync_state')).rows[0]!.account.account.refreshToken;
    const first = await refreshToken();
    expect(await session.accessToken()).toBeTruthy();
    expect(await refreshToken(), 'no refresh while the token is fresh').toBe(first);
    clock += 60 * 60 * 1000; // past the access token's life
    expect(await session.accessToken()).toBeTruthy();
    // Rotated on every refresh: the old one used again (a stolen copy) would revoke the family on the server.
    const current = await refreshToken();
    expect(current).not.toBe(first);
    const stolen = await server.app.request('/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: current }) });
    expect(stolen.status).toBe(200); // the thief rotates first …
    clock += 60 * 60 * 1000;
    expect(await session.accessToken()).toBeNull(); // … and this device's copy is now a reused token
    expect(await session.account()).toBeNull();
    expect(session.endedBecause()).toBe(SESSION_ENDED);
  });
});

describe('the account, across sign-outs', () => {
  it('hands the library to the account it first synced with, again after a sign-out, but not to another account', async () => {
    const first = email();
    await importVideo('mine');
    await session.signUp(first, 'correct horse battery', 'Laptop');
    expect(await outboxSize(drizzle(pg))).toBe(1);
    await session.signOut();
    await session.signUp(email(), 'correct horse battery', 'Laptop');
    expect(await outboxSize(drizzle(pg)), 'another account gets nothing of this library').toBe(0);
    await session.signOut();
    await session.signIn(first, 'correct horse battery', 'Laptop');
    expect(await outboxSize(drizzle(pg)), 'the same account again gets it all').toBe(1);
  });
});

describe('the background loop', () => {
  let loop: SyncLoop | undefined;
  afterEach(() => loop?.stop());

  const until = async (what: (s: SyncStatus) => boolean, ms = 20_000): Promise<SyncStatus> => {
    const end = Date.now() + ms;
    for (;;) {
      const status = loop!.status();
      if (what(status)) return status;
      if (Date.now() > end) throw new Error(`status stayed ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('is signed out until an account exists, then sends local changes by itself; offline, it says so and keeps them', async () => {
    session = makeSession({ db: drizzle(pg), baseUrl: '', fetch: network });
    const server = makeSyncServer({ baseUrl: '', accessToken: session.accessToken, tokenRefused: session.tokenRefused, fetch: network });
    loop = startSyncLoop({ db: drizzle(pg), session, server, userId: LOCAL_USER_ID, watchMs: 50, intervalMs: 60_000 });
    await until((s) => s.phase === 'signed-out');
    await session.signUp(email(), 'correct horse battery', 'Laptop');
    await importVideo('one');
    await until((s) => s.phase === 'synced' && s.waiting === 0);
    online = false;
    await importVideo('two');
    const offline = await until((s) => s.phase === 'offline');
    expect(offline.waiting).toBe(1);
    expect(offline.message).toMatch(/cannot be reached/);
    online = true;
    await loop.syncNow();
    expect(loop.status()).toMatchObject({ phase: 'synced', waiting: 0 });

    // Removed from the account (on another device): it stops syncing and says why, instead of coming back.
    const { deviceId } = (await session.account())!;
    const other = makeSession({ db: drizzle(await openTestDatabase()), baseUrl: '', fetch: network });
    await other.signIn((await session.account())!.email, 'correct horse battery', 'Phone');
    await other.removeDevice(deviceId);
    await importVideo('three');
    const removed = await until((s) => s.phase === 'signed-out');
    expect(removed.message).toBe(DEVICE_REMOVED);
    expect(await session.account()).toBeNull();
  });
});
