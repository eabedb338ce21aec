// Fixed-window counters in the database, so that every server instance counts the same hits: one upsert per
// hit, which starts a new window when the last one is over (STACK-NOTES, server notes).
import { rateLimits } from '@heimdex/shared-schema';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

export interface Hit {
  count: number;
  /** Seconds until the window ends. */
  resetInS: number;
}

export function makeRateLimitRepo(db: Db) {
  return {
    async hit(key: string, windowS: number): Promise<Hit> {
      const expired = sql`${rateLimits.windowStart} < now() - make_interval(secs => ${windowS})`;
      const [row] = await db
        .insert(rateLimits)
        .values({ key, windowStart: sql`now()`, count: 1 })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
            windowStart: sql`case when ${expired} then now() else ${rateLimits.windowStart} end`,
          },
        })
        .returning({
          count: rateLimits.count,
          resetInS: sql<number>`greatest(1, ceil(extract(epoch from (${rateLimits.windowStart} + make_interval(secs => ${windowS}) - now()))))::int`,
        });
      return { count: row!.count, resetInS: Number(row!.resetInS) };
    },
  };
}

export type RateLimitRepo = ReturnType<typeof makeRateLimitRepo>;
