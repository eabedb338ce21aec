// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isSilent, rms } from './audio.ts';

const sine = (amplitude: number, n = 16_000) => Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 16_000));

describe('silence check', () => {
  it('measures RMS', () => {
    expect(rms(new Float32Array(0))).toBe(0);
    expect(rms(sine(1))).toBeCloseTo(Math.SQRT1_2, 3);
  });

  it('calls digital silence and faint hiss silent', () => {
    expect(isSilent(new Float32Array(16_000))).toBe(true);
    expect(isSilent(sine(0.0005))).toBe(true);
  });

  it('does not call quiet sound or a single click silent', () => {
    expect(isSilent(sine(0.01))).toBe(false); // -40 dBFS tone
    const click = new Float32Array(16_000);
    click[8000] = 0.2;
    expect(isSilent(click)).toBe(false);
  });
});
