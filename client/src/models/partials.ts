// Unfinished model downloads in the origin private file system, so they survive a reload or a closed tab:
//   model-downloads/<key>/<000000, 000001, …>   the bytes received so far, in pieces
// Each piece is a new file written in one go: appending never rewrites what is already there (an OPFS
// writable opened with keepExistingData copies the whole file first), and a tab that dies loses at most
// the piece it was gathering.
import type { PartialFiles } from './download.ts';

export const PARTIALS_DIR = 'model-downloads';
const DIR = PARTIALS_DIR;

async function root(): Promise<FileSystemDirectoryHandle> {
  if (!navigator.storage?.getDirectory) throw new Error('This browser cannot store files for offline use.');
  return (await navigator.storage.getDirectory()).getDirectoryHandle(DIR, { create: true });
}

async function pieces(dir: FileSystemDirectoryHandle): Promise<string[]> {
  const names: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  return names.filter((name) => /^\d{6}$/.test(name)).sort();
}

export function createOpfsPartials(): PartialFiles {
  return {
    async read(key) {
      const dir = await (await root()).getDirectoryHandle(key, { create: true });
      const files = await Promise.all((await pieces(dir)).map(async (name) => (await dir.getFileHandle(name)).getFile()));
      return new Blob(files);
    },
    async append(key, bytes) {
      const dir = await (await root()).getDirectoryHandle(key, { create: true });
      const name = String((await pieces(dir)).length).padStart(6, '0');
      const handle = await dir.getFileHandle(`${name}.partial`, { create: true });
      const writable = await handle.createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
      // Named as a piece only once it is whole: a piece cut short by a closed tab is never read.
      await (handle as unknown as { move(name: string): Promise<void> }).move(name);
    },
    async remove(key) {
      await (await root()).removeEntry(key, { recursive: true }).catch((error: unknown) => {
        if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
      });
    },
  };
}

/** Keys of the downloads that were left unfinished (to resume or to clear). */
export async function unfinishedDownloads(): Promise<string[]> {
  const names: string[] = [];
  for await (const name of ((await root()) as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  return names;
}
