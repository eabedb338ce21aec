// Sync as the DB worker offers it to the app: the account (session.ts), the background loop (loop.ts) and
// "Sync now", over the library's database and the app's own server. These calls wait on the network, so the
// worker exposes them beside its serialised database queue, not in it.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { startSyncLoop } from './loop.ts';
import { makeSyncServer } from './server-api.ts';
import { makeSession } from './session.ts';

export function startSync(pg: PGlite, userId: string, baseUrl = '') {
  const db = drizzle(pg);
  const session = makeSession({ db, baseUrl });
  const server = makeSyncServer({ baseUrl, accessToken: session.accessToken, tokenRefused: session.tokenRefused });
  const loop = startSyncLoop({ db, session, server, userId });
  const thenSync = <A extends unknown[], R>(work: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const result = await work(...args);
    void loop.syncNow();
    return result;
  };
  return {
    account: session.account,
    signUp: thenSync(session.signUp),
    signIn: thenSync(session.signIn),
    signOut: thenSync(session.signOut),
    syncStatus: async () => loop.status(),
    syncNow: loop.syncNow,
    devices: session.devices,
    removeDevice: thenSync(session.removeDevice),
    requestVerification: session.requestVerification,
    verifyEmail: session.verifyEmail,
    requestPasswordReset: session.requestPasswordReset,
    resetPassword: session.resetPassword,
    stopSync: async () => loop.stop(),
  };
}

export type SyncApi = ReturnType<typeof startSync>;
