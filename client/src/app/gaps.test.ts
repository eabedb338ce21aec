import { describe, expect, it } from 'vitest';
import type { JobStage, VideoState } from '@heimdex/shared-schema';
import type { JobRow } from '../db/jobs.ts';
import { STAGE_PASSES } from '../pipeline/plan.ts';
import { earlierPassVideos, fillableVideos, gapsOf, outdatedVideos } from './gaps.ts';

const done = (stage: JobStage, pass = STAGE_PASSES[stage] ?? 1) => ({ stage, state: 'COMPLETED' as const, skippedReason: null, fillable: false, pass });
const missingModel = (stage: JobStage) => ({ stage, state: 'COMPLETED' as const, skippedReason: 'The model is not installed.', fillable: true, pass: 1 });

describe('gapsOf', () => {
  it('names, in plain words, what a missing model leaves unsearchable, once per model', () => {
    const stages = [done('SCENE_DETECT'), missingModel('VISION_EMBED'), done('OCR'), missingModel('FACE_DETECT'), missingModel('FACE_EMBED'), missingModel('ASR_FAST')];
    expect(gapsOf('INDEXED', stages)).toEqual([
      { task: 'visual', missing: 'Searching by what is shown is not available', action: 'Download the visual model' },
      { task: 'faces', missing: 'People are not recognised', action: 'Download the face model' },
      { task: 'speech', missing: 'Spoken words are not searchable', action: 'Download the speech model' },
    ]);
  });

  it('is not a gap when there was nothing to do (a video without sound)', () => {
    const silent = { stage: 'ASR_FAST' as const, state: 'COMPLETED', skippedReason: 'The video has no sound.', fillable: false };
    expect(gapsOf('INDEXED', [done('OCR'), silent])).toEqual([]);
  });

  it('only an indexed video has gaps: elsewhere the stage may still run', () => {
    expect(gapsOf('PROCESSING', [missingModel('ASR_FAST')])).toEqual([]);
    expect(gapsOf('FAILED', [missingModel('ASR_FAST')])).toEqual([]);
  });
});

describe('which videos Re-index brings up to date', () => {
  const video = (videoId: string, state: VideoState, jobs: Pick<JobRow, 'stage' | 'state' | 'skippedReason' | 'fillable' | 'pass'>[], deviceId: string | null = null) => ({
    videoId,
    state,
    jobs,
    deviceId,
  });

  it('fills in the indexed videos that skipped a stage of the arriving model', () => {
    const rows = [
      video('ocr-missing', 'INDEXED', [done('SCENE_DETECT'), missingModel('OCR')]),
      video('speech-missing', 'INDEXED', [done('OCR'), missingModel('ASR_FAST')]),
      video('still-running', 'PROCESSING', [missingModel('OCR')]),
      video('silent', 'INDEXED', [{ ...done('ASR_FAST'), skippedReason: 'The video has no sound.' }]),
      video('on-laptop', 'INDEXED', [missingModel('OCR')], '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11'),
    ];
    expect(fillableVideos(rows, ['OCR']).map((r) => r.videoId)).toEqual(['ocr-missing']);
    expect(fillableVideos(rows, ['OCR', 'ASR_FAST']).map((r) => r.videoId)).toEqual(['ocr-missing', 'speech-missing']);
  });

  it('finds the indexed videos that lack a stage added since they were indexed', () => {
    const rows = [
      video('old', 'INDEXED', [done('SCENE_DETECT'), done('FINALIZE')]),
      video('current', 'INDEXED', [done('SCENE_DETECT'), done('FACE_EMBED'), done('FINALIZE')]),
      video('failed-early', 'FAILED', [done('SCENE_DETECT')]),
      // Synced from another device: no jobs here, and never re-indexed here.
      video('on-laptop', 'INDEXED', [], '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11'),
    ];
    expect(outdatedVideos(rows, ['SCENE_DETECT', 'FACE_EMBED', 'FINALIZE']).map((r) => r.videoId)).toEqual(['old']);
  });

  it('runs again, with the stages built on it, a stage that did its work at an earlier pass', () => {
    // A face pass raised since: FACE_DETECT of 'faces-at-0.5' ran before it (no pass recorded reads as 1).
    expect(STAGE_PASSES.FACE_DETECT).toBeGreaterThan(1);
    const stages = (faceDetect: ReturnType<typeof done>) => [done('SCENE_DETECT'), done('OCR'), faceDetect, done('FACE_EMBED'), done('TEXT_INDEX'), done('FINALIZE')];
    const rows = [
      video('faces-at-0.5', 'INDEXED', stages(done('FACE_DETECT', 1))),
      video('current', 'INDEXED', stages(done('FACE_DETECT'))),
      // The face model was missing: nothing was found at any pass, and the model's arrival fills it in (fillableVideos).
      video('no-face-model', 'INDEXED', [done('SCENE_DETECT'), missingModel('FACE_DETECT'), missingModel('FACE_EMBED'), done('FINALIZE')]),
      video('busy', 'PROCESSING', stages(done('FACE_DETECT', 1))),
      video('on-laptop', 'INDEXED', stages(done('FACE_DETECT', 1)), '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11'),
    ];
    expect(earlierPassVideos(rows, ['FACE_DETECT', 'FACE_EMBED'])).toEqual([{ videoId: 'faces-at-0.5', stages: ['FACE_DETECT', 'FACE_EMBED'] }]);
    // Only the stages asked about: the face model's, when it is on the device (a skip would show a gap instead).
    expect(earlierPassVideos(rows, ['OCR', 'VISION_EMBED'])).toEqual([]);
  });
});
