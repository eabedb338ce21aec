/**
 * From per-frame scores to cut times. Pure code, shared by the WebCodecs detector and its tests.
 *
 * score(i)    = mean of the block and histogram distances (signature.ts) between frame i and frame i−1, in [0, 1].
 * strength(i) = score(i) − the median score of the frames within ±BACKGROUND_WINDOW_S of i (i itself left out):
 *               how far a frame stands out from the motion around it. A hard cut is one isolated spike; a
 *               shaking camera or a busy scene raises the scores of all its frames together, so their
 *               strength stays low (ffmpeg's scene score subtracts the previous difference for the same reason).
 * A cut is a frame whose strength reaches CUT_THRESHOLD, the strongest one within MIN_CUT_GAP_S.
 *
 * Measured on frames decoded as the browser path decodes them (non-reference H.264 pictures skipped, see
 * detect.ts; Chromium's decoder and native ffmpeg's give the same strengths):
 *   video              true cuts (strength)                     strongest other frame (all frames decoded)
 *   cuts-a             0.414, 0.478                             0.022 (0.013)
 *   cuts-b             0.285, 0.262 (the similar-scene cut)     0.007 (0.007)
 *   bench-720p-60s     0.307 – 0.583 (5 cuts)                   0.019 (0.014)
 *   photo clip*        0.173 – 0.225 (6 cuts, one between two   0.057 (0.038) — a shaking camera, whose raw scores
 *                      crops of the same photo)                 reached 0.079; ffmpeg's scene > 0.3 fired a false cut
 *   * not a fixture: 1280×720 zoompan/pan/brightness/shake scenes over face-api's sample photos.
 * CUT_THRESHOLD = 0.1: on the fixtures 4.5× above the strongest non-cut frame and 2.6× below the weakest cut;
 * on the harder photo clip 1.75× from either side (the geometric midpoint), as real footage will bring both
 * busier scenes and subtler cuts than synthetic sources.
 * fixtures.test.ts pins the fixture margins (weakest cut > 2 × threshold, strongest other < threshold / 3).
 */
import type { SignatureDistance } from './signature.ts';

export const CUT_THRESHOLD = 0.1;
/** ±0.5 s: long enough that the median ignores a cut's own spike, short enough to follow a scene's motion. */
export const BACKGROUND_WINDOW_S = 0.5;
/** Within this many seconds only the strongest candidate is kept (a flash fires two spikes, in and out). */
export const MIN_CUT_GAP_S = 0.5;

/** The distance between consecutive frames as one number in [0, 1]. */
export function frameScore(distance: SignatureDistance): number {
  return (distance.blocks + distance.histograms) / 2;
}

/**
 * strength(i) for every frame (see the header). `timesS` ascending; `scores[0]`, the first frame's, is ignored
 * as a candidate (nothing before it) but, like every score, is part of its neighbours' background.
 */
export function cutStrengths(timesS: ArrayLike<number>, scores: ArrayLike<number>, windowS = BACKGROUND_WINDOW_S): Float32Array {
  const strengths = new Float32Array(Math.min(timesS.length, scores.length));
  for (let i = 1; i < strengths.length; i++) strengths[i] = strengthAt(timesS, scores, i, windowS);
  return strengths;
}

/**
 * strength(i) of one frame: final once the frames up to windowS after it are scored, so it can be told while the
 * frames are still decoding (the still-change search drops what it kept between cuts too close together).
 */
export function strengthAt(timesS: ArrayLike<number>, scores: ArrayLike<number>, i: number, windowS = BACKGROUND_WINDOW_S): number {
  const n = Math.min(timesS.length, scores.length);
  const t = timesS[i]!;
  const window: number[] = [];
  for (let j = i - 1; j >= 0 && timesS[j]! >= t - windowS; j--) window.push(scores[j]!);
  for (let j = i + 1; j < n && timesS[j]! <= t + windowS; j++) window.push(scores[j]!);
  return scores[i]! - median(window);
}

/**
 * Cut times (the first frame of each new scene), ascending, from `cutStrengths(timesS, scores)`. Rounded to
 * the millisecond, like the ffmpeg path's.
 */
export function pickCuts(
  timesS: ArrayLike<number>,
  strengths: ArrayLike<number>,
  threshold = CUT_THRESHOLD,
  minGapS = MIN_CUT_GAP_S,
): number[] {
  const candidates: number[] = [];
  for (let i = 1; i < strengths.length; i++) if (strengths[i]! >= threshold) candidates.push(i);
  candidates.sort((a, b) => strengths[b]! - strengths[a]! || a - b);
  const kept: number[] = [];
  for (const i of candidates) {
    if (kept.every((k) => Math.abs(timesS[k]! - timesS[i]!) >= minGapS)) kept.push(i);
  }
  return kept.map((i) => Math.round(timesS[i]! * 1000) / 1000).sort((a, b) => a - b);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
