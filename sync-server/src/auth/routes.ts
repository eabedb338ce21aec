// /auth: register, login, refresh, logout, me. Thin: validation here, the rest in the service.
import { loginRequest, logoutRequest, refreshRequest, registerRequest } from '@heimdex/shared-schema/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientIp } from '../middleware/client-ip.ts';
import { rateLimit, type RateLimit } from '../rate-limit/middleware.ts';
import type { RateLimitRepo } from '../rate-limit/repository.ts';
import { valid } from '../middleware/validate.ts';
import { requireUser, type AuthEnv } from './middleware.ts';
import type { AuthService } from './service.ts';

/** Account requests are small: anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024;

export interface AuthRateLimits {
  /** Every account request from one address. */
  perIp: RateLimit;
  /** Sign-in attempts for one email, from anywhere (password guessing spread over many addresses). */
  perAccount: RateLimit;
}

export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  perIp: { name: 'auth-ip', limit: 60, windowS: 5 * 60 },
  perAccount: { name: 'login-account', limit: 10, windowS: 15 * 60 },
};

export function authRoutes(
  service: AuthService,
  opts: { jwtSecret: string; trustProxy: boolean; rateLimits: RateLimitRepo; limits?: AuthRateLimits },
) {
  const ip = (c: Parameters<typeof clientIp>[0]) => clientIp(c, opts.trustProxy);
  const limits = opts.limits ?? DEFAULT_AUTH_RATE_LIMITS;
  const emailOf = async (c: Parameters<typeof clientIp>[0]) => {
    const body = (await c.req.json().catch(() => null)) as { email?: unknown } | null;
    return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : null;
  };
  return new Hono<AuthEnv>()
    .use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: 'The request is too large.' }, 413) }))
    .on('POST', '*', rateLimit(opts.rateLimits, limits.perIp, ip))
    .on('POST', '/login', rateLimit(opts.rateLimits, limits.perAccount, emailOf))
    .post('/register', valid('json', registerRequest), async (c) => c.json(await service.register(c.req.valid('json'), ip(c)), 201))
    .post('/login', valid('json', loginRequest), async (c) => c.json(await service.login(c.req.valid('json'), ip(c))))
    .post('/refresh', valid('json', refreshRequest), async (c) => c.json(await service.refresh(c.req.valid('json').refreshToken, ip(c))))
    .post('/logout', valid('json', logoutRequest), async (c) => {
      await service.logout(c.req.valid('json').refreshToken, ip(c));
      return c.body(null, 204);
    })
    .get('/me', requireUser(opts.jwtSecret), async (c) => c.json({ user: await service.me(c.get('userId')) }));
}
