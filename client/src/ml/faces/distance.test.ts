// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { faceMatchOf, faceMatchPercent, FACE_MATCH_THRESHOLD, FACE_WEAK_THRESHOLD } from './distance.ts';

describe('faceMatchPercent', () => {
  it('passes through the calibrated points and falls with the distance', () => {
    expect(faceMatchPercent(0.1)).toBe(99);
    expect(faceMatchPercent(FACE_MATCH_THRESHOLD)).toBe(80);
    expect(faceMatchPercent(FACE_WEAK_THRESHOLD)).toBe(50);
    const steps = Array.from({ length: 100 }, (_, i) => faceMatchPercent(i / 100));
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThanOrEqual(steps[i - 1]!);
    expect(faceMatchPercent(0.78)).toBe(0); // two strangers' median distance: nothing alike
  });

  it('calls a match confident only under FACE_MATCH_THRESHOLD', () => {
    expect(faceMatchOf(FACE_MATCH_THRESHOLD - 0.001).confident).toBe(true);
    expect(faceMatchOf(FACE_MATCH_THRESHOLD).confident).toBe(false);
    expect(faceMatchOf(0.3)).toEqual({ percent: faceMatchPercent(0.3), confident: true });
  });
});
