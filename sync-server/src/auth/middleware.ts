// Requires a valid bearer token (Authorization: Bearer …) and puts its user id on the context.
import { createMiddleware } from 'hono/factory';
import { jsonError } from '../middleware/json-error.ts';
import type { BearerVerifier } from './bearer.ts';

export type AuthEnv = { Variables: { userId: string } };

export function requireUser(verifyBearer: BearerVerifier) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(c.req.header('authorization') ?? '');
    const refuse = (error: string) => jsonError(401, { error }, { 'www-authenticate': 'Bearer' });
    if (!match) throw refuse('Sign in first.');
    const userId = await verifyBearer(match[1]!);
    if (!userId) throw refuse('Your session has expired. Sign in again.');
    c.set('userId', userId);
    await next();
  });
}
