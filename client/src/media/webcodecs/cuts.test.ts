// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CUT_THRESHOLD, cutStrengths, MIN_CUT_GAP_S, pickCuts } from './cuts.ts';

const FPS = 25;

/** `seconds` of frame times at FPS with scores from `score(i)`. */
function track(seconds: number, score: (i: number) => number) {
  const n = Math.round(seconds * FPS);
  const timesS = Array.from({ length: n }, (_, i) => i / FPS);
  const scores = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : score(i)));
  return { timesS, scores };
}

const cutsOf = ({ timesS, scores }: { timesS: number[]; scores: number[] }) => pickCuts(timesS, cutStrengths(timesS, scores));
/** Deterministic jitter in [-1, 1]. */
const jitter = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 4.1414) * 0.5;

describe('cutStrengths', () => {
  it('is the score minus the median of its neighbours', () => {
    const { timesS, scores } = track(2, (i) => (i === 25 ? 0.5 : 0.02));
    const strengths = cutStrengths(timesS, scores);
    expect(strengths[25]).toBeCloseTo(0.48, 6);
    expect(strengths[10]).toBeCloseTo(0, 6);
    expect(strengths[0]).toBe(0);
  });
});

describe('pickCuts', () => {
  it('finds isolated spikes in a calm video, at the first frame of the new scene', () => {
    const spikes = new Map([[100, 0.45], [250, 0.26]]);
    expect(cutsOf(track(12, (i) => spikes.get(i) ?? 0.01 + 0.005 * jitter(i)))).toEqual([4, 10]);
  });

  it('finds nothing in a busy scene whose every frame scores high, but a real cut inside it', () => {
    const busy = (i: number) => 0.12 + 0.03 * jitter(i);
    expect(cutsOf(track(10, busy))).toEqual([]);
    expect(cutsOf(track(10, (i) => (i === 130 ? 0.4 : busy(i))))).toEqual([5.2]);
  });

  it('ignores a spike below the threshold', () => {
    expect(cutsOf(track(6, (i) => (i === 50 ? 0.01 + CUT_THRESHOLD * 0.9 : 0.01)))).toEqual([]);
  });

  it('keeps only the strongest spike of a burst (a flash: in and out)', () => {
    const burst = new Map([[75, 0.3], [78, 0.35]]);
    expect(cutsOf(track(6, (i) => burst.get(i) ?? 0.01))).toEqual([3.12]);
  });

  it('keeps two real cuts just over MIN_CUT_GAP_S apart', () => {
    const second = 50 + Math.ceil(MIN_CUT_GAP_S * FPS) + 1;
    const spikes = new Map([[50, 0.3], [second, 0.3]]);
    expect(cutsOf(track(6, (i) => spikes.get(i) ?? 0.01))).toEqual([2, second / FPS]);
  });

  it('finds cuts in the first and last frames too (a truncated background window)', () => {
    const spikes = new Map([[1, 0.4], [149, 0.4]]);
    expect(cutsOf(track(6, (i) => spikes.get(i) ?? 0.01))).toEqual([0.04, 5.96]);
  });

  it('rounds cut times to the millisecond', () => {
    const timesS = [0, 1 / 3, 2 / 3, 1, 4 / 3];
    const scores = [0, 0.01, 0.5, 0.01, 0.01];
    expect(pickCuts(timesS, cutStrengths(timesS, scores))).toEqual([0.667]);
  });
});
