// Restoring a backup file: read and check what it says it holds, then build the library it holds in a new folder
// (its media streamed from the file, its database loaded and upgraded by the restore worker). The current library
// is not touched: the caller swaps to the new folder only once everything here succeeded (db/location.ts), and a
// refused or failed restore leaves nothing behind.
import type { LibraryCounts } from '../db/dump.ts';
import { folderAt, mediaFolderOf, newLibraryFolder, removeAt, removeUnfinishedLibraries, type LibraryFolder, type MediaFolder } from '../db/location.ts';
import { errorMessage } from '../errors.ts';
import { hashFile, writeStreaming } from '../files/store.ts';
import { createSHA256 } from 'hash-wasm';
import { BackupRefused, DATABASE_ENTRY, MANIFEST_ENTRY, MEDIA_PREFIX, parseManifest, type BackupManifest } from './manifest.ts';
import { readTar, TarError } from './tar.ts';

/** Loads a backup's database into a library folder and upgrades it (the restore worker, or a test's own). */
export type RestoreDatabase = (archive: Blob, migration: string, library: LibraryFolder) => Promise<LibraryCounts>;

const NOT_A_BACKUP = 'This file is not a Heimdex backup.';
const DAMAGED = 'This backup is damaged: part of it does not match what it says it holds.';
const INCOMPLETE = 'This backup is incomplete: it was not saved completely.';
/** The manifest is small; anything bigger in its place is not ours. */
const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

/** What the backup in `file` holds, for the person to confirm; throws BackupRefused with a plain sentence. */
export async function readBackup(file: Blob): Promise<BackupManifest> {
  try {
    for await (const entry of readTar(file)) {
      if (entry.name !== MANIFEST_ENTRY || entry.data.size > MANIFEST_MAX_BYTES) break;
      return parseManifest(await entry.data.text());
    }
  } catch (error) {
    if (error instanceof BackupRefused) throw error;
    if (error instanceof TarError) throw new BackupRefused(NOT_A_BACKUP);
    throw new BackupRefused(`The file could not be read: ${errorMessage(error)}`);
  }
  throw new BackupRefused(NOT_A_BACKUP);
}

/**
 * Builds the library held in `file` (described by `manifest`, from readBackup) in a new folder and answers it. On
 * any failure the new folder is removed and a plain sentence thrown. `onProgress` gets 0..1 by bytes.
 */
export async function buildRestoredLibrary(
  file: Blob,
  manifest: BackupManifest,
  restoreDatabase: RestoreDatabase,
  onProgress: (fraction: number) => void,
): Promise<{ library: LibraryFolder; counts: LibraryCounts }> {
  await removeUnfinishedLibraries();
  const library = newLibraryFolder();
  const total = manifest.database!.bytes + manifest.media.reduce((sum, m) => sum + m.bytes, 0);
  let done = 0;
  try {
    const expected = new Map(manifest.media.map((m) => [m.path, m]));
    let counts: LibraryCounts | null = null;
    for await (const entry of readTar(file)) {
      if (entry.name === MANIFEST_ENTRY) continue;
      if (entry.name === DATABASE_ENTRY) {
        if (entry.data.size !== manifest.database!.bytes || (await hashFile(entry.data)) !== manifest.database!.sha256) throw new BackupRefused(DAMAGED);
        counts = await restoreDatabase(entry.data, manifest.migration!, library);
        done += entry.data.size;
        onProgress(done / total);
        continue;
      }
      const path = entry.name.startsWith(MEDIA_PREFIX) ? entry.name.slice(MEDIA_PREFIX.length) : null;
      const media = path === null ? undefined : expected.get(path);
      if (!media || media.bytes !== entry.data.size) throw new BackupRefused(DAMAGED);
      expected.delete(media.path);
      await writeMedia(library, media.path, entry.data, media.sha256, (written) => onProgress((done + written) / total));
      done += media.bytes;
    }
    if (!counts || expected.size > 0) throw new BackupRefused(INCOMPLETE);
    onProgress(1);
    return { library, counts };
  } catch (error) {
    await removeAt(library).catch(() => undefined);
    throw refusal(error);
  }
}

/** Writes one media file of a restored library, checking its content hash when the backup knows it. */
async function writeMedia(library: LibraryFolder, path: string, data: Blob, sha256: string | undefined, onBytes: (written: number) => void) {
  const [folder, ...rest] = path.split('/');
  const name = rest.pop()!;
  const dir = (await folderAt([mediaFolderOf(library, folder as MediaFolder), ...rest].join('/'), true))!;
  const hash = sha256 ? await createSHA256() : null;
  hash?.init();
  await writeStreaming(await dir.getFileHandle(name, { create: true }), data, { onBytes, onChunk: (chunk) => hash?.update(chunk) });
  if (hash && hash.digest('hex') !== sha256) throw new BackupRefused(DAMAGED);
}

function refusal(error: unknown): Error {
  if (error instanceof BackupRefused) return error;
  if (error instanceof TarError) return new BackupRefused(error.message.includes('ends too early') ? INCOMPLETE : DAMAGED);
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return new Error('There is not enough storage space in this browser to restore this backup. Your library was not changed.');
  }
  return new Error(errorMessage(error));
}
