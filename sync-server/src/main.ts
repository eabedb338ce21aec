import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { buildApp } from './app.ts';
import { resolveJwtSecret } from './auth/secret.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { mailerFromConfig } from './mail/from-config.ts';
import { tierQuotasFromConfig } from './quota/limits.ts';
import { closeGracefully } from './shutdown.ts';
import { scheduleTombstonePurge } from './sync/purge-schedule.ts';

/** Under Docker's default 10 s between SIGTERM and SIGKILL, so the database is always closed cleanly. */
const SHUTDOWN_GRACE_MS = 8_000;

const config = loadConfig();
const log = config.LOG_LEVEL === 'silent' ? () => {} : (line: string) => console.log(line);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DATABASE_POOL_MAX });
const jwtSecret = resolveJwtSecret({ configured: config.JWT_SECRET, production: config.NODE_ENV === 'production', dataDir: config.DATA_DIR });
const mailer = mailerFromConfig(config, log);
const app = buildApp({
  database,
  staticDir: config.STATIC_DIR,
  log,
  auth: { jwtSecret, trustProxy: config.TRUST_PROXY, ...(config.SUPABASE_JWT_SECRET ? { supabaseJwtSecret: config.SUPABASE_JWT_SECRET } : {}) },
  mailer,
  publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
  quotas: tierQuotasFromConfig(config),
  blobs: { maxBytes: config.BLOB_MAX_BYTES },
});

const purge = scheduleTombstonePurge(database.db, { retentionDays: config.TOMBSTONE_RETENTION_DAYS, log, tidy: database.kind === 'pglite' });

// serve() makes a plain node:http server (no TLS, no HTTP/2 options given).
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  // Tests read this line to learn the port when PORT=0.
  log(`Heimdex listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port} (database: ${database.kind})`);
}) as Server;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing the requests in flight, then stopping`);
  const outcome = await closeGracefully(server, SHUTDOWN_GRACE_MS);
  if (outcome === 'forced') log(`some requests were still running after ${SHUTDOWN_GRACE_MS / 1000} s and were cut`);
  mailer.close();
  await purge.stop();
  await database.close();
  log('Heimdex stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
