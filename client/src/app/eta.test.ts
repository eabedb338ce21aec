import { describe, expect, it } from 'vitest';
import { estimateSecondsLeft } from './eta.ts';

describe('estimateSecondsLeft', () => {
  it('extrapolates the measured throughput: 30 video-seconds done in 10 s leaves 20 s for 60 more', () => {
    expect(estimateSecondsLeft({ elapsedS: 10, doneS: 30, remainingS: 60 })).toBeCloseTo(20);
  });

  it('is zero when nothing is left', () => {
    expect(estimateSecondsLeft({ elapsedS: 12, doneS: 40, remainingS: 0 })).toBe(0);
  });

  it('says nothing in the first seconds, however fast things seem', () => {
    expect(estimateSecondsLeft({ elapsedS: 2, doneS: 30, remainingS: 60 })).toBeNull();
  });

  it('says nothing before a twentieth of the work is done', () => {
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: 4, remainingS: 96 })).toBeNull();
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: 5, remainingS: 95 })).toBeCloseTo(570);
  });

  it('says nothing while a length is unknown or nothing has been done', () => {
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: 20, remainingS: null })).toBeNull();
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: 0, remainingS: 50 })).toBeNull();
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: -5, remainingS: 50 })).toBeNull();
  });

  it('never turns invalid input into a number', () => {
    expect(estimateSecondsLeft({ elapsedS: Number.NaN, doneS: 10, remainingS: 10 })).toBeNull();
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: Number.POSITIVE_INFINITY, remainingS: 10 })).toBeNull();
    expect(estimateSecondsLeft({ elapsedS: 30, doneS: 10, remainingS: -1 })).toBeNull();
  });
});
