// An expected refusal whose JSON body says more than one sentence (the field at fault, the quota numbers, …),
// thrown from anywhere and sent as it is by the app's one error handler.
import type { ErrorResponse } from '@heimdex/shared-schema/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';

export function jsonError(status: ContentfulStatusCode, body: ErrorResponse & Record<string, unknown>, headers: Record<string, string> = {}): HTTPException {
  return new HTTPException(status, {
    res: new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }),
  });
}
