import { z } from 'zod';

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');
const count = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const GB = 1_000_000_000;

const envSchema = z
  .object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  /** Postgres with pgvector. Unset: an embedded PGlite database in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Connections each instance may open to DATABASE_URL (postgres.js's default, 10, when unset). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).optional(),
  DATA_DIR: z.string().default('.data'),
  /** The built client (vite build output). */
  STATIC_DIR: z.string().default('dist'),
  LOG_LEVEL: z.enum(['silent', 'info']).default('info'),
  NODE_ENV: z.string().optional(),
  /** Signs access tokens; the same on every instance. Unset outside production: generated and kept in DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Read the client address from X-Forwarded-For (only behind a proxy that sets it). */
  TRUST_PROXY: flag,
  /** The largest thumbnail or face crop accepted, in bytes (2 MB when unset). */
  BLOB_MAX_BYTES: z.coerce.number().int().min(1024).optional(),
  /** Where people open this server: the base of the links in emails. Unset: http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Outgoing mail, as smtp(s)://user:pass@host:port, or as the SMTP_HOST… parts. Neither: links are printed in the log. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/./, 'must start with smtp:// or smtps://').optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: flag,
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  /** The sender of every email, e.g. `Heimdex <no-reply@example.org>`; required with SMTP. */
  MAIL_FROM: z.string().min(3).optional(),
  /** Accept Supabase access tokens (HS256, audience `authenticated`) signed with this project's JWT secret. */
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** What each plan holds: scenes, and bytes of thumbnails and face crops. */
  QUOTA_FREE_SCENES: count(5_000),
  QUOTA_FREE_BLOB_BYTES: count(GB / 2),
  QUOTA_PRO_SCENES: count(100_000),
  QUOTA_PRO_BLOB_BYTES: count(10 * GB),
  QUOTA_ENTERPRISE_SCENES: count(1_000_000),
  QUOTA_ENTERPRISE_BLOB_BYTES: count(100 * GB),
  /**
   * Days a deleted row's tombstone is kept for devices to learn of the deletion; a device away longer starts
   * its sync over. The server purges older ones a few times a day.
   */
  TOMBSTONE_RETENTION_DAYS: z.coerce.number().int().min(1, 'must be at least 1 day').default(30),
})
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && env.SMTP_HOST) ctx.addIssue({ code: 'custom', path: ['SMTP_HOST'], message: 'set SMTP_URL or SMTP_HOST, not both' });
    if ((env.SMTP_URL || env.SMTP_HOST) && !env.MAIL_FROM) ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'is required when SMTP is configured' });
    // One secret for both would let a token of one kind pass for the other.
    if (env.SUPABASE_JWT_SECRET && env.SUPABASE_JWT_SECRET === env.JWT_SECRET)
      ctx.addIssue({ code: 'custom', path: ['SUPABASE_JWT_SECRET'], message: 'must differ from JWT_SECRET' });
  });

/** Every variable the server reads: a deployment setting anything else is a typo. */
export const CONFIG_KEYS = Object.keys(envSchema.shape) as (keyof Config)[];

export type Config = z.infer<typeof envSchema>;

/** Read the environment once, validated; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
