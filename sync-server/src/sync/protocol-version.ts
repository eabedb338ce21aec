// Every sync request names the protocol it speaks; an app too old (or one newer than this server) gets a clear
// 426 it can show as "update the app", never a half-understood write.
import { MIN_SYNC_PROTOCOL_VERSION, PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION, type UpdateRequiredResponse } from '@heimdex/shared-schema/protocol';
import { createMiddleware } from 'hono/factory';

export function requireProtocol() {
  return createMiddleware(async (c, next) => {
    const raw = c.req.header(PROTOCOL_HEADER);
    const version = raw !== undefined && /^\d{1,6}$/.test(raw) ? Number(raw) : null;
    if (version === null) {
      return c.json({ error: `${PROTOCOL_HEADER} header is required: the sync protocol version this app speaks.`, field: PROTOCOL_HEADER }, 400);
    }
    const answer = (error: string): UpdateRequiredResponse => ({ type: 'update-required', error, serverProtocol: SYNC_PROTOCOL_VERSION, minProtocol: MIN_SYNC_PROTOCOL_VERSION });
    if (version < MIN_SYNC_PROTOCOL_VERSION) return c.json(answer('This version of the app can no longer sync. Update the app to keep syncing.'), 426);
    if (version > SYNC_PROTOCOL_VERSION) return c.json(answer('This server is older than the app. Syncing resumes once the server is updated.'), 426);
    await next();
  });
}
