// The real sync server for the bench: the whole app (buildApp) on the embedded PGlite database, listening on
// 127.0.0.1 through @hono/node-server as `npm start` serves it, with plan quotas raised so a large synthetic
// library fits one account, and rate-limit thresholds raised so that one address may sign up a hundred accounts
// and a load test is not answered 429: every limit is still counted in the database on every request (its cost
// is measured), only the thresholds move. Every other check a request goes through stays as it is.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { buildApp } from '../sync-server/src/app.ts';
import { openDatabase, type OpenDatabase } from '../sync-server/src/db/open.ts';
import { DEFAULT_TIER_QUOTAS, type TierQuotas } from '../sync-server/src/quota/limits.ts';

export interface BenchServer {
  url: string;
  database: OpenDatabase;
  close(): Promise<void>;
}

const ROOMY_QUOTAS: TierQuotas = {
  ...DEFAULT_TIER_QUOTAS,
  FREE: { scenes: 10_000_000, blobBytes: DEFAULT_TIER_QUOTAS.FREE.blobBytes },
};

/** A fresh in-memory database; pass `database` to serve one already filled. */
export async function startBenchServer(database?: OpenDatabase): Promise<BenchServer> {
  const db = database ?? (await openDatabase({ dataDir: 'memory://' }));
  // The scrypt cost only shapes sign-up time, which the bench does not measure.
  const many = (name: string) => ({ name, limit: 1_000_000_000, windowS: 60 });
  const app = buildApp({
    database: db,
    quotas: ROOMY_QUOTAS,
    auth: { scrypt: { N: 2 ** 14, r: 8, p: 1 }, rateLimits: { perIp: many('auth-ip'), perAccount: many('login-account') } },
    sync: { rateLimits: { perIp: many('sync-ip'), perUser: many('sync-user') } },
    search: { rateLimit: many('search-user') },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database: db,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
