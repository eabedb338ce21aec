// The answer when a change would take a user over their plan's quota: a sentence to show, and the numbers
// behind it so the app can show what is used.
import { z } from 'zod';
import { errorResponse, userTierSchema } from './auth.ts';

export const quotaLimitSchema = z.enum(['scenes', 'blobBytes']);
export type QuotaLimit = z.infer<typeof quotaLimitSchema>;

export const quotaExceededResponse = errorResponse.extend({
  quota: z.object({
    limit: quotaLimitSchema,
    tier: userTierSchema,
    /** What the plan holds (scenes, or bytes of thumbnails and face crops). */
    allowed: z.number().int().nonnegative(),
    used: z.number().int().nonnegative(),
    adding: z.number().int().nonnegative(),
  }),
});
export type QuotaExceededResponse = z.infer<typeof quotaExceededResponse>;
