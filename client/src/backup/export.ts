// Making a backup file of the library (or the raw data of one that cannot be opened) and saving it: to the file the
// person picks where the browser lets a page write files (File System Access), streamed with progress; else as a
// download of the Blob, which references the stored files instead of copying them (tar.ts).
import type { DatabaseDump } from '../db/dump.ts';
import { currentLibrary, dbFolderOf, type MediaFolder } from '../db/location.ts';
import { hashFile, writeStreaming } from '../files/store.ts';
import { filesUnder, mediaFiles } from './library-files.ts';
import { DATABASE_ENTRY, MANIFEST_ENTRY, MEDIA_PREFIX, RAW_DB_PREFIX, makeManifest, type BackupManifest } from './manifest.ts';
import { tarBlob, type TarInput } from './tar.ts';

/** The media a backup always holds (small, and a model added later fills in its stage from them); videos on request. */
const ALWAYS: MediaFolder[] = ['keyframes'];
const withVideos = (videos: boolean): MediaFolder[] => (videos ? ['videos', ...ALWAYS] : ALWAYS);

const manifestEntry = (manifest: BackupManifest): TarInput => ({ name: MANIFEST_ENTRY, data: new Blob([JSON.stringify(manifest, null, 1)]) });

/** The total size of the current library's stored videos, for "Include the videos themselves (N GB)". */
export async function storedVideosBytes(): Promise<number> {
  return (await mediaFiles(await currentLibrary(), ['videos'])).reduce((sum, { file }) => sum + file.size, 0);
}

/** A backup of the current library: the database `dump` and its stored media (the videos when `videos`). */
export async function libraryBackup(dump: DatabaseDump, videos: boolean): Promise<Blob> {
  const media = await mediaFiles(await currentLibrary(), withVideos(videos));
  const manifest = makeManifest({
    kind: 'library',
    migration: dump.migration,
    counts: dump.counts,
    database: { bytes: dump.archive.size, sha256: await hashFile(dump.archive) },
    media: media.map(({ path, file }) => {
      const [folder, name] = path.split('/');
      const sha256 = folder === 'videos' ? dump.videoHashes[name!] : undefined;
      return { path, bytes: file.size, ...(sha256 ? { sha256 } : {}) };
    }),
    videos,
  });
  return tarBlob([
    manifestEntry(manifest),
    { name: DATABASE_ENTRY, data: dump.archive },
    ...media.map(({ path, file }) => ({ name: `${MEDIA_PREFIX}${path}`, data: file })),
  ]);
}

/**
 * The raw data of the current library, as it lies in the browser's storage: for a library whose database cannot be
 * opened (nothing here reads it). Call with the database closed.
 */
export async function rawLibraryData(videos: boolean): Promise<Blob> {
  const library = await currentLibrary();
  const db = await filesUnder(dbFolderOf(library));
  const media = await mediaFiles(library, withVideos(videos));
  const manifest = makeManifest({
    kind: 'raw',
    migration: null,
    counts: null,
    database: null,
    media: media.map(({ path, file }) => ({ path, bytes: file.size })),
    videos,
  });
  return tarBlob([
    manifestEntry(manifest),
    ...db.map(({ path, file }) => ({ name: `${RAW_DB_PREFIX}${path}`, data: file })),
    ...media.map(({ path, file }) => ({ name: `${MEDIA_PREFIX}${path}`, data: file })),
  ]);
}

/** A file name for an archive made now: `heimdex-backup-2026-12-05.tar`. */
export const archiveName = (kind: 'backup' | 'raw-data') => `heimdex-${kind}-${new Date().toISOString().slice(0, 10)}.tar`;

/** Where an archive goes: a file the person picked, or (null) a download. */
export type SaveTarget = FileSystemFileHandle | null;

interface SaveFilePicker {
  showSaveFilePicker?(options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }): Promise<FileSystemFileHandle>;
}

/**
 * Asks where to save the archive, where the browser can write files; null means "as a download". Call it first
 * thing in a click: the browser only shows the picker during the click. Throws AbortError when the person cancels.
 */
export async function chooseSaveTarget(suggestedName: string): Promise<SaveTarget> {
  const picker = (globalThis as SaveFilePicker).showSaveFilePicker;
  if (!picker) return null;
  try {
    return await picker({ suggestedName, types: [{ description: 'Heimdex backup', accept: { 'application/x-tar': ['.tar'] } }] });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return null; // e.g. refused without a click: a download still works
  }
}

/** Saves `archive` to `target` streaming with progress (0..1), or as a download (the browser shows its progress). */
export async function saveArchive(archive: Blob, target: SaveTarget, name: string, onProgress: (fraction: number) => void): Promise<void> {
  if (!target) {
    const url = URL.createObjectURL(archive);
    const link = Object.assign(document.createElement('a'), { href: url, download: name });
    link.click();
    // The download holds the Blob once it has started; the URL is only needed to start it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    onProgress(1);
    return;
  }
  try {
    await writeStreaming(target, archive, { onBytes: (written) => onProgress(archive.size > 0 ? written / archive.size : 1) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'QuotaExceededError') throw new Error('There is not enough space where you chose to save the backup.');
    throw new Error('The backup could not be written where you chose to save it. Try again, or choose another place.');
  }
}
