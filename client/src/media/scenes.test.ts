// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { buildScenes, chooseKeyframes } from './scenes.ts';
import type { SceneSpan } from './types.ts';

/** Every scene starts where the previous ended, from 0 to the duration. */
function expectContiguous(scenes: SceneSpan[], durationS: number) {
  expect(scenes[0]?.startS).toBe(0);
  expect(scenes.at(-1)?.endS).toBe(durationS);
  scenes.forEach((scene, i) => {
    expect(scene.idx).toBe(i);
    expect(scene.endS).toBeGreaterThan(scene.startS);
    if (i > 0) expect(scene.startS).toBe(scenes[i - 1]!.endS);
  });
}

describe('buildScenes', () => {
  it('splits at each cut and covers the whole video', () => {
    const scenes = buildScenes([4, 8], 12);
    expect(scenes).toEqual([
      { idx: 0, startS: 0, endS: 4 },
      { idx: 1, startS: 4, endS: 8 },
      { idx: 2, startS: 8, endS: 12 },
    ]);
  });

  it('gives one scene when there is no cut', () => {
    expect(buildScenes([], 9.5)).toEqual([{ idx: 0, startS: 0, endS: 9.5 }]);
  });

  it('keeps the first cut of a burst and drops those closer than minSceneS', () => {
    const scenes = buildScenes([4, 4.04, 4.6, 5.2, 8], 12);
    expect(scenes.map((s) => s.startS)).toEqual([0, 4, 5.2, 8]);
    expectContiguous(scenes, 12);
  });

  it('drops cuts too close to the start or the end, and cuts outside the video', () => {
    expect(buildScenes([0.5, 6, 11.6], 12).map((s) => s.startS)).toEqual([0, 6]);
    expect(buildScenes([-1, 0, 12, 13, Number.NaN, 6], 12).map((s) => s.startS)).toEqual([0, 6]);
  });

  it('sorts and de-duplicates unsorted input', () => {
    expect(buildScenes([8, 4, 8, 4], 12).map((s) => s.startS)).toEqual([0, 4, 8]);
  });

  it('honours a custom minimum scene length', () => {
    expect(buildScenes([2, 4, 6, 8], 10, 3).map((s) => s.startS)).toEqual([0, 4]);
    expect(buildScenes([2, 4, 6, 8], 10, 3).at(-1)).toEqual({ idx: 1, startS: 4, endS: 10 });
  });

  it('returns one scene for a video shorter than the minimum, none for no duration', () => {
    expect(buildScenes([0.2], 0.5)).toEqual([{ idx: 0, startS: 0, endS: 0.5 }]);
    expect(buildScenes([1], 0)).toEqual([]);
    expect(buildScenes([1], Number.NaN)).toEqual([]);
  });

  it('stays contiguous on many random cuts', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let run = 0; run < 50; run++) {
      const duration = 1 + random() * 600;
      const cuts = Array.from({ length: Math.floor(random() * 80) }, () => random() * duration * 1.1 - 1);
      const scenes = buildScenes(cuts, duration);
      expectContiguous(scenes, duration);
      if (scenes.length > 1) for (const s of scenes) expect(s.endS - s.startS).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('chooseKeyframes', () => {
  it('picks a third of the way into each scene', () => {
    expect(chooseKeyframes(buildScenes([4, 8], 12))).toEqual([1.333, 5.333, 9.333]);
  });

  it('stays at least 0.3 s from both cuts when the scene allows it', () => {
    const scenes = buildScenes([1, 2.2, 10], 11);
    const keys = chooseKeyframes(scenes);
    keys.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual(scenes[i]!.startS + 0.3);
      expect(t).toBeLessThanOrEqual(scenes[i]!.endS - 0.3);
    });
  });

  it('takes the middle of a scene too short for the margins', () => {
    expect(chooseKeyframes([{ idx: 0, startS: 0, endS: 0.4 }])).toEqual([0.2]);
    expect(chooseKeyframes([{ idx: 0, startS: 5, endS: 5.5 }])).toEqual([5.25]);
  });

  it('returns one time per scene, each inside its scene', () => {
    const scenes = buildScenes([3, 6.5, 20, 40.04, 41.5], 60);
    const keys = chooseKeyframes(scenes);
    expect(keys).toHaveLength(scenes.length);
    keys.forEach((t, i) => {
      expect(t).toBeGreaterThan(scenes[i]!.startS);
      expect(t).toBeLessThan(scenes[i]!.endS);
    });
  });
});
