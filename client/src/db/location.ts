// Where the library lives in OPFS, for the DB worker (opfs-storage.ts), the stored files (files/store.ts), backup
// and restore (backup/), and the page, which asks whether a database exists at all: a profile without one has an
// empty library, shown at once while it is made.
//
// A library is a folder: its database (a PGlite data directory, opfs-ahp) and its media beside it. The first
// library of a profile lives at the top of OPFS (database in `heimdex/`, media in `videos/`, `audio/`, …: the
// layout of every release before backups). A restored library, or one started over, is made in a new folder
// and becomes current when LIBRARY_POINTER names it: one small file written at once, so a library is swapped
// whole or not at all.

/** The database folder of the first library (what `opfs-ahp://heimdex` names). */
const FIRST_DB_FOLDER = 'heimdex';
/** opfs-ahp's index, written on first open: its presence says a database exists. */
const DB_INDEX_FILE = 'state.txt';
/** Names the folder of the current library when it is not the first one. */
const LIBRARY_POINTER = 'current-library.txt';
/** The media folders of a library (files/store.ts). */
export const MEDIA_FOLDERS = ['videos', 'audio', 'keyframes', 'examples'] as const;
export type MediaFolder = (typeof MEDIA_FOLDERS)[number];
const LIBRARY_FOLDER_PREFIX = 'library-';

/** A library's place: '' for the first library (the top of OPFS), else its folder's name. */
export type LibraryFolder = string;

/** The database folder of a library, as a path from the top of OPFS. */
export const dbFolderOf = (library: LibraryFolder): string => (library ? `${library}/db` : FIRST_DB_FOLDER);
/** The small file beside a database folder that keeps the database's size for its next start (opfs-storage.ts). */
export const dbSizeFileOf = (dbFolder: string): string => `${dbFolder}.size`;
/** A media folder of a library, as a path from the top of OPFS. */
export const mediaFolderOf = (library: LibraryFolder, folder: MediaFolder): string => (library ? `${library}/${folder}` : folder);
/** A fresh folder name for a library being made (restored, or started over). */
export const newLibraryFolder = (): LibraryFolder => `${LIBRARY_FOLDER_PREFIX}${crypto.randomUUID()}`;

const isNotFound = (error: unknown) =>
  error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');

/** The top of OPFS; a plain sentence where the browser has none. */
export async function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  if (!navigator.storage?.getDirectory) {
    throw new Error('This browser cannot store files for offline use (no origin private file system).');
  }
  return navigator.storage.getDirectory();
}

/** The folder at `path` (from the top of OPFS), made when `create`; null when it is absent. */
export async function folderAt(path: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
  let dir = await opfsRoot();
  try {
    for (const part of path.split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(part, { create });
    return dir;
  } catch (error) {
    if (!create && isNotFound(error)) return null;
    throw error;
  }
}

/** Removes the folder or file at `path` with everything in it; absent is fine. */
export async function removeAt(path: string): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  const name = parts.pop();
  if (!name) return;
  const parent = await folderAt(parts.join('/'), false);
  await parent?.removeEntry(name, { recursive: true }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
}

/**
 * The current library's folder. Read every time, not kept: another tab may have swapped libraries since (a tab that
 * hands the library over and later takes it back must not keep writing to the one that was replaced).
 */
export async function currentLibrary(): Promise<LibraryFolder> {
  try {
    const file = await (await (await opfsRoot()).getFileHandle(LIBRARY_POINTER)).getFile();
    return (await file.text()).trim();
  } catch (error) {
    if (isNotFound(error)) return '';
    throw error;
  }
}

/**
 * Makes `library` the current one (the single step that swaps libraries), then removes the library it
 * replaces. Call with the database closed, and reload the page after.
 */
export async function makeCurrent(library: LibraryFolder): Promise<void> {
  const replaced = await currentLibrary();
  const writable = await (await (await opfsRoot()).getFileHandle(LIBRARY_POINTER, { create: true })).createWritable();
  await writable.write(library);
  await writable.close(); // the new contents replace the old ones only now, at once
  await removeLibrary(replaced).catch((error: unknown) => console.warn('The replaced library could not be removed', error));
}

/** Removes a library that is not current (its database closed): its folder, or the first library's folders. */
export async function removeLibrary(library: LibraryFolder): Promise<void> {
  if (library) return removeAt(library);
  for (const path of [FIRST_DB_FOLDER, dbSizeFileOf(FIRST_DB_FOLDER), ...MEDIA_FOLDERS]) await removeAt(path);
}

/** Removes libraries that a restore cut short left behind (never the current one). */
export async function removeUnfinishedLibraries(): Promise<void> {
  const keep = await currentLibrary();
  const root = await opfsRoot();
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) if (name.startsWith(LIBRARY_FOLDER_PREFIX) && name !== keep) await removeAt(name);
}

/** True when the database folder at `path` holds a database. */
export async function hasDatabase(path: string): Promise<boolean> {
  const db = await folderAt(path, false);
  if (!db) return false;
  try {
    await db.getFileHandle(DB_INDEX_FILE);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** True when this browser profile has no library database yet. */
export async function isFreshProfile(): Promise<boolean> {
  return !(await hasDatabase(dbFolderOf(await currentLibrary())));
}
