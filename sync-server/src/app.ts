import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { OpenDatabase } from './db/open.ts';
import { healthRoutes } from './health/routes.ts';
import { crossOriginIsolation } from './middleware/isolation.ts';
import { staticRoutes } from './static/routes.ts';

export interface AppDeps {
  database: OpenDatabase;
  /** The built client to serve; omitted in API-only tests. */
  staticDir?: string;
  log?: (line: string) => void;
}

/** The whole server as a Hono app, without a socket: tests call `app.request()`. */
export function buildApp({ database, staticDir, log = () => {} }: AppDeps) {
  const app = new Hono();
  app.use('*', crossOriginIsolation());
  app.route('/health', healthRoutes(database));
  if (staticDir) app.route('/', staticRoutes(staticDir));
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}
