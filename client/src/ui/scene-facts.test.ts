// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { analysisOf, emptyFactText, faceCountText, firstSentence } from './scene-facts.ts';

const stages = [
  { stage: 'OCR', state: 'COMPLETED', skippedReason: 'The ocr model ppocr-v4 is not installed. Missing 3 of 3 files: run `x`.', keptEarlier: false },
  { stage: 'ASR_FAST', state: 'COMPLETED', skippedReason: 'The video has no sound.', keptEarlier: false },
  { stage: 'FACE_DETECT', state: 'COMPLETED', skippedReason: null, keptEarlier: false },
  { stage: 'VISION_EMBED', state: 'PENDING', skippedReason: null, keptEarlier: false },
] as const;

describe('analysisOf', () => {
  it('tells done, skipped, pending and absent stages apart', () => {
    expect(analysisOf(stages, 'FACE_DETECT')).toEqual({ kind: 'done' });
    expect(analysisOf(stages, 'ASR_FAST')).toEqual({ kind: 'skipped', reason: 'The video has no sound.' });
    expect(analysisOf(stages, 'VISION_EMBED')).toEqual({ kind: 'pending' });
    expect(analysisOf(stages, 'TEXT_INDEX')).toEqual({ kind: 'absent' });
  });

  it('reads a stage run again that failed, its earlier results kept, as done: what it found before still stands', () => {
    const failedAgain = { stage: 'FACE_DETECT', state: 'COMPLETED', skippedReason: 'The video could not be read. The earlier results are kept.' } as const;
    expect(emptyFactText('faces', analysisOf([{ ...failedAgain, keptEarlier: true }], 'FACE_DETECT'))).toBe('No faces found.');
    // A gap filled in (its model had been missing) that failed never looked: it says so.
    expect(emptyFactText('faces', analysisOf([{ ...failedAgain, keptEarlier: false }], 'FACE_DETECT'))).toBe('Not looked for: the video could not be read.');
  });
});

describe('emptyFactText', () => {
  it('says "none found" only when the stage ran', () => {
    expect(emptyFactText('ocrText', analysisOf(stages, 'FACE_DETECT'))).toBe('No on-screen text found.');
    expect(emptyFactText('faces', { kind: 'done' })).toBe('No faces found.');
  });

  it('gives the first sentence of a skip reason', () => {
    expect(emptyFactText('ocrText', analysisOf(stages, 'OCR'))).toBe('Not read: the ocr model ppocr-v4 is not installed.');
    expect(emptyFactText('transcript', analysisOf(stages, 'ASR_FAST'))).toBe('Not transcribed: the video has no sound.');
  });

  it('says not yet, or not at all', () => {
    expect(emptyFactText('visual', { kind: 'pending' })).toBe('Not ready yet.');
    expect(emptyFactText('faces', { kind: 'absent' })).toBe('Not looked for.');
  });
});

describe('firstSentence', () => {
  it('stops at the first full stop followed by a space or the end, not inside a model id', () => {
    expect(firstSentence('The speech model whisper-tiny.en is not installed. Run it.')).toBe('The speech model whisper-tiny.en is not installed.');
    expect(firstSentence('No stop here')).toBe('No stop here');
  });
});

describe('faceCountText', () => {
  it('counts faces', () => {
    expect(faceCountText(1)).toBe('1 face');
    expect(faceCountText(3)).toBe('3 faces');
  });
});
