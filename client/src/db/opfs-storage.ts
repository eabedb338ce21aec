// Where the DB worker keeps the library: a PGlite data directory in OPFS (opfs-ahp: sync access
// handles, which only workers have), as the DatabaseStorage that openDatabase() needs.
import { PGlite } from '@electric-sql/pglite';
import { OpfsAhpFS } from '@electric-sql/pglite/opfs-ahp';
import { DB_OPTIONS } from './extensions.ts';
import { DB_IMAGE_PATH, imageTar, tarFileCount } from './image.ts';
import type { DatabaseStorage } from './open.ts';

import { folderAt, hasDatabase, removeAt } from './location.ts';
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
        return await PGlite.create({ fs, ...DB_OPTIONS, ...(image ? { loadDataDir: image } : {}) });
      } catch (error) {
        await closeQuietly(fs);
        throw error;
      }
    },

    discard: () => removeAt(folder),
  };
}
