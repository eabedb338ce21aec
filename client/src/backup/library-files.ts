// The files of a library folder in OPFS, listed for a backup or a raw-data download (as File objects: their bytes
// stay on disk until the archive is read).
import { folderAt, mediaFolderOf, MEDIA_FOLDERS, type LibraryFolder, type MediaFolder } from '../db/location.ts';

export interface StoredFile {
  /** The path below the folder listed, `/`-separated. */
  path: string;
  file: File;
}

type Entries = AsyncIterable<[string, FileSystemHandle]>;

/** Every file below the folder at `path` (from the top of OPFS), depth first; none when it is absent. */
export async function filesUnder(path: string): Promise<StoredFile[]> {
  const top = await folderAt(path, false);
  const out: StoredFile[] = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
    // TypeScript's DOM types lack the directory's async iteration (Chromium has it).
    for await (const [name, handle] of (dir as unknown as { entries(): Entries }).entries()) {
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
      else out.push({ path: `${prefix}${name}`, file: await (handle as FileSystemFileHandle).getFile() });
    }
  };
  if (top) await walk(top, '');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The stored media of a library: `folders` of it, with paths `<folder>/<name…>`. */
export async function mediaFiles(library: LibraryFolder, folders: readonly MediaFolder[] = MEDIA_FOLDERS): Promise<StoredFile[]> {
  const out: StoredFile[] = [];
  for (const folder of folders) {
    for (const stored of await filesUnder(mediaFolderOf(library, folder))) out.push({ path: `${folder}/${stored.path}`, file: stored.file });
  }
  return out;
}
