// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { assignSegmentsToScenes } from './scenes.ts';

const scenes = [
  { idx: 0, startS: 0, endS: 10 },
  { idx: 1, startS: 10, endS: 20 },
  { idx: 2, startS: 20, endS: 21 },
  { idx: 3, startS: 21, endS: 22 },
  { idx: 4, startS: 22, endS: 23 },
  { idx: 5, startS: 23, endS: 40 },
];
const seg = (startS: number, endS: number, text: string) => ({ startS, endS, text });

describe('assignSegmentsToScenes', () => {
  it('puts a segment inside one scene into that scene, joining texts in time order', () => {
    const result = assignSegmentsToScenes([seg(5, 8, 'second'), seg(1, 4, 'first')], scenes);
    expect([...result]).toEqual([[0, 'first second']]);
  });

  it('gives a segment straddling a cut to both scenes when each holds at least 30 % of it', () => {
    // 8..14: 2 s (33 %) in scene 0, 4 s (67 %) in scene 1
    expect([...assignSegmentsToScenes([seg(8, 14, 'across the cut')], scenes)]).toEqual([
      [0, 'across the cut'],
      [1, 'across the cut'],
    ]);
  });

  it('gives a segment only to the scenes holding 30 % or more of it', () => {
    // 9..19: 1 s (10 %) in scene 0, 9 s (90 %) in scene 1
    expect([...assignSegmentsToScenes([seg(9, 19, 'mostly in one')], scenes)]).toEqual([[1, 'mostly in one']]);
  });

  it('gives a segment spread over many short scenes to the one that holds most of it', () => {
    // 19.5..23.6 over five scenes, none holds 30 % (the most is scene 2, 3 or 4 with 1 s = 24 %; the first wins)
    const long = seg(19.5, 23.6, 'spread thin');
    expect([...assignSegmentsToScenes([long], scenes)]).toEqual([[2, 'spread thin']]);
  });

  it('places a segment of no duration in the scene containing its instant (the last scene includes its end)', () => {
    expect([...assignSegmentsToScenes([seg(10, 10, 'at the cut')], scenes)]).toEqual([[1, 'at the cut']]);
    expect([...assignSegmentsToScenes([seg(40, 40, 'at the end')], scenes)]).toEqual([[5, 'at the end']]);
  });

  it('gives a segment just past the last scene to it, and drops one far outside', () => {
    expect([...assignSegmentsToScenes([seg(40.2, 41, 'rounded past the end')], scenes)]).toEqual([[5, 'rounded past the end']]);
    expect([...assignSegmentsToScenes([seg(45, 47, 'far away')], scenes)]).toEqual([]);
  });

  it('ignores empty texts and handles no scenes', () => {
    expect([...assignSegmentsToScenes([seg(1, 2, '  ')], scenes)]).toEqual([]);
    expect([...assignSegmentsToScenes([seg(1, 2, 'words')], [])]).toEqual([]);
  });

  it('honours a custom share', () => {
    // With 50 %, the 33 % side no longer qualifies.
    expect([...assignSegmentsToScenes([seg(8, 14, 'x')], scenes, { minShare: 0.5 })]).toEqual([[1, 'x']]);
  });
});
