// The repository of the browser app: the client's SQL statements, one module per area, composed here
// into the one API the DB worker exposes (the worker adds people.ts and search.ts beside it):
//   videos.ts        importing, listing and deleting videos
//   jobs.ts          the pipeline's jobs and the video state they decide
//   stage-writes.ts  what a stage's results write, with its job's completion
//   scenes.ts        reading scenes
//   visual-model.ts  settings and the visual model's re-embedding
//   meaning.ts       the scenes' texts for their meaning vectors, and their re-embedding
//   storage.ts       the bytes its pictures take, for Settings → Storage
//   maintenance.ts   VACUUM and ANALYZE once indexing settles (PGlite has no autovacuum)
// It runs inside the DB worker (behind comlink and one queue) and, unchanged, in Node tests against
// an in-memory PGlite. Everything it returns is plain structured-clonable data: numbers, strings,
// ISO timestamps and Uint8Array for bytea.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { makeJobQueries } from './jobs.ts';
import { makeMaintenanceQueries } from './maintenance.ts';
import { makeMeaningQueries } from './meaning.ts';
import { makeSceneQueries } from './scenes.ts';
import { makeStorageQueries } from './storage.ts';
import type { Db } from './types.ts';
import { makeVideoQueries } from './videos.ts';
import { makeVisualModelQueries } from './visual-model.ts';

/** The one user of a device until sync signs in. */
export const LOCAL_USER_ID = '00000000-0000-4000-8000-000000000000';

export function makeDbApi(pg: PGlite, userId: string = LOCAL_USER_ID) {
  const db: Db = drizzle(pg);
  return {
    ...makeVisualModelQueries(db, userId),
    ...makeVideoQueries(db, userId),
    ...makeJobQueries(db, userId),
    ...makeSceneQueries(db, userId),
    ...makeMeaningQueries(db, userId),
    ...makeStorageQueries(db, userId),
    ...makeMaintenanceQueries(db),
  };
}

export type DbApi = ReturnType<typeof makeDbApi>;
