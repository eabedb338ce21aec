// /sync/push and /sync/pull, and the guard every sync-related route shares (protocol version, signed-in user,
// per-user and per-address rate limits). Thin: validation here, the work in push.ts and pull.ts.
import { MAX_PUSH_BYTES, pullQuery, pushRequest, type PushRequest } from '@heimdex/shared-schema/protocol';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthEnv } from '../auth/middleware.ts';
import type { Db } from '../db/types.ts';
import { valid } from '../middleware/validate.ts';
import { rateLimit, type RateLimit } from '../rate-limit/middleware.ts';
import type { RateLimitRepo } from '../rate-limit/repository.ts';
import { requireProtocol } from './protocol-version.ts';
import { applyPush } from './push.ts';
import { pullPage } from './pull.ts';
import { refuse } from './errors.ts';
import { makeSyncRepo } from './repository.ts';
import type { QuotaCheck } from './quota.ts';

export interface SyncRateLimits {
  perUser: RateLimit;
  perIp: RateLimit;
}

/** A first sync of a large library is many batches in a row: generous, but bounded. */
export const DEFAULT_SYNC_RATE_LIMITS: SyncRateLimits = {
  perUser: { name: 'sync-user', limit: 1200, windowS: 60 },
  perIp: { name: 'sync-ip', limit: 2400, windowS: 60 },
};

export interface SyncGuardOptions {
  /** The app's one signed-in check (our tokens, and Supabase's when configured). */
  signedIn: MiddlewareHandler<AuthEnv>;
  rateLimits: RateLimitRepo;
  limits: SyncRateLimits;
  ipOf: (c: Context) => string | null;
}

/** Protocol version first (an old app is told to update even when signed out), then the user, then limits. */
export function syncGuard(opts: SyncGuardOptions): MiddlewareHandler[] {
  return [
    requireProtocol(),
    rateLimit(opts.rateLimits, opts.limits.perIp, opts.ipOf),
    opts.signedIn as MiddlewareHandler,
    rateLimit(opts.rateLimits, opts.limits.perUser, (c) => (c as Context<AuthEnv>).get('userId')),
  ];
}

export interface SyncRouteOptions {
  checkQuota: QuotaCheck;
  ipOf: (c: Context) => string | null;
  /** Runs after a batch is applied (outside its transaction): the search's per-model vector indexes. */
  afterPush?: (request: PushRequest, userId: string) => Promise<void>;
}

export function syncRoutes(db: Db, opts: SyncRouteOptions) {
  return new Hono<AuthEnv>()
    .post(
      '/push',
      bodyLimit({ maxSize: MAX_PUSH_BYTES, onError: (c) => c.json({ error: 'The batch is too large: send fewer changes at a time.' }, 413) }),
      valid('json', pushRequest),
      async (c) => {
        const request = c.req.valid('json');
        const answer = await applyPush(db, request, { userId: c.get('userId'), ip: opts.ipOf(c), checkQuota: opts.checkQuota });
        if (answer.type === 'applied' && !answer.duplicate) await opts.afterPush?.(request, c.get('userId'));
        return c.json(answer, answer.type === 'batch-gap' ? 409 : 200);
      },
    )
    .get('/pull', valid('query', pullQuery), async (c) => {
      const { cursor, limit, deviceId } = c.req.valid('query');
      if (deviceId && !(await makeSyncRepo(db).touchDevice(c.get('userId'), deviceId))) {
        throw refuse(404, { type: 'unknown-device', error: 'This device is not registered with your account. Register it again.' });
      }
      const answer = await pullPage(db, c.get('userId'), cursor, limit);
      return c.json(answer, answer.type === 'start-over' ? 410 : 200);
    });
}
