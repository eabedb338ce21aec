// The address a request came from, for rate limits and audit events. Behind a load balancer the socket
// address is the balancer's: X-Forwarded-For is read only when the configuration says a proxy is trusted.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // no socket (app.request() in tests)
  }
}
