// /auth: register, login, refresh, logout, me; email verification, password reset and change. Thin:
// validation and rate limits here, the rest in the services.
import {
  changePasswordRequest,
  loginRequest,
  logoutRequest,
  passwordResetConfirm,
  passwordResetRequest,
  refreshRequest,
  registerRequest,
  verifyEmailRequest,
  type AcceptedResponse,
} from '@heimdex/shared-schema/protocol';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientIp } from '../middleware/client-ip.ts';
import { valid } from '../middleware/validate.ts';
import { rateLimit, type RateLimit } from '../rate-limit/middleware.ts';
import type { RateLimitRepo } from '../rate-limit/repository.ts';
import type { AccountService } from './account-service.ts';
import type { AuthEnv } from './middleware.ts';
import type { AuthService } from './service.ts';

/** Account requests are small: anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024;

export interface AuthRateLimits {
  /** Every account request from one address. */
  perIp: RateLimit;
  /** Sign-in attempts for one email, from anywhere (password guessing spread over many addresses). */
  perAccount: RateLimit;
  /** Emails asked for one address or account (nobody floods a mailbox), unknown emails counted alike. */
  mailPerAccount: RateLimit;
  /** Password changes by one signed-in user (guessing the current password with a stolen session). */
  passwordChange: RateLimit;
}

export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  perIp: { name: 'auth-ip', limit: 60, windowS: 5 * 60 },
  perAccount: { name: 'login-account', limit: 10, windowS: 15 * 60 },
  mailPerAccount: { name: 'mail-account', limit: 3, windowS: 60 * 60 },
  passwordChange: { name: 'password-change', limit: 10, windowS: 15 * 60 },
};

export interface AuthRouteDeps {
  sessions: AuthService;
  account: AccountService;
  /** requireUser with the app's bearer verifier. */
  signedIn: MiddlewareHandler<AuthEnv>;
  trustProxy: boolean;
  rateLimits: RateLimitRepo;
  limits?: Partial<AuthRateLimits>;
}

export function authRoutes({ sessions, account, signedIn, trustProxy, rateLimits, limits: overrides = {} }: AuthRouteDeps) {
  const ip = (c: Context) => clientIp(c, trustProxy);
  const limits = { ...DEFAULT_AUTH_RATE_LIMITS, ...overrides };
  const emailOf = async (c: Context) => {
    const body = (await c.req.json().catch(() => null)) as { email?: unknown } | null;
    return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : null;
  };
  const userOf = (c: Context<AuthEnv>) => c.get('userId');
  const accepted = (message: string): AcceptedResponse => ({ message });
  return new Hono<AuthEnv>()
    .use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: 'The request is too large.' }, 413) }))
    .on('POST', '*', rateLimit(rateLimits, limits.perIp, ip))
    .on('POST', '/login', rateLimit(rateLimits, limits.perAccount, emailOf))
    .post('/register', valid('json', registerRequest), async (c) => {
      const session = await sessions.register(c.req.valid('json'), ip(c));
      account.verifyAfterRegister(session.user.userId, ip(c));
      return c.json(session, 201);
    })
    .post('/login', valid('json', loginRequest), async (c) => c.json(await sessions.login(c.req.valid('json'), ip(c))))
    .post('/refresh', valid('json', refreshRequest), async (c) => c.json(await sessions.refresh(c.req.valid('json').refreshToken, ip(c))))
    .post('/logout', valid('json', logoutRequest), async (c) => {
      await sessions.logout(c.req.valid('json').refreshToken, ip(c));
      return c.body(null, 204);
    })
    .get('/me', signedIn, async (c) => c.json({ user: await sessions.me(c.get('userId')) }))
    .post('/verify-email/request', signedIn, rateLimit(rateLimits, limits.mailPerAccount, userOf), async (c) => {
      await account.requestVerification(c.get('userId'), ip(c));
      return c.json(accepted('A confirmation link is on its way to your email address.'), 202);
    })
    .post('/verify-email', valid('json', verifyEmailRequest), async (c) => c.json({ user: await account.verifyEmail(c.req.valid('json').token, ip(c)) }))
    .post('/password-reset/request', rateLimit(rateLimits, limits.mailPerAccount, emailOf), valid('json', passwordResetRequest), (c) => {
      account.requestPasswordReset(c.req.valid('json').email, ip(c));
      return c.json(accepted('If an account has this email address, a link to choose a new password is on its way.'), 202);
    })
    .post('/password-reset', valid('json', passwordResetConfirm), async (c) => c.json(await account.resetPassword(c.req.valid('json'), ip(c))))
    .post('/password', signedIn, rateLimit(rateLimits, limits.passwordChange, userOf), valid('json', changePasswordRequest), async (c) =>
      c.json(await account.changePassword(c.get('userId'), c.req.valid('json'), ip(c))),
    );
}
