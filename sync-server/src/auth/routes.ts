// /auth: register, login, refresh, logout, me. Thin: validation here, the rest in the service.
import { loginRequest, logoutRequest, refreshRequest, registerRequest } from '@heimdex/shared-schema/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientIp } from '../middleware/client-ip.ts';
import { valid } from '../middleware/validate.ts';
import { requireUser, type AuthEnv } from './middleware.ts';
import type { AuthService } from './service.ts';

/** Account requests are small: anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024;

export function authRoutes(service: AuthService, opts: { jwtSecret: string; trustProxy: boolean }) {
  const ip = (c: Parameters<typeof clientIp>[0]) => clientIp(c, opts.trustProxy);
  return new Hono<AuthEnv>()
    .use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: 'The request is too large.' }, 413) }))
    .post('/register', valid('json', registerRequest), async (c) => c.json(await service.register(c.req.valid('json'), ip(c)), 201))
    .post('/login', valid('json', loginRequest), async (c) => c.json(await service.login(c.req.valid('json'), ip(c))))
    .post('/refresh', valid('json', refreshRequest), async (c) => c.json(await service.refresh(c.req.valid('json').refreshToken, ip(c))))
    .post('/logout', valid('json', logoutRequest), async (c) => {
      await service.logout(c.req.valid('json').refreshToken, ip(c));
      return c.body(null, 204);
    })
    .get('/me', requireUser(opts.jwtSecret), async (c) => c.json({ user: await service.me(c.get('userId')) }));
}
