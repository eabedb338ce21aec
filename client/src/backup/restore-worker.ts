// The restore worker: loads a backup's database into a new library folder in OPFS and upgrades it (db/restore-dump.ts).
// A worker of its own, because opfs-ahp needs a worker and the DB worker keeps serving the current library meanwhile.
import * as Comlink from 'comlink';
import { migrationFiles, migrationJournal } from '../db/bundled-migrations.ts';
import { dbFolderOf, removeAt, type LibraryFolder } from '../db/location.ts';
import { opfsStorage } from '../db/opfs-storage.ts';
import { restoreDump } from '../db/restore-dump.ts';

const api = {
  async restoreDatabase(archive: Blob, migration: string, library: LibraryFolder) {
    const folder = dbFolderOf(library);
    try {
      return await restoreDump(archive, migration, (image) => opfsStorage(folder).create(image), { journal: migrationJournal, files: migrationFiles });
    } catch (error) {
      await removeAt(folder).catch(() => undefined);
      throw error;
    }
  },
};

export type RestoreWorkerApi = typeof api;

Comlink.expose(api);
