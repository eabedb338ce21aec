// Which scene's transcript a spoken segment belongs to. Segments and scenes are cut independently (one
// by pauses in speech, the other by picture changes), so a segment often straddles a cut.
//
// The rule: a segment joins every scene that holds at least 30 % of its duration — a sentence split
// across a cut is searchable from both sides. A segment no scene holds 30 % of (it spans many short
// scenes) joins the one that holds most of it. A segment of no duration joins the scene containing its
// instant. A segment outside every scene (timestamps rounded past the end of the video) joins the
// nearest scene when it is at most `maxGapS` away, and is dropped otherwise.

import type { TranscriptSegment } from './types.ts';

/** The scene fields this needs; the media module's SceneSpan fits. Scenes are [startS, endS). */
export interface SceneRange {
  idx: number;
  startS: number;
  endS: number;
}

export interface AssignOptions {
  /** Share of a segment's duration a scene must hold to receive it (default 0.3). */
  minShare?: number;
  /** How far (s) outside all scenes a segment may lie and still join the nearest (default 1). */
  maxGapS?: number;
}

/**
 * Each scene's transcript: the texts of its segments in time order, joined by spaces. Only scenes that
 * received speech appear; the map is ordered like `scenes`.
 */
export function assignSegmentsToScenes(
  segments: readonly TranscriptSegment[],
  scenes: readonly SceneRange[],
  options: AssignOptions = {},
): Map<number, string> {
  const minShare = options.minShare ?? 0.3;
  const maxGapS = options.maxGapS ?? 1;
  const texts = new Map<number, string[]>(scenes.map((scene) => [scene.idx, []]));
  const ordered = [...segments].sort((a, b) => a.startS - b.startS || a.endS - b.endS);

  for (const segment of ordered) {
    const text = segment.text.trim();
    if (text === '' || scenes.length === 0) continue;
    for (const idx of scenesFor(segment, scenes, minShare, maxGapS)) texts.get(idx)?.push(text);
  }

  const result = new Map<number, string>();
  for (const scene of scenes) {
    const parts = texts.get(scene.idx);
    if (parts && parts.length > 0) result.set(scene.idx, parts.join(' '));
  }
  return result;
}

function scenesFor(segment: TranscriptSegment, scenes: readonly SceneRange[], minShare: number, maxGapS: number): number[] {
  const duration = segment.endS - segment.startS;
  if (duration <= 0) {
    const t = segment.startS;
    const last = scenes.reduce((a, b) => (b.endS > a.endS ? b : a));
    const holder = scenes.find((s) => t >= s.startS && (t < s.endS || (s === last && t === s.endS)));
    return holder ? [holder.idx] : nearest(segment, scenes, maxGapS);
  }
  const overlaps = scenes.map((scene) => ({
    idx: scene.idx,
    overlap: Math.max(0, Math.min(segment.endS, scene.endS) - Math.max(segment.startS, scene.startS)),
  }));
  const enough = overlaps.filter((o) => o.overlap > 0 && o.overlap >= minShare * duration);
  if (enough.length > 0) return enough.map((o) => o.idx);
  const most = overlaps.reduce((a, b) => (b.overlap > a.overlap ? b : a));
  if (most.overlap > 0) return [most.idx];
  return nearest(segment, scenes, maxGapS);
}

function nearest(segment: TranscriptSegment, scenes: readonly SceneRange[], maxGapS: number): number[] {
  const gap = (scene: SceneRange) => Math.max(scene.startS - segment.endS, segment.startS - scene.endS, 0);
  const closest = scenes.reduce((a, b) => (gap(b) < gap(a) ? b : a));
  return gap(closest) <= maxGapS ? [closest.idx] : [];
}
