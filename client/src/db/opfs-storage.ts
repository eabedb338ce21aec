// Where the DB worker keeps the library: a PGlite data directory in OPFS (opfs-ahp: sync access
// handles, which only workers have), as the DatabaseStorage that openDatabase() needs.
import { PGlite } from '@electric-sql/pglite';
import { OpfsAhpFS } from '@electric-sql/pglite/opfs-ahp';
import { pgliteBufferOptions } from '@heimdex/shared-schema/pglite-buffers';
import { DB_OPTIONS } from './extensions.ts';
import { DB_IMAGE_PATH, imageTar, tarFileCount } from './image.ts';
import type { DatabaseStorage } from './open.ts';

import { dbSizeFileOf, folderAt, hasDatabase, removeAt } from './location.ts';
const IMAGE_TIMEOUT_MS = 30_000;
/** Spare access handles opfs-ahp keeps (its maintainedPoolSize): PostgreSQL creates a few files as it starts. */
const SPARE_HANDLES = 100;

/** Closes the access handles of a filesystem whose PGlite failed to start (they would block the next try). */
async function closeQuietly(fs: OpfsAhpFS): Promise<void> {
  try {
    await fs.closeFs(); // closes every handle first; then fails on the PGlite that never ran
  } catch {
    // nothing more to release
  }
}

/**
 * Refuses a database whose opfs-ahp index (state.txt: a JSON state, then one JSON line per change since) is not
 * what opfs-ahp wrote. opfs-ahp itself replaces an index it cannot parse with an empty one, and PostgreSQL then
 * makes a new, empty database there: a silent wipe of the library. Reading it first turns that into an error.
 */
async function checkIndex(folder: string): Promise<void> {
  const index = await (await folderAt(folder, false))
    ?.getFileHandle('state.txt')
    .then((handle) => handle.getFile())
    .catch(() => null);
  if (!index) return; // no database yet: PostgreSQL makes one
  const lines = (await index.text()).split('\n').filter(Boolean);
  try {
    const state = JSON.parse(lines[0] ?? '') as { root?: { children?: unknown }; pool?: unknown };
    if (typeof state.root?.children !== 'object' || !Array.isArray(state.pool)) throw new Error('not an index');
    for (const line of lines.slice(1)) JSON.parse(line);
  } catch {
    throw new Error('the index of its files in this browser’s storage is damaged');
  }
}

/**
 * The database's size as last measured (rememberDatabaseSize), in a small file beside its folder: PGlite's page cache
 * is sized to it (pglite-buffers.ts) before the database starts, when nothing can be asked of the database yet.
 */
const sizeFileOf = (folder: string) => {
  const parts = dbSizeFileOf(folder).split('/').filter(Boolean);
  const name = parts.pop()!;
  return { parent: parts.join('/'), name };
};

/** The size rememberDatabaseSize wrote; 0 when there is none (a new library, or one from before sizes were kept). */
async function rememberedSize(folder: string): Promise<number> {
  const { parent, name } = sizeFileOf(folder);
  const file = await (await folderAt(parent, false))
    ?.getFileHandle(name)
    .then((handle) => handle.getFile())
    .catch(() => null);
  return file ? Number((await file.text()).trim()) || 0 : 0;
}

/** Keeps the database's size for its next start (see rememberedSize). Only a speed hint: a failure is ignored. */
export async function rememberDatabaseSize(folder: string, pg: PGlite): Promise<void> {
  try {
    const [row] = (await pg.query<{ bytes: number }>('select pg_database_size(current_database())::float8 as bytes')).rows;
    const { parent, name } = sizeFileOf(folder);
    const handle = await (await folderAt(parent, true))!.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    await writable.write(String(Math.round(row?.bytes ?? 0)));
    await writable.close();
  } catch (error) {
    console.warn('The library’s size could not be kept for its next start.', error);
  }
}

/** This device's memory as the browser tells it (Chromium: in GB, at most 8); 4 GB where it does not. */
const deviceMemoryBytes = () => ((navigator as { deviceMemory?: number }).deviceMemory ?? 4) * 1024 ** 3;

/** The database in `folder` (a path from the top of OPFS: location.ts's dbFolderOf). */
export function opfsStorage(folder: string): DatabaseStorage {
  return {
    isFresh: async () => !(await hasDatabase(folder)),

    async loadImage() {
      const response = await fetch(new URL(`${import.meta.env.BASE_URL}${DB_IMAGE_PATH}`, self.location.href), {
        signal: AbortSignal.timeout(IMAGE_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`the empty library image answered ${response.status}`);
      return imageTar(new Uint8Array(await response.arrayBuffer()));
    },

    async create(image) {
      // Loading the image writes all its files before opfs-ahp can grow its pool, so the pool starts
      // with one handle per file (each costs ~1 ms to create: the default 1,000 would be wasted time).
      const files = image ? tarFileCount(new Uint8Array(await image.arrayBuffer())) : 0;
      if (!image) await checkIndex(folder);
      const fs = new OpfsAhpFS(folder, image ? { initialPoolSize: files + SPARE_HANDLES } : {});
      try {
        const buffers = pgliteBufferOptions(PGlite.defaultStartParams, image ? 0 : await rememberedSize(folder), deviceMemoryBytes());
        return await PGlite.create({ fs, ...DB_OPTIONS, ...buffers, ...(image ? { loadDataDir: image } : {}) });
      } catch (error) {
        await closeQuietly(fs);
        throw error;
      }
    },

    discard: () => removeAt(folder),
  };
}
