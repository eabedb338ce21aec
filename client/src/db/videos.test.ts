// @vitest-environment node
// Videos on a real in-memory PGlite: registering imports (de-duplicated by content, revived after a delete or an
// unfinished import), the library's rows, and deletion.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { openTestDatabase } from './testing.ts';
import { STAGES, videoSteps } from './testing-steps.ts';
import { INTERRUPTED_IMPORT_REASON } from './videos.ts';

let pg: PGlite;
let api: DbApi;
const { importVideo, claimAndComplete, runThroughScenes } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

describe('importing', () => {
  it('de-duplicates by content: the same file twice is one video', async () => {
    const videoId = await importVideo('sha-a', 'Beach');
    const again = await api.createVideo({ title: 'Copy', fileName: 'copy.mp4', sizeBytes: 1000, mime: null, contentSha256: 'sha-a' });
    expect(again).toEqual({ status: 'duplicate', videoId, title: 'Beach' });
    expect(await api.listVideos()).toHaveLength(1);
  });

  it('keeps the id offered by the caller, starts UPLOADING, and queueing creates one PENDING job per stage', async () => {
    const videoId = '11111111-1111-4111-8111-111111111111';
    const created = await api.createVideo({ videoId, title: 'T', fileName: 't.mp4', sizeBytes: 5, mime: null, contentSha256: 's' });
    expect(created).toEqual({ status: 'created', videoId });
    expect((await api.getVideo(videoId))?.state).toBe('UPLOADING');
    expect(await api.nextWork()).toBeNull(); // no jobs until the file is saved
    await api.queueVideo(videoId, STAGES);
    const video = await api.getVideo(videoId);
    expect(video?.state).toBe('VALIDATING');
    expect(video?.jobs.map((j) => [j.stage, j.state])).toEqual(STAGES.map((s) => [s, 'PENDING']));
    expect(video?.currentStage).toBe('UPLOAD_VALIDATE');
  });

  it('re-importing a DELETED video revives it cleanly (old scenes and jobs gone) instead of tripping the unique index', async () => {
    const videoId = await importVideo('sha-b', 'Old');
    await runThroughScenes(videoId);
    expect(await api.deleteVideo(videoId)).toBe(true);

    const revived = await api.createVideo({ title: 'New', fileName: 'new.mp4', sizeBytes: 1000, mime: null, contentSha256: 'sha-b' });
    expect(revived).toEqual({ status: 'revived', videoId });
    const video = await api.getVideo(videoId);
    expect(video).toMatchObject({ title: 'New', state: 'UPLOADING', durationS: null, error: null, jobs: [] });
    expect(await api.listScenes(videoId)).toEqual([]);
    expect(await api.getProbe(videoId)).toBeNull();
    await api.queueVideo(videoId, STAGES);
    expect(await api.nextWork()).toEqual({ videoId, stage: 'UPLOAD_VALIDATE' });
  });

  it('an import that never finished stays FAILED in the library, and importing the file again revives it', async () => {
    await importVideo('sha-other'); // another video with jobs must not make this one look imported
    const { videoId } = (await api.createVideo({ title: 'Cut', fileName: 'c.mp4', sizeBytes: 9, mime: null, contentSha256: 'sha-c' })) as { videoId: string };
    expect(await api.failInterruptedImports()).toBe(1);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: INTERRUPTED_IMPORT_REASON });
    expect(await api.queueVideo(videoId, STAGES)).toBe(false); // not UPLOADING any more
    const again = await api.createVideo({ title: 'Cut', fileName: 'c.mp4', sizeBytes: 9, mime: null, contentSha256: 'sha-c' });
    expect(again).toEqual({ status: 'revived', videoId });
  });

  it('leaves alone a video another device is still importing (pulled by sync as UPLOADING)', async () => {
    const { videoId } = (await api.createVideo({ title: 'There', fileName: 't.mp4', sizeBytes: 9, mime: null, contentSha256: 'sha-t' })) as { videoId: string };
    await pg.query(`update videos set device_id = '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11' where video_id = $1`, [videoId]);
    expect(await api.failInterruptedImports()).toBe(0);
    expect((await api.getVideo(videoId))?.state).toBe('UPLOADING');
  });

  it('a failed copy leaves the video FAILED with the reason', async () => {
    const { videoId } = (await api.createVideo({ title: 'Q', fileName: 'q.mp4', sizeBytes: 9, mime: null, contentSha256: 'sha-q' })) as { videoId: string };
    expect(await api.failImport(videoId, 'No storage space left')).toBe(true);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'No storage space left' });
  });
});

describe('library queries', () => {
  it('lists videos newest first with their jobs; delete removes scenes and jobs and hides the video', async () => {
    const a = await importVideo('sha-a1', 'A');
    await runThroughScenes(a);
    const b = await importVideo('sha-b1', 'B');
    expect((await api.listVideos()).map((v) => v.title)).toEqual(['B', 'A']);
    const listed = (await api.listVideos())[1]!;
    expect(listed).toMatchObject({ videoId: a, state: 'PROCESSING', currentStage: 'KEYFRAMES', thumbnail: null });
    expect(typeof listed.createdAt).toBe('string');
    expect(new Date(listed.createdAt).toISOString()).toBe(listed.createdAt);

    await claimAndComplete(a, 'KEYFRAMES', { outcome: 'done' });
    await claimAndComplete(a, 'THUMBNAILS', { outcome: 'done', writes: [{ kind: 'thumbnails', thumbnails: [{ idx: 1, jpeg: new Uint8Array([1]) }, { idx: 2, jpeg: new Uint8Array([2]) }] }] });
    const [cardB, cardA] = await api.listVideos();
    expect(cardA?.thumbnail).toEqual(new Uint8Array([1])); // the first scene that has one
    expect(cardB?.thumbnail).toBeNull(); // not another video's

    expect(await api.deleteVideo(a)).toBe(true);
    expect(await api.listScenes(a)).toEqual([]);
    expect(await api.listStages(a)).toEqual([]);
    expect(await api.getVideo(a)).toBeNull();
    expect((await api.listVideos()).map((v) => v.videoId)).toEqual([b]);
    const tombstone = await pg.query<{ state: string; deleted: boolean }>(`select state, deleted from videos where video_id = $1`, [a]);
    expect(tombstone.rows).toEqual([{ state: 'DELETED', deleted: true }]);
    const scenesLeft = await pg.query(`select 1 from scenes where video_id = $1`, [a]);
    expect(scenesLeft.rows).toHaveLength(0);
    expect(await api.deleteVideo('00000000-0000-4000-8000-00000000dead')).toBe(false);
  });
});
