// Sync as the DB worker offers it to the app: the account (session.ts), the background loop (loop.ts) and
// "Sync now", over the library's database and the app's own server. These calls wait on the network, so the
// worker exposes them beside its serialised database queue, not in it.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { ModelVector } from '@heimdex/shared-schema/search';
import { encodeVector } from '@heimdex/shared-schema/sync';
import type { SearchHit } from '../search/types.ts';
import { startSyncLoop } from './loop.ts';
import { makeSyncServer } from './server-api.ts';
import { makeSession } from './session.ts';

export function startSync(pg: PGlite, userId: string, baseUrl = '', fetchImpl?: typeof fetch) {
  const db = drizzle(pg);
  const network = fetchImpl ? { fetch: fetchImpl } : {};
  const session = makeSession({ db, baseUrl, ...network });
  const server = makeSyncServer({ baseUrl, accessToken: session.accessToken, tokenRefused: session.tokenRefused, ...network });
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
    renameDevice: session.renameDevice,
    requestVerification: session.requestVerification,
    verifyEmail: session.verifyEmail,
    requestPasswordReset: session.requestPasswordReset,
    resetPassword: session.resetPassword,
    stopSync: () => loop.stop(),
    /**
     * The query run on the server over the account's whole synced library; null when signed out or the server
     * cannot answer now (the search then shows this device's results alone). The hits' thumbnails are read as
     * their cards come into view (serverThumbnail), not before the results are shown.
     */
    async serverSearch(query: string, vector: ModelVector | null, meaning: ModelVector | null = null, limit = 50): Promise<{ hits: SearchHit[]; notes: string[] } | null> {
      if (!(await session.account())) return null;
      try {
        const answer = await server.search({
          query,
          limit,
          ...(vector ? { vector: { model: vector.modelId, data: encodeVector(vector.vector) } } : {}),
          ...(meaning ? { meaningVector: { model: meaning.modelId, data: encodeVector(meaning.vector) } } : {}),
        });
        const hits = answer.hits.map(({ thumbnailSha256, device, ...hit }): SearchHit => ({
          ...hit,
          fromServer: { deviceName: device.name, thumbnailSha256 },
        }));
        return { hits, notes: answer.notes };
      } catch {
        return null;
      }
    },

    /** A server hit's thumbnail (see serverSearch); null when signed out or the server cannot give it now. */
    async serverThumbnail(sha256: string): Promise<Uint8Array | null> {
      if (!(await session.account())) return null;
      return server.getBlob(sha256).catch(() => null);
    },
  };
}

export type SyncApi = ReturnType<typeof startSync>;
