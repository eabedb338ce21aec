// Request validation with zod (through @hono/zod-validator): a bad request gets 400 with one sentence that
// names the field at fault, and the handler only ever sees parsed, typed data.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';

export function valid<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    const message = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is not valid');
    return c.json({ error: field ? `${field} ${message}.` : `The request ${message}.`, ...(field ? { field } : {}) }, 400);
  });
}
