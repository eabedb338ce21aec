// @vitest-environment node
// The bytes of thumbnails and face crops in a real in-memory PGlite, as Settings → Storage shows them.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { openTestDatabase } from './testing.ts';
import { videoSteps } from './testing-steps.ts';

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

describe('stored image bytes', () => {
  it('is zero in an empty library', async () => {
    expect(await api.storedImageBytes()).toEqual({ thumbnailBytes: 0, faceCropBytes: 0 });
  });

  it('sums the thumbnails and face crops of this user, deleted rows included (their bytes are still kept)', async () => {
    const videoId = await importVideo('sha-storage');
    await runThroughScenes(videoId);
    await pg.query(`update scenes set thumbnail = decode(repeat('ab', 1000 + idx), 'hex') where video_id = $1`, [videoId]);
    await pg.query('update scenes set deleted = true where video_id = $1 and idx = 2', [videoId]);
    const { rows } = await pg.query<{ scene_id: string }>('select scene_id from scenes where video_id = $1 order by idx limit 1', [videoId]);
    for (const [userId, bytes] of [
      [null, 300],
      [null, 200],
      [OTHER_USER_ID, 5000],
    ] as const) {
      await pg.query(
        `insert into faces (scene_id, video_id, user_id, bbox, score, crop)
         values ($1, $2, coalesce($3::uuid, (select user_id from videos where video_id = $2)), '{"x":0,"y":0,"w":1,"h":1}', 0.9, decode(repeat('cd', $4), 'hex'))`,
        [rows[0]!.scene_id, videoId, userId, bytes],
      );
    }
    expect(await api.storedImageBytes()).toEqual({ thumbnailBytes: 1000 + 1001 + 1002, faceCropBytes: 500 });
  });
});
