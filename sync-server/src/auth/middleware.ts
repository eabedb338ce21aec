// Requires a valid access token (Authorization: Bearer …) and puts its user id on the context.
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { verifyAccessToken } from './tokens.ts';

export type AuthEnv = { Variables: { userId: string } };

export function requireUser(jwtSecret: string) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    const refuse = (message: string) =>
      new HTTPException(401, {
        res: new Response(JSON.stringify({ error: message }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        }),
      });
    if (!match) throw refuse('Sign in first.');
    try {
      c.set('userId', await verifyAccessToken(match[1]!, jwtSecret));
    } catch {
      throw refuse('Your session has expired. Sign in again.');
    }
    await next();
  });
}
