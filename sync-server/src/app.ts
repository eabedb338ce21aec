import { Hono } from 'hono';
import { vectorModelsIn } from '@heimdex/shared-schema/sync';
import { HTTPException } from 'hono/http-exception';
import { randomBytes } from 'node:crypto';
import { makeAccountService } from './auth/account-service.ts';
import { makeBearerVerifier } from './auth/bearer.ts';
import { requireUser } from './auth/middleware.ts';
import { makeAuthRepo } from './auth/repository.ts';
import { authRoutes, type AuthRateLimits } from './auth/routes.ts';
import { makeAuthService, type AuthSettings } from './auth/service.ts';
import { makeBlobRepo } from './blobs/repository.ts';
import { blobRoutes, DEFAULT_BLOB_MAX_BYTES } from './blobs/routes.ts';
import { deviceRoutes } from './devices/routes.ts';
import { clientIp } from './middleware/client-ip.ts';
import type { QuotaCheck } from './sync/quota.ts';
import { DEFAULT_SYNC_RATE_LIMITS, syncGuard, syncRoutes, type SyncRateLimits } from './sync/routes.ts';
import type { OpenDatabase } from './db/open.ts';
import { healthRoutes } from './health/routes.ts';
import { developmentLogMailer, type Mailer } from './mail/mailer.ts';
import { crossOriginIsolation } from './middleware/isolation.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { DEFAULT_TIER_QUOTAS, type TierQuotas } from './quota/limits.ts';
import { makeQuotaService } from './quota/service.ts';
import { rateLimit, type RateLimit } from './rate-limit/middleware.ts';
import { makeRateLimitRepo } from './rate-limit/repository.ts';
import { EXACT_SCAN_MAX, makeSearchRepo } from './search/repository.ts';
import { searchRoutes } from './search/routes.ts';
import { makeVectorIndexes } from './search/vector-index.ts';
import { modelOrigins } from './static/model-origins.ts';
import { staticRoutes } from './static/routes.ts';

export interface AppDeps {
  database: OpenDatabase;
  /** The built client to serve; omitted in API-only tests. */
  staticDir?: string;
  log?: (line: string) => void;
  /** Token signing and password hashing; a random secret when omitted (tests). */
  auth?: Partial<AuthSettings> & {
    trustProxy?: boolean;
    rateLimits?: Partial<AuthRateLimits>;
    /** Accept Supabase access tokens signed with this secret. */
    supabaseJwtSecret?: string;
  };
  /** Outgoing email; by default its links are printed through `log` (development). */
  mailer?: Mailer;
  /** The base of the links in emails. */
  publicUrl?: string;
  /** What each plan holds (the configuration's defaults when omitted). */
  quotas?: TierQuotas;
  /** Thumbnails and face crops: the size limit per blob (2 MB when omitted). */
  blobs?: { maxBytes?: number };
  sync?: {
    rateLimits?: SyncRateLimits;
    /** Checked inside every push before it writes; the plan quotas (`quotas`) by default. */
    checkQuota?: QuotaCheck;
  };
  search?: {
    /** Users with at most this many scenes of a visual model are searched by an exact scan (see search/repository.ts). */
    exactScanMax?: number;
    rateLimit?: RateLimit;
  };
}

/** Searches as someone types: generous, but bounded. */
export const DEFAULT_SEARCH_RATE_LIMIT: RateLimit = { name: 'search-user', limit: 600, windowS: 60 };

/** The whole server as a Hono app, without a socket: tests call `app.request()`. */
export function buildApp({
  database,
  staticDir,
  log = () => {},
  auth = {},
  mailer = developmentLogMailer(log),
  publicUrl = 'http://localhost:8787',
  quotas = DEFAULT_TIER_QUOTAS,
  blobs = {},
  sync = {},
  search = {},
}: AppDeps) {
  const app = new Hono();
  const jwtSecret = auth.jwtSecret ?? randomBytes(32).toString('base64url');
  const authRepo = makeAuthRepo(database.db);
  const sessions = makeAuthService(authRepo, { ...auth, jwtSecret });
  const account = makeAccountService(authRepo, sessions, { mailer, publicUrl, log, ...(auth.scrypt ? { scrypt: auth.scrypt } : {}) });
  const supabase = auth.supabaseJwtSecret ? { jwtSecret: auth.supabaseJwtSecret, repo: authRepo } : undefined;
  /** Every route that needs a signed-in user uses this one (our tokens, and Supabase's when configured). */
  const signedIn = requireUser(makeBearerVerifier({ jwtSecret, ...(supabase ? { supabase } : {}) }));
  const quota = makeQuotaService({ db: database.db, blobBytesUsed: (db, userId) => makeBlobRepo(db).totalBytes(userId), quotas });

  app.use('*', crossOriginIsolation());
  app.use('*', securityHeaders({ modelOrigins: modelOrigins(staticDir) }));
  app.route('/health', healthRoutes(database, { supabase: supabase !== undefined, smtp: mailer.kind === 'smtp' }));
  app.route(
    '/auth',
    authRoutes({
      sessions,
      account,
      signedIn,
      trustProxy: auth.trustProxy ?? false,
      rateLimits: makeRateLimitRepo(database.db),
      ...(auth.rateLimits ? { limits: auth.rateLimits } : {}),
    }),
  );
  app.route('/blobs', blobRoutes(makeBlobRepo(database.db), { signedIn, maxBytes: blobs.maxBytes ?? DEFAULT_BLOB_MAX_BYTES, quota }));
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, auth.trustProxy ?? false);
  const guard = syncGuard({ signedIn, rateLimits: makeRateLimitRepo(database.db), limits: sync.rateLimits ?? DEFAULT_SYNC_RATE_LIMITS, ipOf });
  for (const path of ['/sync/*', '/devices', '/devices/*']) app.use(path, ...guard);
  app.route('/devices', deviceRoutes(database.db, ipOf));
  const exactScanMax = search.exactScanMax ?? EXACT_SCAN_MAX;
  const vectorIndexes = makeVectorIndexes(database.db, log, { minUserRows: exactScanMax });
  app.route(
    '/sync',
    syncRoutes(database.db, {
      checkQuota: sync.checkQuota ?? ((tx, userId, usage) => quota.checkScenes(userId, usage.addedScenes, tx)),
      ipOf,
      afterPush: (request, userId) => vectorIndexes.ensure(vectorModelsIn(request.changes), userId),
    }),
  );
  app.route(
    '/search',
    searchRoutes(makeSearchRepo(database.db, { exactScanMax }), {
      signedIn,
      limit: rateLimit(makeRateLimitRepo(database.db), search.rateLimit ?? DEFAULT_SEARCH_RATE_LIMIT, (c) => c.get('userId') as string),
    }),
  );
  if (staticDir) app.route('/', staticRoutes(staticDir));
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.res ? err.getResponse() : c.json({ error: err.message }, err.status);
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}
