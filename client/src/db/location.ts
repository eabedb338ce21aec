// Where the library's database lives in OPFS, for the DB worker (opfs-storage.ts) and for the page, which
// asks whether it exists at all: a profile without it has an empty library, shown at once while it is made.

/** The OPFS folder (what `opfs-ahp://heimdex` names); its state.txt is opfs-ahp's index, written on first open. */
export const DB_FOLDER = 'heimdex';
export const DB_INDEX_FILE = 'state.txt';

/** True when this browser profile has no library database yet. */
export async function isFreshProfile(): Promise<boolean> {
  const root = await navigator.storage.getDirectory();
  try {
    await (await root.getDirectoryHandle(DB_FOLDER)).getFileHandle(DB_INDEX_FILE);
    return false;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return true;
    throw error;
  }
}
