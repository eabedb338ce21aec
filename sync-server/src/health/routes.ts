import { Hono } from 'hono';
import type { OpenDatabase } from '../db/open.ts';
import { version } from '../version.ts';

const startedAt = Date.now();

/** Optional features, as configured: Supabase sign-in, and email really sent over SMTP. */
export interface HealthFeatures {
  supabase: boolean;
  smtp: boolean;
}

/** `/health`: what this server is, whether its database answers, what it offers, how long it has run. */
export function healthRoutes(database: OpenDatabase, features: HealthFeatures) {
  return new Hono().get('/', async (c) => {
    const ok = await database.ping();
    return c.json(
      {
        status: ok ? 'ok' : 'degraded',
        version,
        database: { kind: database.kind, ok },
        features: { accounts: true, sync: true, blobs: true, search: true, ...features },
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
      },
      ok ? 200 : 503,
    );
  });
}
