// Measures what this origin keeps, by walking it: the top-level folders of the origin private file system
// (the library database, imported videos, extracted audio, keyframes, unfinished model downloads…) and the
// Cache Storage caches (models, the app's own offline files), in bytes. Read-only; runs on the page.
// The page can read the database's files while the DB worker holds their access handles (seen in Chromium).

type DirectoryEntries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

/** Bytes of every file under `dir`; a file that vanishes mid-walk (a delete in another task) counts 0. */
async function directoryBytes(dir: FileSystemDirectoryHandle): Promise<number> {
  let total = 0;
  // TypeScript's DOM types lack the directory's async iteration (Chromium has it).
  for await (const [, handle] of (dir as unknown as DirectoryEntries).entries()) {
    if (handle.kind === 'directory') total += await directoryBytes(handle as FileSystemDirectoryHandle);
    else total += await (handle as FileSystemFileHandle).getFile().then((f) => f.size, () => 0);
  }
  return total;
}

/** Bytes under each top-level name of the origin private file system (a top-level file counts under its own name). */
export async function opfsBytesByFolder(): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!navigator.storage?.getDirectory) return sizes;
  const root = await navigator.storage.getDirectory();
  for await (const [name, handle] of (root as unknown as DirectoryEntries).entries()) {
    const bytes =
      handle.kind === 'directory'
        ? await directoryBytes(handle as FileSystemDirectoryHandle)
        : await (handle as FileSystemFileHandle).getFile().then((f) => f.size, () => 0);
    sizes.set(name, bytes);
  }
  return sizes;
}

/** Bytes of each Cache Storage cache: the recorded content-length where a response has one, else its body's size. */
export async function cacheBytesByName(): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (typeof caches === 'undefined') return sizes;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    let total = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (!response) continue;
      const length = Number(response.headers.get('content-length'));
      total += Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
    }
    sizes.set(name, total);
  }
  return sizes;
}
