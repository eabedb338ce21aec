// @vitest-environment node
// openDatabase on real PGlite data directories in a temporary folder (the worker does the same on OPFS).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_OPTIONS } from './extensions.ts';
import { openDatabase, type DatabaseStorage } from './open.ts';

let image: Blob;
/** The same database whose control file is garbage: it unpacks, but PostgreSQL refuses to start on it. */
let brokenImage: Blob;
const folders: string[] = [];

beforeAll(async () => {
  // A stand-in for the built image: a database with one marker table (the image itself is tested in scripts/db-image).
  const pg = await PGlite.create(DB_OPTIONS);
  await pg.exec('create table made_from_image (id int)');
  image = await pg.dumpDataDir('gzip');
  const tar = new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer());
  await pg.close();
  const at = new TextDecoder('latin1').decode(tar).indexOf('/global/pg_control\0');
  expect(at).toBeGreaterThanOrEqual(0);
  tar.fill(0x55, at + 512, at + 1024); // the file's first block, after its 512-byte tar header
  brokenImage = new Blob([tar], { type: 'application/x-tar' });
}, 60_000);

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A data directory in a fresh folder; `loadImage` decides what the "network" gives. */
function folderStorage(loadImage: () => Promise<Blob | null>): DatabaseStorage & { dataDir: string } {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'heimdex-open-')), 'db');
  folders.push(dataDir.replace(/\/db$/, ''));
  return {
    dataDir,
    isFresh: async () => !existsSync(dataDir),
    loadImage,
    create: (from) => PGlite.create({ dataDir, ...DB_OPTIONS, ...(from ? { loadDataDir: from } : {}) }),
    discard: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

const hasMarker = async (pg: PGlite) => (await pg.query<{ t: string | null }>(`select to_regclass('made_from_image')::text as t`)).rows[0]!.t !== null;

describe('openDatabase', () => {
  it('fills a fresh data directory from the image, and opens it as it is afterwards', async () => {
    const storage = folderStorage(async () => image);
    const first = await openDatabase(storage);
    expect(first.from).toBe('image');
    await first.pg.exec('create table written_later (id int)');
    await first.pg.close();

    const again = await openDatabase(storage);
    expect(again.from).toBe('existing');
    expect(await hasMarker(again.pg)).toBe(true);
    expect((await again.pg.query(`select to_regclass('written_later')::text as t`)).rows).toEqual([{ t: 'written_later' }]);
    await again.pg.close();
  });

  it('runs initdb when the image cannot be had', async () => {
    const failures: unknown[] = [];
    const storage = folderStorage(async () => {
      throw new Error('offline');
    });
    const { pg, from } = await openDatabase(storage, (error) => failures.push(error));
    expect(from).toBe('initdb');
    expect(await hasMarker(pg)).toBe(false);
    expect((await pg.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await pg.close();
    expect(failures).toHaveLength(1);
  });

  it('starts clean with initdb when the image is broken', async () => {
    const failures: unknown[] = [];
    const storage = folderStorage(async () => brokenImage);
    const { pg, from } = await openDatabase(storage, (error) => failures.push(error));
    expect(from).toBe('initdb');
    expect(await hasMarker(pg)).toBe(false);
    await pg.exec('create table usable (id int)');
    await pg.close();
    expect(failures).toHaveLength(1);
  });
});
