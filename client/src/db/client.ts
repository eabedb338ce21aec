// Main-thread handle on the DB worker.
import * as Comlink from 'comlink';
import type { DbWorkerApi } from './worker.ts';

export type DbClient = Comlink.Remote<DbWorkerApi>;

/**
 * Starts the DB worker and returns its typed remote. Call `whenOpen()` before relying on it.
 * `onFatal` hears of a worker that could not even start (e.g. its module failed to load), where
 * pending calls would otherwise wait forever.
 */
export function openDbClient(onFatal?: (message: string) => void): DbClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'heimdex-db' });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onFatal?.(`The local library could not start: ${event.message || 'the database worker failed to load'}`);
  });
  return Comlink.wrap<DbWorkerApi>(worker);
}
