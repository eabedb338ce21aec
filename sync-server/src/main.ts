import { serve } from '@hono/node-server';
import { buildApp } from './app.ts';
import { resolveJwtSecret } from './auth/secret.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { mailerFromConfig } from './mail/from-config.ts';

const config = loadConfig();
const log = config.LOG_LEVEL === 'silent' ? () => {} : (line: string) => console.log(line);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const jwtSecret = resolveJwtSecret({ configured: config.JWT_SECRET, production: config.NODE_ENV === 'production', dataDir: config.DATA_DIR });
const mailer = mailerFromConfig(config, log);
const app = buildApp({
  database,
  staticDir: config.STATIC_DIR,
  log,
  auth: { jwtSecret, trustProxy: config.TRUST_PROXY, ...(config.SUPABASE_JWT_SECRET ? { supabaseJwtSecret: config.SUPABASE_JWT_SECRET } : {}) },
  mailer,
  publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
});

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  // Tests read this line to learn the port when PORT=0.
  log(`Heimdex listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port} (database: ${database.kind})`);
});

async function shutdown() {
  server.close();
  mailer.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
