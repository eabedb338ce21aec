// Backup and restore for the UI (the parts are in backup/): download a backup of this device's library, restore one
// in its place, and — when the library cannot be opened — download its raw data or start over. Replacing the library
// ends with a reload: every worker and every view then starts on the new one.
import { createSignal } from 'solid-js';
import type { DatabaseDump } from '../db/dump.ts';
import { makeCurrent, newLibraryFolder } from '../db/location.ts';
import { errorMessage } from '../errors.ts';
import { archiveName, chooseSaveTarget, libraryBackup, rawLibraryData, saveArchive, storedVideosBytes } from '../backup/export.ts';
import type { BackupManifest } from '../backup/manifest.ts';
import { restoreDatabaseInWorker } from '../backup/restore-client.ts';
import { buildRestoredLibrary, readBackup } from '../backup/restore.ts';

export type { BackupManifest } from '../backup/manifest.ts';

/** Where a long backup task stands; `fraction` null while it cannot be measured. */
export interface BackupProgress {
  label: string;
  fraction: number | null;
}

export interface BackupDeps {
  /** The database's archive (the DB worker's dumpDatabase); absent when the library could not be opened. */
  dumpDatabase?: () => Promise<DatabaseDump>;
  /** Closes the library in this tab (flushing the database) before it is replaced. */
  close: () => Promise<void>;
  /** Starts the app again on the current library (a page reload). */
  reload?: () => void;
}

const isCancel = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

export function createBackup(deps: BackupDeps) {
  const [progress, setProgress] = createSignal<BackupProgress | null>(null);
  // The app starts again on the Library page (the page it was on may not exist in the new library).
  const reload =
    deps.reload ??
    (() => {
      history.replaceState(null, '', '#/');
      location.reload();
    });

  /** Runs one task with its progress shown; answers false when the person cancelled the file picker. */
  async function task(work: () => Promise<void>): Promise<boolean> {
    if (progress()) throw new Error('A backup or restore is already in progress.');
    try {
      await work();
      return true;
    } catch (error) {
      if (isCancel(error)) return false;
      throw new Error(errorMessage(error));
    } finally {
      setProgress(null);
    }
  }

  /** Saves `make()`'s archive where the person picks (asked first, during their click). */
  const save = (kind: 'backup' | 'raw-data', preparing: string, make: () => Promise<Blob>) =>
    task(async () => {
      const name = archiveName(kind);
      const target = await chooseSaveTarget(name);
      setProgress({ label: preparing, fraction: null });
      const archive = await make();
      setProgress({ label: 'Saving…', fraction: 0 });
      await saveArchive(archive, target, name, (fraction) => setProgress({ label: 'Saving…', fraction }));
    });

  /** Makes `library` current and starts the app on it. */
  async function switchTo(library: string) {
    await deps.close().catch(() => undefined);
    await makeCurrent(library);
    reload();
  }

  return {
    /** The backup or restore under way, for a progress bar; null when none is. */
    progress,

    /** The size of this device's stored videos. */
    videosBytes: storedVideosBytes,

    /** Saves a backup of the library: the database and keyframes, and the videos when `videos`. */
    download(videos: boolean): Promise<boolean> {
      const dump = deps.dumpDatabase;
      if (!dump) return Promise.reject(new Error('The library is not open, so no backup can be made of it.'));
      return save('backup', 'Preparing the backup…', async () => libraryBackup(await dump(), videos));
    },

    /** What a backup file holds, for the person to confirm; throws a plain sentence when it is not one to restore. */
    inspect: (file: Blob): Promise<BackupManifest> => readBackup(file),

    /**
     * Replaces this device's library with the one in `file` (described by `manifest`, from inspect): built aside
     * with progress, then swapped in, and the app starts again on it. On failure the library is left as it was.
     */
    restore: (file: Blob, manifest: BackupManifest) =>
      task(async () => {
        setProgress({ label: 'Restoring…', fraction: 0 });
        const { library } = await buildRestoredLibrary(file, manifest, restoreDatabaseInWorker, (fraction) =>
          setProgress({ label: 'Restoring…', fraction }),
        );
        setProgress({ label: 'Opening the restored library…', fraction: null });
        await switchTo(library);
      }),

    /** Saves the raw data of a library that cannot be opened (the database is closed first). */
    downloadRaw: (videos: boolean) =>
      save('raw-data', 'Gathering the library’s data…', async () => {
        await deps.close().catch(() => undefined);
        return rawLibraryData(videos);
      }),

    /** Replaces a library that cannot be opened with an empty one (after the person confirmed it). */
    startOver: () =>
      task(async () => {
        setProgress({ label: 'Starting over…', fraction: null });
        await switchTo(newLibraryFolder()); // the damaged library is removed once the new one is current
      }),
  };
}

export type Backup = ReturnType<typeof createBackup>;
