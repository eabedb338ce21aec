import { describe, expect, it } from 'vitest';
import type { JobStage, VideoState } from '@heimdex/shared-schema';
import type { JobRow } from '../db/jobs.ts';
import { fillableVideos, gapsOf, outdatedVideos } from './gaps.ts';

const done = (stage: JobStage) => ({ stage, state: 'COMPLETED', skippedReason: null, fillable: false });
const missingModel = (stage: JobStage) => ({ stage, state: 'COMPLETED', skippedReason: 'The model is not installed.', fillable: true });

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
  const video = (videoId: string, state: VideoState, jobs: Pick<JobRow, 'stage' | 'skippedReason' | 'fillable'>[], deviceId: string | null = null) => ({
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
});
