import { Hono } from 'hono';
import type { OpenDatabase } from '../db/open.ts';
import { version } from '../version.ts';

/** `/health`: what this server is and whether its database answers. */
export function healthRoutes(database: OpenDatabase) {
  return new Hono().get('/', async (c) => {
    const ok = await database.ping();
    return c.json(
      { status: ok ? 'ok' : 'degraded', version, database: { kind: database.kind, ok }, features: { sync: false, search: false } },
      ok ? 200 : 503,
    );
  });
}
