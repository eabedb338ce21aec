/**
 * Cuts the cut detector cannot see: a still picture that turns into another still picture which differs only in a
 * detail — two slides of one template, a departures board whose gate number changes, a caption that is replaced.
 * The colour-histogram detector (webcodecs/, cut-log.ts) scores such a change far below any threshold that
 * camera motion does not also reach, so it stays one scene, and OCR reads only its one keyframe.
 *
 * Here a long scene is looked at in a few probe frames, compared with the near-duplicate test of the ML stages
 * (a changed 12–14 px digit differs by 43–59 against its threshold of 24, a still shot by 0–20). A change is
 * split into a scene boundary — not merely OCR'd and appended — so that a search hit shows the right thumbnail
 * and plays from the moment the new text appears. Only a *step* between two stills is split: the picture must
 * agree in two probes before the change and two after, so a moving scene (every probe differs) is never chopped.
 *
 * Cost, in decoded probe frames per scene of at least MIN_PROBED_SCENE_S: a still scene 2 (its first and last
 * probes agree), a moving one at most 2 + MOVING_PROBES, one with a change one probe per PROBE_INTERVAL_S and
 * LOCATE steps per change. Shorter scenes cost nothing. On the WebCodecs path most probe frames are signatures the cut
 * pass kept while it decoded (signature-recording.ts): no decoding at all.
 * Known gap: a picture that changes and changes back (first and last probes agree) is taken for a still.
 */
import { isNearDuplicate, type FrameSignature } from '../ml/near-duplicates.ts';
import { KEYFRAME_MARGIN_S } from './scenes.ts';
import type { SceneSpan } from './types.ts';

/** Seconds between probe frames: each side of a change must stay still over at least one interval. */
export const PROBE_INTERVAL_S = 2;
/** Shorter scenes are not probed: two still halves of at least one interval each cannot fit in them. */
export const MIN_PROBED_SCENE_S = 2 * PROBE_INTERVAL_S + 2 * KEYFRAME_MARGIN_S;
/** Probes in a row that all differ from the one before: the scene moves, the rest of it is not probed. */
export const MOVING_PROBES = 3;
/** A change is located to within this many seconds (bisection), the new scene starting late rather than early. */
export const LOCATE_PRECISION_S = 0.25;

/**
 * The signature of the frame shown at `timeS` (the near-duplicate test's, from an analysis-size frame): the first frame
 * at or after it. A sampler that answers from frames kept every so often (signature-recording.ts) may show another
 * frame inside `window` instead, and says its time in `shownAtS`. Windows keep such answers apart and in order (a
 * probe's lies between its neighbours' frames, a bisection step's strictly between the two frames it narrows down),
 * and a change is located between the frames' own times, so that it is still late rather than early.
 */
export type SampledFrame = FrameSignature & { shownAtS?: number };
/** Where another frame may be shown: at or after `fromS`, before `beforeS` (none: the frame at the time asked). */
export interface FrameWindow {
  fromS: number;
  beforeS: number;
}
export type FrameSampler = (timeS: number, window: FrameWindow) => Promise<SampledFrame>;

/**
 * Evenly spaced probe times inside a scene, KEYFRAME_MARGIN_S from both ends, at most PROBE_INTERVAL_S apart.
 * A sampler shows the first frame at or after its time, so at a low frame rate the last probe keeps more than a frame
 * (`frameIntervalS`) from the end: otherwise it shows the next scene's first frame, the scene's first and last
 * probes differ, and a still scene is probed all along (a 2 fps still took 11 frames instead of 2).
 */
export function probeTimes({ startS, endS }: SceneSpan, intervalS = PROBE_INTERVAL_S, frameIntervalS = 0): number[] {
  const from = startS + KEYFRAME_MARGIN_S;
  const span = endS - Math.max(KEYFRAME_MARGIN_S, 1.5 * frameIntervalS) - from;
  if (endS - startS < 2 * intervalS + 2 * KEYFRAME_MARGIN_S || span <= 0) return [];
  const steps = Math.ceil(span / intervalS - 1e-9);
  return Array.from({ length: steps + 1 }, (_, k) => Math.round((from + (k * span) / steps) * 1000) / 1000);
}

export interface StillChangeOptions {
  onProgress?: (fraction: number) => void;
  /** Seconds between the video's frames (1 / fps; 0 when unknown). */
  frameIntervalS?: number;
}

/**
 * The times (ascending, rounded to the millisecond) where a still picture inside one of `scenes` turns into another
 * still picture: the start of the new picture, at most LOCATE_PRECISION_S late (or a frame more, from a sampler that
 * says its frames' times). `sample` is called once per time.
 */
export async function locateStillChanges(
  scenes: SceneSpan[],
  sample: FrameSampler,
  { onProgress, frameIntervalS = 0 }: StillChangeOptions = {},
): Promise<number[]> {
  const changes: number[] = [];
  const total = scenes.reduce((sum, s) => sum + (s.endS - s.startS), 0);
  let done = 0;
  for (const scene of scenes) {
    changes.push(...(await changesInScene(probeTimes(scene, PROBE_INTERVAL_S, frameIntervalS), scene.endS, sample)));
    done += scene.endS - scene.startS;
    if (total > 0) onProgress?.(done / total);
  }
  return changes.sort((a, b) => a - b);
}

async function changesInScene(times: number[], endS: number, sample: FrameSampler): Promise<number[]> {
  if (times.length === 0) return [];
  const probes = new Map<number, SampledFrame>();
  const last = times.length - 1;
  const shown = (i: number) => probes.get(i)?.shownAtS ?? times[i]!;
  /**
   * Where probe i's frame may be shown: never the scene's first moment nor the next scene (a last probe that showed
   * it would hide a change just before it), and after the frame of the probe before it and before the next probe's,
   * so that the frames stay distinct and in order. Probes are taken 0, last, then 1, 2, … in turn.
   */
  const windowOf = (i: number): FrameWindow => {
    if (i === last) return { fromS: last === 0 ? times[0]! : (times[last - 1]! + times[last]!) / 2, beforeS: endS };
    const beforeS = i + 1 === last && probes.has(last) ? Math.min(times[last]!, shown(last)) : times[i + 1]!;
    return { fromS: i === 0 ? times[0]! : shown(i - 1) + 1e-3, beforeS };
  };
  const at = async (i: number) => {
    let signature = probes.get(i);
    if (!signature) probes.set(i, (signature = await sample(times[i]!, windowOf(i))));
    return probe(times[i]!, signature);
  };
  const alike = sameKindComparison(sample);
  // A still scene (the usual case for slides, photos and static shots) costs two frames.
  if (await alike(await at(0), await at(last))) return [];

  const same: boolean[] = []; // same[i]: probe i shows the picture of probe i − 1
  for (let i = 1; i <= last; i++) {
    same[i] = await alike(await at(i - 1), await at(i));
    if (i >= MOVING_PROBES && same.slice(i - MOVING_PROBES + 1, i + 1).every((s) => !s)) break;
  }

  const changes: number[] = [];
  for (let i = 2; i < same.length - 1; i++) {
    // Still before (i − 2 ≈ i − 1), a change (i − 1 ≠ i), still after (i ≈ i + 1).
    if (!(same[i - 1] && !same[i] && same[i + 1])) continue;
    const change = await locate(await at(i - 1), await at(i), sample, alike);
    if (change !== null) changes.push(change);
  }
  return changes;
}

interface Probe {
  /** The time of the frame shown (the time asked, when the sampler does not say). */
  timeS: number;
  signature: FrameSignature;
  /** A kept frame (the sampler said its time) rather than one decoded at the time asked. */
  kept: boolean;
}

const probe = (timeS: number, frame: SampledFrame): Probe => ({ timeS: frame.shownAtS ?? timeS, signature: frame, kept: frame.shownAtS !== undefined });

/** A window with no room: the frame at the time itself, decoded there. */
const exactly = (timeS: number): FrameWindow => ({ fromS: timeS, beforeS: timeS });

/**
 * The near-duplicate test between frames taken the same way: a kept signature and a decoded one of the same picture
 * differ a little (JPEG, colour conversion), enough to tip a drift or a borderline still over the threshold, so where
 * one of each meet, the kept one is decoded too (once).
 */
function sameKindComparison(sample: FrameSampler): (a: Probe, b: Probe) => Promise<boolean> {
  const decodedOf = new Map<number, FrameSignature>();
  const decoded = async (p: Probe): Promise<FrameSignature> => {
    if (!p.kept) return p.signature;
    let signature = decodedOf.get(p.timeS);
    if (!signature) decodedOf.set(p.timeS, (signature = await sample(p.timeS, exactly(p.timeS))));
    return signature;
  };
  return async (a, b) => (a.kept === b.kept ? isNearDuplicate(a.signature, b.signature) : isNearDuplicate(await decoded(a), await decoded(b)));
}

/**
 * Bisects (old, new] for the first time whose frame is no longer the old picture. Null when the two frames it ends
 * between are near-duplicates: no step there, but a slow drift (a pan, a moving gradient) whose difference over
 * one interval happened to cross the threshold.
 */
async function locate(old: Probe, changed: Probe, sample: FrameSampler, same: (a: Probe, b: Probe) => Promise<boolean>): Promise<number | null> {
  let lo = old;
  let hi = changed;
  while (hi.timeS - lo.timeS > LOCATE_PRECISION_S) {
    const timeS = Math.round(((lo.timeS + hi.timeS) / 2) * 1000) / 1000;
    const mid = probe(timeS, await sample(timeS, { fromS: lo.timeS + 1e-3, beforeS: hi.timeS }));
    // Only a sampler that ignored its window answers outside (lo, hi): stop rather than widen the interval.
    if (mid.timeS >= hi.timeS || mid.timeS <= lo.timeS) break;
    // Not the old picture: the new one, or a frame between the two — either way no longer the old scene.
    if (await same(old, mid)) lo = mid;
    else hi = mid;
  }
  return (await same(lo, hi)) ? null : Math.round(hi.timeS * 1000) / 1000;
}
