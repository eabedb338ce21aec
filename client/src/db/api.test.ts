// @vitest-environment node
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANCELLED_REASON, INTERRUPTED_IMPORT_REASON, makeDbApi, type DbApi, type StageCompletion } from './api.ts';
import { openTestDatabase } from './testing.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'KEYFRAMES', 'THUMBNAILS', 'FINALIZE'];
const probe = { durationS: 12, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: 'aac', container: 'mp4' };
const threeScenes = [
  { idx: 0, startS: 0, endS: 4 },
  { idx: 1, startS: 4, endS: 8 },
  { idx: 2, startS: 8, endS: 12 },
];

let pg: PGlite;
let api: DbApi;

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

async function importVideo(sha: string, title = `Video ${sha}`): Promise<string> {
  const created = await api.createVideo({
    title,
    fileName: `${title}.mp4`,
    sizeBytes: 1000,
    mime: 'video/mp4',
    contentSha256: sha,
  });
  if (created.status === 'duplicate') throw new Error('unexpected duplicate');
  expect(await api.queueVideo(created.videoId, STAGES)).toBe(true);
  return created.videoId;
}

/** Runs one stage the way the runner does: claim it, then complete it with its writes. */
async function runStage(videoId: string, stage: JobStage, completion: StageCompletion = { outcome: 'done' }) {
  expect(await api.nextWork()).toEqual({ videoId, stage });
  await claimAndComplete(videoId, stage, completion);
}

async function claimAndComplete(videoId: string, stage: JobStage, completion: StageCompletion) {
  expect(await api.startStage(videoId, stage)).not.toBeNull();
  expect(await api.completeStage(videoId, stage, completion)).toBe(true);
}

async function runThroughScenes(videoId: string) {
  await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
  await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
  await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
}

const jobStates = async (videoId: string) =>
  Object.fromEntries((await api.listStages(videoId)).map((j) => [j.stage, j.state]));

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

  it('a failed copy leaves the video FAILED with the reason', async () => {
    const { videoId } = (await api.createVideo({ title: 'Q', fileName: 'q.mp4', sizeBytes: 9, mime: null, contentSha256: 'sha-q' })) as { videoId: string };
    expect(await api.failImport(videoId, 'No storage space left')).toBe(true);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'No storage space left' });
  });
});

describe('stages', () => {
  it('walks VALIDATING → PROCESSING → INDEXED as the stages complete, storing the probe', async () => {
    const videoId = await importVideo('sha-1');
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'PROCESSING', durationS: 12, width: 640, height: 360, fps: 25 });
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
    expect(video?.thumbnail).toEqual(new Uint8Array([0xff, 0xd8, 0]));
    expect(await api.nextWork()).toBeNull();
    const scenes = await api.listScenes(videoId);
    expect(scenes.map((s) => [s.idx, s.startS, s.endS, s.keyframeS])).toEqual([
      [0, 0, 4, 1],
      [1, 4, 8, 5],
      [2, 8, 12, 9],
    ]);
    expect(scenes[2]?.thumbnail).toEqual(new Uint8Array([0xff, 0xd8, 2]));
  });

  it('SCENE_DETECT replaces the scenes: a re-run never duplicates rows', async () => {
    const videoId = await importVideo('sha-2');
    await runThroughScenes(videoId);
    await pg.query(`update jobs set state = 'RUNNING' where video_id = $1 and stage = 'SCENE_DETECT'`, [videoId]);
    await api.completeStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes.slice(0, 2) }] });
    expect((await api.listScenes(videoId)).map((s) => s.idx)).toEqual([0, 1]);
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

  it('a write for a scene that does not exist fails the whole completion', async () => {
    const videoId = await importVideo('sha-4');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    await expect(
      api.completeStage(videoId, 'KEYFRAMES', {
        outcome: 'done',
        writes: [{ kind: 'keyframes', keyframes: [{ idx: 0, keyframeS: 1 }, { idx: 7, keyframeS: 30 }] }],
      }),
    ).rejects.toThrow(/scene 7/);
    expect((await api.listScenes(videoId))[0]?.keyframeS).toBeNull();
    expect((await jobStates(videoId)).KEYFRAMES).toBe('RUNNING');
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

  it('a failure keeps earlier results; retry resumes at the failed stage and counts attempts', async () => {
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
    expect(await api.startStage(videoId, 'KEYFRAMES')).toBe(2);
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
  });

  it('resetInterruptedJobs puts RUNNING stages back to PENDING', async () => {
    const videoId = await importVideo('sha-9');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    expect(await api.nextWork()).toBeNull();
    expect(await api.resetInterruptedJobs()).toBe(1);
    expect(await api.nextWork()).toEqual({ videoId, stage: 'KEYFRAMES' });
  });
});

describe('library queries', () => {
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
