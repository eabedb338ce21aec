// Refuses a caller that went over its limit with 429 and Retry-After. The key says who is counted (an IP,
// an account's email); a request without a key (nothing to count it by) passes.
import type { Context, MiddlewareHandler } from 'hono';
import type { RateLimitRepo } from './repository.ts';

export interface RateLimit {
  /** Names the counter (several limits can count the same caller). */
  name: string;
  limit: number;
  windowS: number;
}

export function rateLimit(repo: RateLimitRepo, rule: RateLimit, keyOf: (c: Context) => string | null | Promise<string | null>): MiddlewareHandler {
  return async (c, next) => {
    const who = await keyOf(c);
    if (who !== null) {
      const { count, resetInS } = await repo.hit(`${rule.name}:${who}`, rule.windowS);
      if (count > rule.limit) {
        const minutes = Math.max(1, Math.ceil(resetInS / 60));
        return c.json(
          { error: `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.` },
          429,
          { 'Retry-After': String(resetInS) },
        );
      }
    }
    await next();
  };
}
