// Answers that stop a sync request: a JSON body the app can act on (`type`), thrown so the transaction rolls back.
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export function refuse(status: ContentfulStatusCode, body: { error: string; [more: string]: unknown }): HTTPException {
  return new HTTPException(status, {
    res: new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  });
}
