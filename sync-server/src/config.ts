import { z } from 'zod';

const envSchema = z.object({
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
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The largest thumbnail or face crop accepted, in bytes (2 MB when unset). */
  BLOB_MAX_BYTES: z.coerce.number().int().min(1024).optional(),
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
