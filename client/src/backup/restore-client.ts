// The page's handle on the restore worker: started for one restore, ended after it.
import * as Comlink from 'comlink';
import type { RestoreDatabase } from './restore.ts';
import type { RestoreWorkerApi } from './restore-worker.ts';

export const restoreDatabaseInWorker: RestoreDatabase = async (archive, migration, library) => {
  const worker = new Worker(new URL('./restore-worker.ts', import.meta.url), { type: 'module', name: 'heimdex-restore' });
  try {
    const failed = new Promise<never>((_, reject) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new Error('The backup could not be restored: this browser could not start the part of Heimdex that reads it.'));
      }),
    );
    return await Promise.race([Comlink.wrap<RestoreWorkerApi>(worker).restoreDatabase(archive, migration, library), failed]);
  } finally {
    worker.terminate();
  }
};
