// The DB worker: one PGlite persisted in OPFS (opfs-ahp: sync access handles, which only workers
// have), migrated on open, exposed with comlink. Every call goes through one queue.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import * as Comlink from 'comlink';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { makePeopleRepo, type PeopleRepo } from './people.ts';
import { makeSearchRepo, type SearchRepo } from './search.ts';
import { migrationFiles, migrationJournal } from './bundled-migrations.ts';
import { applyMigrations } from './migrate.ts';
import { serialise } from './queue.ts';

const DATA_DIR = 'opfs-ahp://heimdex';
const TAB_LOCK = 'heimdex-db';

export const OTHER_TAB_MESSAGE =
  'Heimdex is already open in another tab. Close that tab or switch to it: the local library can be open in only one tab at a time.';

/** What the worker exposes: the repository plus its open state and shutdown. */
export type DbWorkerApi = DbApi & PeopleRepo & SearchRepo & {
  /** Resolves once the database is open and migrated; rejects with a human message. */
  whenOpen(): Promise<void>;
  /** Closes the database (flushing it) and ends the worker. */
  close(): Promise<void>;
};

/**
 * Holds a Web Lock for the worker's whole life, so a second tab learns at once that the
 * database is taken instead of failing somewhere inside PGlite. False when another tab holds it.
 */
function holdTabLock(): Promise<boolean> {
  if (!('locks' in navigator)) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks.request(TAB_LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Never settles: the lock goes when the worker ends.
      return lock ? new Promise<void>(() => {}) : undefined;
    });
  });
}

function describeOpenError(error: unknown): Error {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  // OPFS access handles are exclusive: another tab (or a stuck worker) still has the files open.
  if (name === 'NoModificationAllowedError' || /access handle/i.test(message)) return new Error(OTHER_TAB_MESSAGE);
  if (name === 'QuotaExceededError') return new Error('The local library could not be opened: this browser has no storage space left.');
  return new Error(`The local library could not be opened: ${message}`);
}

async function open(): Promise<{ pg: PGlite; api: DbApi & PeopleRepo & SearchRepo }> {
  if (!(await holdTabLock())) throw new Error(OTHER_TAB_MESSAGE);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: DATA_DIR, extensions: { vector, pg_trgm } });
  } catch (error) {
    throw describeOpenError(error);
  }
  try {
    await applyMigrations(pg, migrationJournal, migrationFiles);
  } catch (error) {
    await pg.close().catch(() => undefined);
    throw new Error(`The local library could not be upgraded: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { pg, api: serialise({ ...makeDbApi(pg), ...makePeopleRepo(pg, LOCAL_USER_ID), ...makeSearchRepo(pg, LOCAL_USER_ID) }) };
}

const opening = open();
opening.catch(() => undefined); // reported through whenOpen() and every call, not as unhandled

// The method names are only known once the database is open, so the exposed object forwards any
// method call to the opened api (comlink looks methods up by name).
const exposed = new Proxy({} as DbWorkerApi, {
  get(_, name) {
    if (name === 'whenOpen') return async () => void (await opening);
    if (name === 'close') {
      return async () => {
        const { pg } = await opening;
        await pg.close();
        setTimeout(() => self.close(), 0); // after comlink has sent the reply
      };
    }
    if (typeof name !== 'string' || name === 'then') return undefined;
    return async (...args: unknown[]) => {
      const { api } = await opening;
      const method = (api as unknown as Record<string, ((...a: unknown[]) => Promise<unknown>) | undefined>)[name];
      if (!method) throw new Error(`The database has no operation "${name}"`);
      return method(...args);
    };
  },
});

Comlink.expose(exposed);
