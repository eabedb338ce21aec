// @vitest-environment node
// The bytes of thumbnails and face crops in a real in-memory PGlite, as Settings → Storage shows them.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { openTestDatabase } from './testing.ts';
import { STAGES, videoSteps } from './testing-steps.ts';

const OTHER_USER_ID = '11111111-2222-4333-8444-555555555555';
let pg: PGlite;
let api: DbApi;
const { importVideo, runThroughScenes, claimAndComplete } = videoSteps(() => api);

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

describe('files in use', () => {
  it('keeps the copy of every video in the library, and its audio until speech has run for good', async () => {
    const indexed = await importVideo('sha-indexed', 'Indexed', [...STAGES, 'ASR_FAST']);
    const waiting = await importVideo('sha-waiting', 'Waiting for speech', [...STAGES, 'ASR_FAST']);
    const queued = await importVideo('sha-queued');
    for (const videoId of [indexed, waiting]) {
      for (const stage of STAGES.filter((s) => s !== 'FINALIZE')) await claimAndComplete(videoId, stage, { outcome: 'done' });
    }
    await claimAndComplete(indexed, 'ASR_FAST', { outcome: 'done' });
    await claimAndComplete(waiting, 'ASR_FAST', { outcome: 'skipped', reason: 'No speech model', fillable: true });

    const inUse = await api.filesInUse();
    expect(inUse.copies.sort()).toEqual([indexed, waiting, queued].sort());
    expect(inUse.audio.sort()).toEqual([waiting, queued].sort());
  });

  it('lets go of a deleted video, an import that never finished and another device’s video', async () => {
    const kept = await importVideo('sha-kept');
    const deleted = await importVideo('sha-deleted');
    expect(await api.deleteVideo(deleted)).toBe(true);
    const interrupted = await api.createVideo({ title: 'Cut short', fileName: 'cut.mp4', sizeBytes: 10, mime: 'video/mp4', contentSha256: 'sha-cut' });
    expect(await api.failInterruptedImports()).toBe(1);
    await pg.query(
      `insert into videos (video_id, user_id, device_id, title, file_name, size_bytes, mime, content_sha256, state)
       values (gen_random_uuid(), (select user_id from videos limit 1), gen_random_uuid(), 'Elsewhere', 'e.mp4', 1, 'video/mp4', 'sha-elsewhere', 'INDEXED')`,
    );

    const inUse = await api.filesInUse();
    expect(inUse.copies).toEqual([kept]);
    expect(inUse.audio).toEqual([kept]);
    expect(interrupted.status).toBe('created');
  });
});
