// @vitest-environment node
// Reading scenes on a real in-memory PGlite: a video's live scenes in order (sync tombstones and other videos'
// scenes left out), with what the Video page shows of each, their timing alone for the stages, and the
// thumbnails a search's cards ask for.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { openTestDatabase } from './testing.ts';
import { threeScenes, videoSteps } from './testing-steps.ts';

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

describe('scenes', () => {
  it('lists the live scenes of one video in order, and their timing', async () => {
    const otherId = await importVideo('sha-other');
    await runThroughScenes(otherId);
    await api.cancelVideo(otherId); // so that the next video's stages run next
    const videoId = await importVideo('sha-s');
    await runThroughScenes(videoId);
    await pg.query('update scenes set deleted = true where video_id = $1 and idx = 1', [videoId]);

    expect((await api.listScenes(videoId)).map((s) => s.idx)).toEqual([0, 2]);
    expect(await api.listSceneTimes(videoId)).toEqual(
      [threeScenes[0]!, threeScenes[2]!].map((s) => ({ ...s, sceneId: expect.any(String), keyframeS: null })),
    );
  });

  it('says how many faces a scene holds and whether visual search can find it', async () => {
    const videoId = await importVideo('sha-f');
    await runThroughScenes(videoId);
    const [first, second] = await api.listSceneTimes(videoId);
    await pg.query(
      `insert into faces (scene_id, video_id, user_id, bbox, score)
       select $1, video_id, user_id, '{"x":0,"y":0,"w":1,"h":1}', 0.9 from scenes where scene_id = $1`,
      [first!.sceneId],
    );
    await pg.query(`update scenes set image_vec = '[1,0]', image_model = 'test-model' where scene_id = $1`, [second!.sceneId]);

    const scenes = await api.listScenes(videoId);
    expect(scenes.map((s) => [s.faceCount, s.hasImageVector])).toEqual([
      [1, false],
      [0, true],
      [0, false],
    ]);
    expect(scenes[0]).toMatchObject({ transcript: '', ocrText: '', people: [] });
    expect(scenes[0]).not.toHaveProperty('thumbnail'); // read as the strip shows the scene (sceneThumbnails)
  });

  it('reads the thumbnails of the scenes asked for: this user’s live scenes that have one, nothing else', async () => {
    const videoId = await importVideo('sha-t');
    await runThroughScenes(videoId);
    const [first, second, third] = await api.listSceneTimes(videoId);
    const jpeg = (n: number) => new Uint8Array([0xff, 0xd8, n]);
    for (const [n, scene] of [first!, second!, third!].entries()) {
      await pg.query('update scenes set thumbnail = $2 where scene_id = $1', [scene.sceneId, jpeg(n)]);
    }
    await pg.query('update scenes set deleted = true where scene_id = $1', [second!.sceneId]);
    await pg.query('update scenes set thumbnail = null where scene_id = $1', [third!.sceneId]);
    const asked = [first!.sceneId, second!.sceneId, third!.sceneId, '7b0e8f8e-5a1e-4d0c-9c3b-1f2a3b4c5d6e'];

    expect(await api.sceneThumbnails(asked)).toEqual([{ sceneId: first!.sceneId, thumbnail: jpeg(0) }]);
    const someoneElse = makeDbApi(pg, '11111111-1111-4111-8111-111111111111');
    expect(await someoneElse.sceneThumbnails(asked), 'another user reads none of them').toEqual([]);
    expect(await api.sceneThumbnails([])).toEqual([]);
  });
});
