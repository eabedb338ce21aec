// The account this library syncs with, kept in the library's database (device_sync_state.account) so a reload
// stays signed in: sign-up and sign-in (which also register this device), sign-out, the access token kept fresh
// (one refresh at a time: the server revokes every session of a refresh token used twice), email verification,
// password reset and the account's devices. Runs in the DB worker, the one place that refreshes tokens.
import {
  acceptedResponse,
  deviceInfo,
  devicesResponse,
  errorResponse,
  PROTOCOL_HEADER,
  sessionResponse,
  SYNC_PROTOCOL_VERSION,
  type DeviceInfo,
  type SessionResponse,
  userResponse,
} from '@heimdex/shared-schema/protocol';
import { deviceSyncState, syncOutbox } from '@heimdex/shared-schema';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Queryable } from '../db/types.ts';
import { enqueueEverything } from './outbox.ts';
import { SyncError } from './server-api.ts';
import { becomeDevice, readSyncState } from './state.ts';

/** What the app shows of the account (never the tokens). */
export interface AccountInfo {
  userId: string;
  email: string;
  emailVerified: boolean;
  deviceId: string;
  deviceName: string;
}

interface AccountColumn {
  /** The account this library first synced with. */
  owner: string | null;
  account: StoredAccount | null;
}

interface StoredAccount extends AccountInfo {
  accessToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  refreshToken: string;
}

/** Said when the account is signed out by the server (expired or revoked session), until the next sign-in. */
export const SESSION_ENDED = 'Your session ended, so this device stopped syncing. Sign in again to carry on; nothing on this device was lost.';
/** Said when the account no longer lists this device. Signing in again registers it anew. */
export const DEVICE_REMOVED = 'This device was removed from your account, so it stopped syncing. Sign in again to sync it; nothing on this device was lost.';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

/** A request the server refused, in its own words (e.g. "email: must be an email address"). */
export class AccountError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface SessionOptions {
  db: Queryable;
  baseUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export function makeSession(opts: SessionOptions) {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let refreshing: Promise<string | null> | null = null;
  /** Why the session ended (shown until the next sign-in); kept in memory: a reload starts signed out and quiet. */
  let endedBecause: string | null = null;
  /** The account column as last read or written: this session is its only writer (one DB worker per library). */
  let cached: AccountColumn | undefined;

  async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { [PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    try {
      return await doFetch(`${opts.baseUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch {
      throw new SyncError('offline', 'The sync server cannot be reached. Check the connection and try again.');
    }
  }

  async function parse<T extends z.ZodType>(res: Response, schema: T): Promise<z.infer<T>> {
    if (res.ok) return schema.parse(await res.json());
    const body = errorResponse.safeParse(await res.json().catch(() => ({})));
    if (res.status >= 500) throw new SyncError('offline', 'The sync server is having trouble. Try again in a moment.', res.status);
    throw new AccountError(body.success ? body.data.error : `The server refused the request (${res.status}).`, res.status);
  }

  /**
   * The column holds the signed-in account (null while signed out) and the account this library first synced
   * with, its owner, which a sign-out does not forget.
   */
  async function column(): Promise<AccountColumn> {
    if (cached) return cached;
    const [row] = await db.select({ account: deviceSyncState.account }).from(deviceSyncState).where(eq(deviceSyncState.id, 1));
    cached = (row?.account as AccountColumn | null | undefined) ?? { owner: null, account: null };
    return cached;
  }
  async function stored(): Promise<StoredAccount | null> {
    return (await column()).account;
  }
  async function store(account: StoredAccount | null): Promise<void> {
    await readSyncState(db); // makes the row
    const value: AccountColumn = { owner: (await column()).owner ?? account?.userId ?? null, account };
    await db.update(deviceSyncState).set({ account: value }).where(eq(deviceSyncState.id, 1));
    cached = value;
  }
  const info = ({ userId, email, emailVerified, deviceId, deviceName }: StoredAccount): AccountInfo => ({ userId, email, emailVerified, deviceId, deviceName });
  const tokens = (s: SessionResponse) => ({ accessToken: s.accessToken, accessExpiresAt: now() + s.expiresIn * 1000, refreshToken: s.refreshToken });

  /** Registers this device with the account and makes it this library's identity for sync. */
  async function registerDevice(session: SessionResponse, deviceName: string): Promise<StoredAccount> {
    const res = await call('/devices', { body: { name: deviceName }, token: session.accessToken });
    const device = await parse(res, deviceInfo.pick({ deviceId: true, name: true }));
    const { owner } = await column();
    await becomeDevice(db, device.deviceId);
    // What this library holds goes to its account (rows made before sync existed have no outbox entry). Signed in
    // to another account, it keeps its rows here but hands them over to nobody (they may be someone else's: a
    // shared computer); what is changed from then on goes to that account.
    if (owner === null || owner === session.user.userId) await enqueueEverything(db);
    else await db.delete(syncOutbox);
    return { userId: session.user.userId, email: session.user.email, emailVerified: session.user.emailVerified, deviceId: device.deviceId, deviceName: device.name, ...tokens(session) };
  }

  async function begin(path: '/auth/register' | '/auth/login', email: string, password: string, deviceName: string): Promise<AccountInfo> {
    const session = await parse(await call(path, { body: { email, password } }), sessionResponse);
    const account = await registerDevice(session, deviceName);
    await store(account);
    endedBecause = null;
    return info(account);
  }

  async function end(reason: string | null): Promise<void> {
    await store(null);
    await becomeDevice(db, null);
    endedBecause = reason;
  }

  async function refresh(account: StoredAccount): Promise<string | null> {
    const res = await call('/auth/refresh', { body: { refreshToken: account.refreshToken } });
    if (res.status === 401) {
      await end(SESSION_ENDED);
      return null;
    }
    const session = await parse(res, sessionResponse);
    await store({ ...account, ...tokens(session), email: session.user.email, emailVerified: session.user.emailVerified });
    return session.accessToken;
  }

  const api = {
    async account(): Promise<AccountInfo | null> {
      const account = await stored();
      return account ? info(account) : null;
    },
    /** Why this device was signed out, when the server ended the session. */
    endedBecause: () => endedBecause,

    signUp: (email: string, password: string, deviceName: string) => begin('/auth/register', email, password, deviceName),
    signIn: (email: string, password: string, deviceName: string) => begin('/auth/login', email, password, deviceName),

    async signOut(): Promise<void> {
      const account = await stored();
      if (account) await call('/auth/logout', { body: { refreshToken: account.refreshToken } }).catch(() => undefined); // offline: forget it here anyway
      await end(null);
    },

    /** A valid access token, refreshed when it is about to expire; null when signed out. */
    async accessToken(): Promise<string | null> {
      const account = await stored();
      if (!account) return null;
      if (account.accessExpiresAt - REFRESH_MARGIN_MS > now()) return account.accessToken;
      refreshing ??= refresh(account).finally(() => (refreshing = null));
      return refreshing;
    },

    /** The server says this access token is no good (a revoked session, a changed secret): try a refresh once. */
    async tokenRefused(): Promise<string | null> {
      const account = await stored();
      if (!account) return null;
      refreshing ??= refresh({ ...account, accessExpiresAt: 0 }).finally(() => (refreshing = null));
      return refreshing;
    },

    /** The server no longer knows this device: it was removed from the account (on another device, say). */
    async deviceRemoved(): Promise<void> {
      await end(DEVICE_REMOVED);
    },

    async requestVerification(): Promise<string> {
      const token = await api.accessToken();
      if (!token) throw new AccountError('Sign in first.', 401);
      return (await parse(await call('/auth/verify-email/request', { method: 'POST', token }), acceptedResponse)).message;
    },
    async verifyEmail(emailedToken: string): Promise<void> {
      const { user } = await parse(await call('/auth/verify-email', { body: { token: emailedToken } }), userResponse);
      const account = await stored();
      if (account && account.userId === user.userId) await store({ ...account, emailVerified: user.emailVerified });
    },
    async requestPasswordReset(email: string): Promise<string> {
      return (await parse(await call('/auth/password-reset/request', { body: { email } }), acceptedResponse)).message;
    },
    /** Sets the new password; the server answers with a session, which this device does not take (sign in here). */
    async resetPassword(emailedToken: string, newPassword: string): Promise<void> {
      await parse(await call('/auth/password-reset', { body: { token: emailedToken, newPassword } }), sessionResponse);
    },

    async devices(): Promise<DeviceInfo[]> {
      const token = await api.accessToken();
      if (!token) return [];
      return (await parse(await call('/devices', { token }), devicesResponse)).devices;
    },
    /** Renames a device of the account (this one too: the name others see it by). */
    async renameDevice(deviceId: string, name: string): Promise<void> {
      const token = await api.accessToken();
      if (!token) throw new AccountError('Sign in first.', 401);
      const device = await parse(await call(`/devices/${deviceId}`, { method: 'PATCH', body: { name }, token }), deviceInfo);
      const account = await stored();
      if (account && account.deviceId === deviceId) await store({ ...account, deviceName: device.name });
    },
    async removeDevice(deviceId: string): Promise<void> {
      const token = await api.accessToken();
      if (!token) throw new AccountError('Sign in first.', 401);
      const res = await call(`/devices/${deviceId}`, { method: 'DELETE', token });
      if (!res.ok && res.status !== 404) await parse(res, acceptedResponse);
      if ((await readSyncState(db)).deviceId === deviceId) await end(null);
    },
  };
  return api;
}


export type Session = ReturnType<typeof makeSession>;
