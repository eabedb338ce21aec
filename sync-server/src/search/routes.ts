// POST /search: thin — the signed-in user, a per-user rate limit, the body checked; the work in service.ts.
import { MAX_SEARCH_BYTES, searchRequest } from '@heimdex/shared-schema/protocol';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthEnv } from '../auth/middleware.ts';
import { valid } from '../middleware/validate.ts';
import type { SearchRepo } from './repository.ts';
import { search } from './service.ts';

export function searchRoutes(repo: SearchRepo, opts: { signedIn: MiddlewareHandler<AuthEnv>; limit: MiddlewareHandler }) {
  return new Hono<AuthEnv>().post(
    '/',
    opts.signedIn,
    opts.limit,
    bodyLimit({ maxSize: MAX_SEARCH_BYTES, onError: (c) => c.json({ error: 'The search request is too large.' }, 413) }),
    valid('json', searchRequest),
    async (c) => c.json(await search(repo, c.get('userId'), c.req.valid('json'))),
  );
}
