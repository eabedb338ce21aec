import type { SceneSpan } from './types.ts';

/** How far a keyframe stays from a cut when the scene is long enough: the frames right at a cut are often
 * a blend, a flash or the encoder's blurry first frame. */
export const KEYFRAME_MARGIN_S = 0.3;

/**
 * Turns detected cut times into contiguous scenes covering [0, durationS].
 * Cuts outside (0, durationS) are ignored; a cut less than `minSceneS` after the previous boundary is dropped
 * (the first cut of a burst wins: flashes and fast motion fire several in a row), and so is a last cut that
 * would leave a scene shorter than `minSceneS` at the end.
 */
export function buildScenes(cutsS: number[], durationS: number, minSceneS = 1): SceneSpan[] {
  if (!(durationS > 0)) return [];
  const cuts = [...new Set(cutsS)].filter((t) => Number.isFinite(t) && t > 0 && t < durationS).sort((a, b) => a - b);

  const boundaries = [0];
  for (const cut of cuts) {
    if (cut - boundaries[boundaries.length - 1]! >= minSceneS) boundaries.push(cut);
  }
  if (boundaries.length > 1 && durationS - boundaries[boundaries.length - 1]! < minSceneS) boundaries.pop();
  boundaries.push(durationS);

  return boundaries.slice(1).map((endS, idx) => ({ idx, startS: boundaries[idx]!, endS }));
}

/**
 * One time per scene to take its keyframe from: a third of the way in (early enough to show what the scene
 * opens with, late enough to be past the cut), kept KEYFRAME_MARGIN_S away from both ends when the scene is
 * long enough, else its middle. Rounded to the millisecond.
 */
export function chooseKeyframes(scenes: SceneSpan[]): number[] {
  return scenes.map(({ startS, endS }) => {
    const length = Math.max(0, endS - startS);
    const margin = Math.min(KEYFRAME_MARGIN_S, length / 2);
    const offset = Math.min(Math.max(length / 3, margin), length - margin);
    return Math.round((startS + offset) * 1000) / 1000;
  });
}
