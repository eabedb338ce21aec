// @vitest-environment node
// The composed repository on a real in-memory PGlite: each area's operations reachable through makeDbApi, none
// hidden by another area's of the same name, and all of them scoped to the user the API was made for.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { makeJobQueries } from './jobs.ts';
import { makeMaintenanceQueries } from './maintenance.ts';
import { makeMeaningQueries } from './meaning.ts';
import { makeSceneQueries } from './scenes.ts';
import { makeStorageQueries } from './storage.ts';
import { openTestDatabase } from './testing.ts';
import { videoSteps } from './testing-steps.ts';
import { makeVideoQueries } from './videos.ts';
import { makeVisualModelQueries } from './visual-model.ts';

const OTHER_USER_ID = '11111111-2222-4333-8444-555555555555';

let pg: PGlite;
let api: DbApi;
const { importVideo, runThroughScenes } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

describe('makeDbApi', () => {
  it('has every operation of every area, none shadowed by another area', () => {
    const db = drizzle(pg);
    const areas = [makeVisualModelQueries, makeVideoQueries, makeJobQueries, makeSceneQueries, makeMeaningQueries, makeStorageQueries, makeMaintenanceQueries].map((make) => Object.keys(make(db, LOCAL_USER_ID)));
    const names = areas.flat();
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(api).sort()).toEqual(names.sort());
  });

  it('scopes every area to its user', async () => {
    const videoId = await importVideo('sha-mine');
    await runThroughScenes(videoId);
    const other = makeDbApi(pg, OTHER_USER_ID);
    expect(await other.listVideos()).toEqual([]);
    expect(await other.getVideo(videoId)).toBeNull();
    expect(await other.getProbe(videoId)).toBeNull();
    expect(await other.listScenes(videoId)).toEqual([]);
    expect(await other.nextWork()).toBeNull();
    expect(await other.startStage(videoId, 'KEYFRAMES')).toBeNull();
    expect(await other.cancelVideo(videoId)).toBe(false);
    expect(await other.deleteVideo(videoId)).toBe(false);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'PROCESSING', currentStage: 'KEYFRAMES' });
    expect(await api.listScenes(videoId)).toHaveLength(3);
  });
});
