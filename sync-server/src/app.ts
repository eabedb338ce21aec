import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { randomBytes } from 'node:crypto';
import { makeAuthRepo } from './auth/repository.ts';
import { authRoutes, type AuthRateLimits } from './auth/routes.ts';
import { makeRateLimitRepo } from './rate-limit/repository.ts';
import { makeAuthService, type AuthSettings } from './auth/service.ts';
import { deviceRoutes } from './devices/routes.ts';
import { clientIp } from './middleware/client-ip.ts';
import { allowAll, type QuotaCheck } from './sync/quota.ts';
import { DEFAULT_SYNC_RATE_LIMITS, syncGuard, syncRoutes, type SyncRateLimits } from './sync/routes.ts';
import type { OpenDatabase } from './db/open.ts';
import { healthRoutes } from './health/routes.ts';
import { crossOriginIsolation } from './middleware/isolation.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { modelOrigins } from './static/model-origins.ts';
import { staticRoutes } from './static/routes.ts';

export interface AppDeps {
  database: OpenDatabase;
  /** The built client to serve; omitted in API-only tests. */
  staticDir?: string;
  log?: (line: string) => void;
  /** Token signing and password hashing; a random secret when omitted (tests). */
  auth?: Partial<AuthSettings> & { trustProxy?: boolean; rateLimits?: AuthRateLimits };
  sync?: {
    rateLimits?: SyncRateLimits;
    /** Account limits checked inside every push (the accounts' tier quotas); none by default. */
    checkQuota?: QuotaCheck;
  };
}

/** The whole server as a Hono app, without a socket: tests call `app.request()`. */
export function buildApp({ database, staticDir, log = () => {}, auth = {}, sync = {} }: AppDeps) {
  const app = new Hono();
  const jwtSecret = auth.jwtSecret ?? randomBytes(32).toString('base64url');
  const authService = makeAuthService(makeAuthRepo(database.db), { ...auth, jwtSecret });
  app.use('*', crossOriginIsolation());
  app.use('*', securityHeaders({ modelOrigins: modelOrigins(staticDir) }));
  app.route('/health', healthRoutes(database));
  app.route(
    '/auth',
    authRoutes(authService, {
      jwtSecret,
      trustProxy: auth.trustProxy ?? false,
      rateLimits: makeRateLimitRepo(database.db),
      ...(auth.rateLimits ? { limits: auth.rateLimits } : {}),
    }),
  );
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, auth.trustProxy ?? false);
  const guard = syncGuard({ jwtSecret, rateLimits: makeRateLimitRepo(database.db), limits: sync.rateLimits ?? DEFAULT_SYNC_RATE_LIMITS, ipOf });
  for (const path of ['/sync/*', '/devices', '/devices/*']) app.use(path, ...guard);
  app.route('/devices', deviceRoutes(database.db, ipOf));
  app.route('/sync', syncRoutes(database.db, { checkQuota: sync.checkQuota ?? allowAll, ipOf }));
  if (staticDir) app.route('/', staticRoutes(staticDir));
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.res ? err.getResponse() : c.json({ error: err.message }, err.status);
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}
