// @vitest-environment node
// The pipeline's jobs on a real in-memory PGlite: claiming, completing and failing stages, the video state they
// decide, cancel, retry, resume after a reload, and which stage runs next.
import type { PGlite } from '@electric-sql/pglite';
import { ownScenes } from '@heimdex/shared-schema/search';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { CANCELLED_REASON, type StageCompletion } from './jobs.ts';
import { openTestDatabase } from './testing.ts';
import { probe, threeScenes, videoSteps } from './testing-steps.ts';

let pg: PGlite;
let api: DbApi;
const { importVideo, runStage, runThroughScenes, jobStates } = videoSteps(() => api);
/** Whether search still leaves the video out as being indexed for the first time (videos.first_indexing). */
const firstIndexing = async (videoId: string) =>
  (await pg.query<{ f: boolean }>('select first_indexing as f from videos where video_id = $1', [videoId])).rows[0]?.f;

/** How many of the video's scenes search reads (ownScenes: every search statement starts from it). */
const searchedScenes = async (videoId: string) =>
  (
    await drizzle(pg).execute<{ n: number }>(
      sql`select count(*)::int as n from scenes s where ${ownScenes(LOCAL_USER_ID)} and s.video_id = ${videoId}`,
    )
  ).rows[0]!.n;

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

describe('stages', () => {
  it('walks VALIDATING → PROCESSING → INDEXED as the stages complete, storing the probe', async () => {
    const videoId = await importVideo('sha-1');
    expect(await firstIndexing(videoId)).toBe(true);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'PROCESSING', durationS: 12, width: 640, height: 360, fps: 25 });
    expect(await firstIndexing(videoId)).toBe(true);
    expect(await api.getProbe(videoId)).toEqual(probe);
    await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'done', writes: [{ kind: 'audio', audio: { sampleRate: 16000, samples: 192000 } }] });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await runStage(videoId, 'KEYFRAMES', {
      outcome: 'done',
      writes: [{ kind: 'keyframes', keyframes: threeScenes.map((s) => ({ idx: s.idx, keyframeS: s.startS + 1 })) }],
    });
    await runStage(videoId, 'THUMBNAILS', {
      outcome: 'done',
      writes: [{ kind: 'thumbnails', thumbnails: threeScenes.map((s) => ({ idx: s.idx, jpeg: new Uint8Array([0xff, 0xd8, s.idx]) })) }],
    });
    expect((await api.getVideo(videoId))?.state).toBe('PROCESSING');
    await runStage(videoId, 'FINALIZE');

    const video = await api.getVideo(videoId);
    expect(video).toMatchObject({ state: 'INDEXED', currentStage: null, error: null });
    expect(await firstIndexing(videoId)).toBe(false);
    expect(video?.thumbnail).toEqual(new Uint8Array([0xff, 0xd8, 0]));
    expect(await api.nextWork()).toBeNull();
    const scenes = await api.listScenes(videoId);
    expect(scenes.map((s) => [s.idx, s.startS, s.endS, s.keyframeS])).toEqual([
      [0, 0, 4, 1],
      [1, 4, 8, 5],
      [2, 8, 12, 9],
    ]);
    const [third] = await api.sceneThumbnails([scenes[2]!.sceneId]);
    expect(third?.thumbnail).toEqual(new Uint8Array([0xff, 0xd8, 2]));
  });

  it('results and job completion are atomic: a throw in a write leaves the job RUNNING and the old results intact', async () => {
    const videoId = await importVideo('sha-3');
    await runThroughScenes(videoId);
    await pg.query(`update jobs set state = 'RUNNING' where video_id = $1 and stage = 'SCENE_DETECT'`, [videoId]);
    const duplicateIdx = [
      { idx: 0, startS: 0, endS: 1 },
      { idx: 0, startS: 1, endS: 2 },
    ];
    await expect(
      api.completeStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: duplicateIdx }] }),
    ).rejects.toThrow();
    expect((await jobStates(videoId)).SCENE_DETECT).toBe('RUNNING');
    expect((await api.listScenes(videoId)).map((s) => [s.startS, s.endS])).toEqual([
      [0, 4],
      [4, 8],
      [8, 12],
    ]);
  });

  it('only a RUNNING job can complete, fail or report progress', async () => {
    const videoId = await importVideo('sha-5');
    expect(await api.completeStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] })).toBe(false);
    expect(await api.failStage(videoId, 'UPLOAD_VALIDATE', 'x')).toBe(false);
    await api.setStageProgress(videoId, 'UPLOAD_VALIDATE', 0.5);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'VALIDATING', durationS: null, currentStageProgress: 0 });
    expect(await api.startStage(videoId, 'UPLOAD_VALIDATE')).toBe(1);
    expect(await api.startStage(videoId, 'UPLOAD_VALIDATE')).toBeNull(); // already claimed
    await api.setStageProgress(videoId, 'UPLOAD_VALIDATE', 0.5);
    expect(await api.getVideo(videoId)).toMatchObject({ currentStage: 'UPLOAD_VALIDATE', currentStageProgress: 0.5 });
  });

  it('a failure keeps earlier results; retry resumes at the failed stage, its attempts counted anew', async () => {
    const videoId = await importVideo('sha-6');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    expect(await api.failStage(videoId, 'KEYFRAMES', 'Could not read frames')).toBe(true);
    await importVideo('sha-6-other'); // an active video elsewhere must not make this one's stages runnable
    expect(await api.startStage(videoId, 'THUMBNAILS')).toBeNull();

    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Could not read frames', currentStage: 'KEYFRAMES' });
    expect(await api.listScenes(videoId)).toHaveLength(3);
    expect((await api.nextWork())?.videoId).not.toBe(videoId); // a failed video waits for a retry
    const stages = await api.listStages(videoId);
    expect(stages.find((s) => s.stage === 'KEYFRAMES')).toMatchObject({ state: 'FAILED', error: 'Could not read frames', attempts: 1 });

    expect(await api.retryVideo(videoId)).toBe(true);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'PROCESSING', error: null });
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(1);
    expect(await api.listScenes(videoId)).toHaveLength(3);
    expect(await api.retryVideo(videoId)).toBe(false); // nothing failed any more
  });

  it('retrying a failed validation goes back to VALIDATING', async () => {
    const videoId = await importVideo('sha-7');
    await api.startStage(videoId, 'UPLOAD_VALIDATE');
    await api.failStage(videoId, 'UPLOAD_VALIDATE', 'The file is empty (0 bytes).');
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'The file is empty (0 bytes).' });
    await api.retryVideo(videoId);
    expect((await api.getVideo(videoId))?.state).toBe('VALIDATING');
  });

  it('cancel marks the first unfinished stage CANCELLED and the video FAILED "Cancelled"', async () => {
    const videoId = await importVideo('sha-8');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    expect(await api.cancelVideo(videoId)).toBe(true);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: CANCELLED_REASON });
    expect(await jobStates(videoId)).toMatchObject({ SCENE_DETECT: 'COMPLETED', KEYFRAMES: 'CANCELLED', THUMBNAILS: 'PENDING' });
    expect(await api.completeStage(videoId, 'KEYFRAMES', { outcome: 'done' })).toBe(false);
    expect(await api.cancelVideo(videoId)).toBe(false);
    expect(await api.listScenes(videoId)).toHaveLength(3);
    // Cancelled in its first run: its scenes are kept for Retry, and search leaves them out.
    expect(await firstIndexing(videoId)).toBe(true);
    expect(await searchedScenes(videoId)).toBe(0);
  });

  it('resetInterruptedJobs puts RUNNING stages back to PENDING', async () => {
    const videoId = await importVideo('sha-9');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    expect(await api.nextWork()).toBeNull();
    expect(await api.resetInterruptedJobs()).toEqual({ requeued: 1, exhausted: [] });
    expect(await api.nextWork()).toEqual({ videoId, stage: 'KEYFRAMES' });
  });

  it('resetInterruptedJobs counts every start of a stage but a clean exit, up to maxAttempts; Retry counts from 0', async () => {
    const videoId = await importVideo('sha-crash');
    await runThroughScenes(videoId);
    const crash = async () => api.resetInterruptedJobs({ maxAttempts: 3 });
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(1);
    expect(await crash()).toEqual({ requeued: 1, exhausted: [] });
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(2);
    // A reload while it runs: the page noted the stage, and that start is given back.
    expect(await api.resetInterruptedJobs({ maxAttempts: 3, leftCleanly: { videoId, stage: 'KEYFRAMES', attempt: 2 } })).toEqual({
      requeued: 1,
      exhausted: [],
    });
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(2);
    // A note of another start (an older one) gives nothing back.
    expect(await api.resetInterruptedJobs({ maxAttempts: 3, leftCleanly: { videoId, stage: 'KEYFRAMES', attempt: 1 } })).toEqual({
      requeued: 1,
      exhausted: [],
    });
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(3);
    const third = await crash();
    expect(third).toEqual({ requeued: 0, exhausted: [{ videoId, stage: 'KEYFRAMES', attempt: 3 }] });
    expect(await jobStates(videoId)).toMatchObject({ KEYFRAMES: 'RUNNING' }); // the runner fails it with its reason
    expect(await api.failStage(videoId, 'KEYFRAMES', 'Indexing stopped after 3 attempts')).toBe(true);

    expect(await api.retryVideo(videoId)).toBe(true);
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(1);
  });
});

describe('stages run again at a raised pass', () => {
  const FACE_STAGES = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'] as const;
  const passes = async (videoId: string) => Object.fromEntries((await api.listStages(videoId)).map((j) => [j.stage, j.pass]));

  async function indexWithFaces(sha: string, faceDetect: StageCompletion): Promise<string> {
    const videoId = await importVideo(sha, `Video ${sha}`, [...FACE_STAGES]);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await runStage(videoId, 'FACE_DETECT', faceDetect);
    await runStage(videoId, 'FACE_EMBED', faceDetect.outcome === 'done' ? { outcome: 'done' } : faceDetect);
    await runStage(videoId, 'FINALIZE');
    expect((await api.getVideo(videoId))?.state).toBe('INDEXED');
    return videoId;
  }

  it('records the pass a stage did its work at (1 when an older version recorded none)', async () => {
    const videoId = await indexWithFaces('sha-pass', { outcome: 'done', pass: 2 });
    expect(await passes(videoId)).toMatchObject({ FACE_DETECT: 2, SCENE_DETECT: 1, FACE_EMBED: 1 });
  });

  it('queues the stages and FINALIZE again, keeps the video searchable meanwhile, and records the new pass', async () => {
    const videoId = await indexWithFaces('sha-old-faces', { outcome: 'done' });
    expect((await passes(videoId)).FACE_DETECT).toBe(1);

    expect(await api.runStagesAgain(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(2);
    expect(await jobStates(videoId)).toEqual({
      UPLOAD_VALIDATE: 'COMPLETED',
      SCENE_DETECT: 'COMPLETED',
      FACE_DETECT: 'PENDING',
      FACE_EMBED: 'PENDING',
      FINALIZE: 'PENDING',
    });
    expect((await api.getVideo(videoId))?.state).toBe('PROCESSING');
    expect(await firstIndexing(videoId)).toBe(false); // indexed once: searched on what it has
    expect(await api.listScenes(videoId)).toHaveLength(3); // what it had stays until the stage replaces it
    // Busy now: asked again, nothing more is queued.
    expect(await api.runStagesAgain(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(0);

    await runStage(videoId, 'FACE_DETECT', { outcome: 'done', pass: 2 });
    await runStage(videoId, 'FACE_EMBED');
    await runStage(videoId, 'FINALIZE');
    expect((await api.getVideo(videoId))?.state).toBe('INDEXED');
    expect((await passes(videoId)).FACE_DETECT).toBe(2);
  });

  it('a stage run again that fails keeps the earlier results: skipped with why, and the video indexed again', async () => {
    const videoId = await indexWithFaces('sha-unreadable-now', { outcome: 'done' });
    expect(await api.runStagesAgain(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(2);
    expect(await api.startStage(videoId, 'FACE_DETECT')).toBe(1);
    expect(await api.failStage(videoId, 'FACE_DETECT', 'The video could not be read.', { details: 'decoder error' })).toBe(true);

    const detect = (await api.listStages(videoId)).find((j) => j.stage === 'FACE_DETECT')!;
    expect(detect).toMatchObject({
      state: 'COMPLETED',
      error: null,
      fillable: false,
      keptEarlier: true,
      skippedReason: 'The video could not be read. The earlier results are kept.',
    });
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'PROCESSING', error: null });
    expect(await api.listScenes(videoId)).toHaveLength(3);
    await runStage(videoId, 'FACE_EMBED', { outcome: 'skipped', reason: detect.skippedReason! });
    await runStage(videoId, 'FINALIZE');
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });

    // A stage that did not run again fails its video as before.
    const fresh = await importVideo('sha-fresh', 'Fresh', [...FACE_STAGES]);
    expect(await api.startStage(fresh, 'UPLOAD_VALIDATE')).toBe(1);
    expect(await api.failStage(fresh, 'UPLOAD_VALIDATE', 'Not a video')).toBe(true);
    expect(await api.getVideo(fresh)).toMatchObject({ state: 'FAILED', error: 'Not a video' });
  });

  it('cancelling a run-again before it wrote anything keeps the earlier results and the video indexed', async () => {
    const videoId = await indexWithFaces('sha-cancel-early', { outcome: 'done' });
    expect(await api.runStagesAgain(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(2);
    expect(await api.startStage(videoId, 'FACE_DETECT')).toBe(1);
    expect(await api.cancelVideo(videoId)).toBe(true);

    expect(await api.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    const stages = await api.listStages(videoId);
    for (const stage of ['FACE_DETECT', 'FACE_EMBED', 'FINALIZE'] as const) {
      expect(stages.find((j) => j.stage === stage)).toMatchObject({
        state: 'COMPLETED',
        fillable: false,
        keptEarlier: true,
        skippedReason: 'Cancelled. The earlier results are kept.',
      });
    }
    expect(stages.find((j) => j.stage === 'SCENE_DETECT')).toMatchObject({ state: 'COMPLETED', skippedReason: null });
    expect(await api.listScenes(videoId)).toHaveLength(3);
    expect(await api.cancelVideo(videoId)).toBe(false); // nothing left to cancel
  });

  it('cancelling a run-again after one of its stages wrote new results cancels the video, still searched, and Retry finishes it', async () => {
    const videoId = await indexWithFaces('sha-cancel-late', { outcome: 'done' });
    expect(await api.runStagesAgain(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(2);
    await runStage(videoId, 'FACE_DETECT', { outcome: 'done', pass: 2 }); // the old faces are replaced now
    expect(await api.startStage(videoId, 'FACE_EMBED')).toBe(1);
    expect(await api.cancelVideo(videoId)).toBe(true);

    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Cancelled' });
    expect(await jobStates(videoId)).toMatchObject({ FACE_DETECT: 'COMPLETED', FACE_EMBED: 'CANCELLED', FINALIZE: 'PENDING' });
    // Indexed once: search reads it on what it has, as it did all through the run.
    expect(await firstIndexing(videoId)).toBe(false);
    expect(await searchedScenes(videoId)).toBe(3);
    expect(await api.retryVideo(videoId)).toBe(true);
    await runStage(videoId, 'FACE_EMBED');
    await runStage(videoId, 'FINALIZE');
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    expect(await searchedScenes(videoId)).toBe(3);
  });

  it('filling in a gap (its model arrived, or Re-index) that fails keeps the video indexed with what it had', async () => {
    const videoId = await indexWithFaces('sha-gap-fails', { outcome: 'skipped', reason: 'The faces model is not installed.', fillable: true });
    expect(await api.reindexVideo(videoId, ['FACE_DETECT', 'FACE_EMBED'])).toBe(2);
    expect((await api.getVideo(videoId))?.state).toBe('PROCESSING');
    expect(await api.startStage(videoId, 'FACE_DETECT')).toBe(1);
    expect(await api.failStage(videoId, 'FACE_DETECT', 'The faces model could not be loaded.')).toBe(true);

    const detect = (await api.listStages(videoId)).find((j) => j.stage === 'FACE_DETECT')!;
    // It never looked for faces: kept as skipped with why, not as "earlier results", and not queued again by itself.
    expect(detect).toMatchObject({
      state: 'COMPLETED',
      fillable: false,
      keptEarlier: false,
      skippedReason: 'The faces model could not be loaded. The earlier results are kept.',
    });
    await runStage(videoId, 'FACE_EMBED', { outcome: 'skipped', reason: detect.skippedReason! });
    await runStage(videoId, 'FINALIZE');
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    expect(await api.listScenes(videoId)).toHaveLength(3);
  });

  it('cancelling a video in its first run is a cancel, even when a stage of it was queued again meanwhile', async () => {
    const videoId = await importVideo('sha-first-run', 'First run', [...FACE_STAGES]);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    // A model change queues a finished stage again (requeueStages) while later stages of the first run wait.
    await pg.query(`update jobs set metadata = '{"again": true, "hadResults": true}', updated_at = now() where video_id = $1 and stage = 'SCENE_DETECT'`, [videoId]);
    expect(await api.cancelVideo(videoId)).toBe(true);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: CANCELLED_REASON });
    expect(await firstIndexing(videoId)).toBe(true); // its first run never finished: search leaves it out
  });

  it('leaves a stage skipped for its missing model to the model (Re-index), and a video that is not indexed', async () => {
    const skipped = await indexWithFaces('sha-no-model', { outcome: 'skipped', reason: 'The faces model is not installed.', fillable: true });
    expect(await api.runStagesAgain(skipped, ['FACE_DETECT', 'FACE_EMBED'])).toBe(0);
    expect((await api.getVideo(skipped))?.state).toBe('INDEXED');

    const failed = await importVideo('sha-failing', 'Failing', [...FACE_STAGES]);
    expect(await api.startStage(failed, 'UPLOAD_VALIDATE')).not.toBeNull();
    expect(await api.failStage(failed, 'UPLOAD_VALIDATE', 'Not a video')).toBe(true);
    expect(await api.runStagesAgain(failed, ['UPLOAD_VALIDATE'])).toBe(0);
    expect(await jobStates(failed)).toMatchObject({ UPLOAD_VALIDATE: 'FAILED' });
  });
});

describe('next work', () => {
  it('next work: pending validations first, then the oldest video at its first unfinished stage', async () => {
    const first = await importVideo('sha-old');
    await runStage(first, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    const second = await importVideo('sha-new');
    expect(await api.nextWork()).toEqual({ videoId: second, stage: 'UPLOAD_VALIDATE' });
    await runStage(second, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    expect(await api.nextWork()).toEqual({ videoId: first, stage: 'AUDIO_EXTRACT' });
    await api.startStage(first, 'AUDIO_EXTRACT');
    await api.failStage(first, 'AUDIO_EXTRACT', 'broken');
    expect(await api.nextWork()).toEqual({ videoId: second, stage: 'AUDIO_EXTRACT' });
  });
});
