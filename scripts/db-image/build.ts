// `npm run db:image` (run by prebuild and predev): builds the empty library image a fresh browser
// profile loads instead of running initdb — PGlite with the app's extensions, every shared-schema
// migration applied exactly as the DB worker applies them, dumped as a gzipped data directory into
// public/ (so Vite ships it). PGlite refuses an image from another version, so it is rebuilt whenever
// PGlite, pgvector, the migrations or this script change, and skipped when nothing did.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { readMigrations } from '@heimdex/shared-schema/node';
import { DB_EXTENSIONS } from '../../client/src/db/extensions.ts';
import { DB_IMAGE_PATH } from '../../client/src/db/image.ts';
import { applyMigrations } from '../../client/src/db/migrate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const IMAGE_FILE = join(ROOT, 'public', DB_IMAGE_PATH);
const STAMP_FILE = join(ROOT, 'node_modules/.cache/heimdex-db-image.json');

/** An empty, migrated library as a gzipped PGlite data directory. */
export async function buildDbImage(): Promise<Uint8Array> {
  const pg = await PGlite.create({ extensions: DB_EXTENSIONS });
  try {
    const { journal, files } = readMigrations();
    await applyMigrations(pg, journal, files);
    // PGlite works in the "postgres" database; the two templates are only ever used by CREATE DATABASE,
    // which Heimdex never runs. Without them the image has ~450 files instead of ~1,050, and every file
    // costs an OPFS access handle to create on first open and to open on every start.
    await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
    await pg.exec('DROP DATABASE template0');
    await pg.exec('DROP DATABASE template1');
    // Everything into the data files, so the image holds no pending WAL to replay on first open.
    await pg.exec('CHECKPOINT');
    return new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await pg.close();
  }
}

/** The installed version of a package the client depends on (their exports hide package.json). */
function packageVersion(name: string): string {
  let dir = dirname(createRequire(join(ROOT, 'client/package.json')).resolve(name));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    if (dirname(dir) === dir) throw new Error(`no package.json found for ${name}`);
    dir = dirname(dir);
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What the image depends on: the engine and extension versions, the migrations' text and this script. */
export function imageInputsKey(): string {
  const { journal, files } = readMigrations();
  const hash = createHash('sha256');
  hash.update(`pglite ${packageVersion('@electric-sql/pglite')}\npgvector ${packageVersion('@electric-sql/pglite-pgvector')}\n`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.stringify(journal));
  for (const name of Object.keys(files).sort()) hash.update(`\n${name}\n${files[name]}`);
  return hash.digest('hex');
}

/** Writes the image unless the one there was built from the same inputs. */
export async function writeDbImage(target = IMAGE_FILE): Promise<{ rebuilt: boolean; bytes: number; ms: number }> {
  const started = Date.now();
  const key = imageInputsKey();
  const stamp = existsSync(STAMP_FILE) ? (JSON.parse(readFileSync(STAMP_FILE, 'utf8')) as { key?: string; target?: string }) : {};
  if (stamp.key === key && stamp.target === target && existsSync(target)) {
    return { rebuilt: false, bytes: readFileSync(target).byteLength, ms: Date.now() - started };
  }
  const image = await buildDbImage();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, image);
  mkdirSync(dirname(STAMP_FILE), { recursive: true });
  writeFileSync(STAMP_FILE, `${JSON.stringify({ key, target })}\n`);
  return { rebuilt: true, bytes: image.byteLength, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { rebuilt, bytes, ms } = await writeDbImage();
  const size = `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(`empty library image ${relative(ROOT, IMAGE_FILE)}: ${rebuilt ? `built in ${(ms / 1000).toFixed(1)} s` : 'up to date'} (${size})`);
}
