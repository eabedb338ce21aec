// The DB worker: one PGlite persisted in OPFS (see opfs-storage.ts), created from the prebuilt
// empty library on a fresh profile, migrated on open, exposed with comlink. Every call goes
// through one queue.
import type { PGlite } from '@electric-sql/pglite';
import * as Comlink from 'comlink';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { makePeopleRepo, type PeopleRepo } from './people.ts';
import { makeSearchRepo, type SearchRepo } from './search.ts';
import { migrationFiles, migrationJournal } from './bundled-migrations.ts';
import { applyMigrations } from './migrate.ts';
import { backfillOcrWords } from './ocr-words.ts';
import { setPlannerCosts } from './planner-costs.ts';
import { openDatabase } from './open.ts';
import { makeIndexPrewarm } from './prewarm.ts';
import { makePictureGraphs, type PictureGraphs } from './picture-graphs.ts';
import { startSync, type SyncApi } from '../sync/service.ts';
import { trackChanges } from '../sync/tracking.ts';
import { opfsStorage, rememberDatabaseSize } from './opfs-storage.ts';
import { currentLibrary, dbFolderOf } from './location.ts';
import { DAMAGED_LIBRARY, makeDumpQueries, type DumpQueries } from './dump.ts';
import { serialise } from './queue.ts';
import { messageOf } from '../errors.ts';
import { isStorageFull, storageFull } from '../storage-full.ts';

/** Held while this worker has the database files open. */
const FILES_LOCK = 'heimdex-db';
/**
 * How long a new worker waits for the files: the tab hand-over (app/tab-handover.ts) decides which
 * tab opens the library, but the worker of the tab that had it may still be closing (a reload, a
 * hand-over). Only a tab that cannot hand over (an older version of Heimdex) holds it longer.
 */
const FILES_LOCK_WAIT_MS = 10_000;

export const OTHER_TAB_MESSAGE =
  'Heimdex is still open in another tab or window that could not hand it over. Close that tab, then reload this one.';

/** What the worker exposes: the repository plus its open state and shutdown. */
export type DbWorkerApi = DbApi & PeopleRepo & SearchRepo & DumpQueries & SyncApi & {
  /** Resolves once the database is open and migrated; rejects with a human message. */
  whenOpen(): Promise<void>;
  /** Closes the database (flushing it) and ends the worker. */
  close(): Promise<void>;
};

/**
 * Holds a Web Lock for the worker's whole life (it goes when the worker ends), so that no two
 * workers ever open the files at once. False when it was not free within FILES_LOCK_WAIT_MS.
 */
function holdFilesLock(): Promise<boolean> {
  if (!('locks' in navigator)) return Promise.resolve(true);
  const signal = AbortSignal.timeout(FILES_LOCK_WAIT_MS);
  return new Promise((resolve) => {
    navigator.locks
      .request(FILES_LOCK, { signal }, () => {
        resolve(true);
        return new Promise<void>(() => {}); // never settles
      })
      .catch(() => resolve(false));
  });
}

function describeOpenError(error: unknown): Error {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  // OPFS access handles are exclusive: another tab (or a stuck worker) still has the files open.
  if (name === 'NoModificationAllowedError' || /access handle/i.test(message)) return new Error(OTHER_TAB_MESSAGE);
  if (name === 'QuotaExceededError') return new Error('The local library could not be opened: this browser has no storage space left.');
  return damaged(`The local library could not be opened: ${message}`);
}

/** An error that says the stored library itself is unreadable (not another tab, not a full disk). */
function damaged(message: string): Error {
  const error = new Error(message);
  error.name = DAMAGED_LIBRARY; // comlink carries the name across to the page
  return error;
}

async function open(): Promise<{ pg: PGlite; api: DbApi & PeopleRepo & SearchRepo & DumpQueries & SyncApi }> {
  if (!(await holdFilesLock())) throw new Error(OTHER_TAB_MESSAGE);
  const started = performance.now();
  let pg: PGlite;
  let folder = '';
  try {
    folder = dbFolderOf(await currentLibrary());
    const opened = await openDatabase(opfsStorage(folder), (error) =>
      console.warn('The empty library image could not be used; creating the library instead.', error),
    );
    pg = opened.pg;
    const [cache] = (await pg.query<{ shared_buffers: string }>('show shared_buffers')).rows;
    console.info(`database opened from ${opened.from} in ${Math.round(performance.now() - started)} ms (page cache ${cache?.shared_buffers})`);
  } catch (error) {
    throw describeOpenError(error);
  }
  try {
    await applyMigrations(pg, migrationJournal, migrationFiles);
    await trackChanges(pg);
    await setPlannerCosts(pg);
    await backfillOcrWords(pg);
    await rememberDatabaseSize(folder, pg);
  } catch (error) {
    await pg.close().catch(() => undefined);
    throw damaged(`The local library could not be upgraded: ${messageOf(error)}`);
  }
  const prewarm = makeIndexPrewarm(pg);
  const pictures = makePictureGraphs(pg, LOCAL_USER_ID);
  const { warmUp, prewarmStep, pictureStep, ...queued } = serialise({
    ...makeDbApi(pg),
    ...makePeopleRepo(pg, LOCAL_USER_ID),
    ...makeSearchRepo(pg, LOCAL_USER_ID, pictures.source),
    ...makeDumpQueries(pg, migrationJournal),
    prewarmStep: prewarm.step,
    pictureStep: pictures.step,
  });
  // First in the queue, so that the person's first search does not pay for what every session's first search loads.
  const warming = performance.now();
  warmUp().then(
    () => console.info(`search warmed up in ${Math.round(performance.now() - warming)} ms`),
    (error: unknown) => console.warn('The search warm-up failed; the first search will be slower.', error),
  );
  void prewarmIndexes(prewarmStep, prewarm.done);
  void keepPictureGraphs(pictureStep, pictures);
  return { pg, api: { ...queued, ...startSync(pg, LOCAL_USER_ID) } };
}

/** Reads the nearest-neighbour indexes into the page cache (prewarm.ts), a step at a time through the queue. */
async function prewarmIndexes(step: () => Promise<boolean>, done: { pages: number; ms: number }): Promise<void> {
  try {
    let steps = 1;
    while (await step()) steps++;
    // 128 pages of 8 kB to the MB.
    console.info(`vector indexes read into the page cache: ${Math.round(done.pages / 128)} MB in ${Math.round(done.ms)} ms (${steps} steps)`);
  } catch (error) {
    console.warn('The vector indexes could not be read ahead; the first searches by picture will be slower.', error);
  }
}

/**
 * Builds the picture graphs in memory (picture-graphs.ts) a step at a time through the queue, then applies each
 * change the library notices. Until they are built, and after a failure, searches read the HNSW statement.
 */
async function keepPictureGraphs(step: () => Promise<boolean>, graphs: PictureGraphs): Promise<void> {
  const started = performance.now();
  try {
    while (await step());
    console.info(`pictures held in memory for search: ${graphs.size} scenes in ${Math.round(performance.now() - started)} ms`);
    for (;;) {
      await graphs.noticed();
      while (await step());
    }
  } catch (error) {
    console.warn('The pictures could not be held in memory; searches by picture read the database instead.', error);
  }
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
        try {
          const { pg, api } = await opening;
          await api.stopSync();
          await pg.close();
        } catch {
          // it never opened: nothing to flush
        } finally {
          setTimeout(() => self.close(), 0); // after comlink has sent the reply
        }
      };
    }
    if (typeof name !== 'string' || name === 'then') return undefined;
    return async (...args: unknown[]) => {
      const { api } = await opening;
      const method = (api as unknown as Record<string, ((...a: unknown[]) => Promise<unknown>) | undefined>)[name];
      if (!method) throw new Error(`The database has no operation "${name}"`);
      try {
        return await method(...args);
      } catch (error) {
        // A write refused for want of room crosses to the page as the one storage-full error (its name survives comlink).
        throw isStorageFull(error) ? storageFull() : error;
      }
    };
  },
});

Comlink.expose(exposed);
