// Measures what this origin keeps, by walking it: folders of the origin private file system (the current
// library's database, imported videos, extracted audio, keyframes; unfinished model downloads…) and the
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

/** Bytes under each path (a folder or file, from the top of the origin private file system); 0 where absent. */
export async function opfsBytesAt(paths: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!navigator.storage?.getDirectory) return sizes;
  const root = await navigator.storage.getDirectory();
  for (const path of paths) {
    sizes.set(path, await bytesAt(root, path.split('/').filter(Boolean)).catch(() => 0));
  }
  return sizes;
}

async function bytesAt(dir: FileSystemDirectoryHandle, parts: string[]): Promise<number> {
  const [name, ...rest] = parts;
  if (name === undefined) return directoryBytes(dir);
  if (rest.length > 0) return bytesAt(await dir.getDirectoryHandle(name), rest);
  try {
    return await directoryBytes(await dir.getDirectoryHandle(name));
  } catch {
    return (await dir.getFileHandle(name)).getFile().then((f) => f.size);
  }
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
