import { describe, expect, it } from 'vitest';
import type { JobStage } from '@heimdex/shared-schema';
import { gapsOf } from './gaps.ts';

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
