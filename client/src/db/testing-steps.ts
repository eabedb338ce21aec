// Test support (vitest only): a video imported and taken through its stages the way the importer and the
// runner do it, for the tests of the repository's areas (videos, jobs, stage writes, scenes).
import type { JobStage } from '@heimdex/shared-schema';
import { expect } from 'vitest';
import type { DbApi } from './api.ts';
import type { StageCompletion } from './jobs.ts';

export const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'KEYFRAMES', 'THUMBNAILS', 'FINALIZE'];
export const probe = { durationS: 12, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: 'aac', container: 'mp4' };
export const threeScenes = [
  { idx: 0, startS: 0, endS: 4 },
  { idx: 1, startS: 4, endS: 8 },
  { idx: 2, startS: 8, endS: 12 },
];

/** Steps on the API `current()` returns: tests open a fresh database (and API) before each test. */
export function videoSteps(current: () => DbApi) {
  async function importVideo(sha: string, title = `Video ${sha}`, stages: JobStage[] = STAGES): Promise<string> {
    const api = current();
    const created = await api.createVideo({
      title,
      fileName: `${title}.mp4`,
      sizeBytes: 1000,
      mime: 'video/mp4',
      contentSha256: sha,
    });
    if (created.status === 'duplicate') throw new Error('unexpected duplicate');
    expect(await api.queueVideo(created.videoId, stages)).toBe(true);
    return created.videoId;
  }

  /** Runs one stage the way the runner does: claim it, then complete it with its writes. */
  async function runStage(videoId: string, stage: JobStage, completion: StageCompletion = { outcome: 'done' }) {
    expect(await current().nextWork()).toEqual({ videoId, stage });
    await claimAndComplete(videoId, stage, completion);
  }

  async function claimAndComplete(videoId: string, stage: JobStage, completion: StageCompletion) {
    expect(await current().startStage(videoId, stage)).not.toBeNull();
    expect(await current().completeStage(videoId, stage, completion)).toBe(true);
  }

  async function runThroughScenes(videoId: string) {
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
  }

  const jobStates = async (videoId: string) =>
    Object.fromEntries((await current().listStages(videoId)).map((j) => [j.stage, j.state]));

  return { importVideo, runStage, claimAndComplete, runThroughScenes, jobStates };
}
