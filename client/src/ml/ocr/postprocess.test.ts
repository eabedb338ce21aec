// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { boxesFromProbMap, detInputSize } from './detect';
import { sortReadingOrder } from './reading-order';
import { ctcGreedyDecode, parseCharset, planRecBatches } from './recognize';

/** A map of `w`×`h` filled with `background`, with rectangles painted at the given probability. */
function probMap(w: number, h: number, rects: Array<[x: number, y: number, rw: number, rh: number, p: number]>, background = 0.01) {
  const map = new Float32Array(w * h).fill(background);
  for (const [x, y, rw, rh, p] of rects) {
    for (let yy = y; yy < y + rh; yy++) for (let xx = x; xx < x + rw; xx++) map[yy * w + xx] = p;
  }
  return map;
}

describe('detInputSize', () => {
  it('shrinks to a long side of 960 and snaps to multiples of 32', () => {
    expect(detInputSize(1280, 720, 960)).toEqual({ width: 960, height: 544 });
    expect(detInputSize(720, 1280, 960)).toEqual({ width: 544, height: 960 });
  });
  it('never enlarges a small image', () => {
    expect(detInputSize(320, 180, 960)).toEqual({ width: 320, height: 192 });
    expect(detInputSize(10, 10, 960)).toEqual({ width: 32, height: 32 });
  });
});

describe('boxesFromProbMap', () => {
  it('finds each text region, scales it to the image and grows it by the unclip distance', () => {
    // Map at half the image's resolution.
    const map = probMap(100, 50, [[10, 10, 40, 8, 0.9], [60, 30, 20, 6, 0.8]]);
    const boxes = boxesFromProbMap(map, 100, 50, 200, 100);
    expect(boxes).toHaveLength(2);
    const [big, small] = boxes as [NonNullable<typeof boxes[0]>, NonNullable<typeof boxes[0]>];
    // 40×8 region: d = 40·8·1.5 / (2·48) = 5 map pixels on each side, ×2 to image pixels.
    expect(big).toMatchObject({ x: 10, y: 10, w: 100, h: 36 });
    expect(big.score).toBeCloseTo(0.9, 5);
    expect(small.score).toBeCloseTo(0.8, 5);
    expect(small.x).toBeLessThan(120);
    expect(small.x + small.w).toBeGreaterThan(160);
  });

  it('drops faint regions (mean below 0.5), slivers, and keeps boxes inside the image', () => {
    const map = probMap(100, 50, [[5, 5, 30, 10, 0.45], [50, 5, 30, 2, 0.95], [0, 40, 30, 10, 0.9]]);
    const boxes = boxesFromProbMap(map, 100, 50, 100, 50);
    expect(boxes).toHaveLength(1);
    const box = boxes[0]!;
    expect(box.x).toBe(0);
    expect(box.y + box.h).toBe(50);
  });

  it('joins diagonal neighbours into one region (8-connectivity)', () => {
    const map = probMap(40, 40, [[5, 5, 10, 10, 0.9], [15, 15, 10, 10, 0.9]]);
    expect(boxesFromProbMap(map, 40, 40, 40, 40, { boxThreshold: 0.3 })).toHaveLength(1);
  });

  it('finds nothing in an empty map', () => {
    expect(boxesFromProbMap(new Float32Array(64 * 32), 64, 32, 640, 320)).toEqual([]);
  });
});

describe('CTC', () => {
  it('parses a keys file into blank + keys + space', () => {
    expect(parseCharset('a\r\nb\nc\n')).toEqual(['', 'a', 'b', 'c', ' ']);
    expect(parseCharset('a\nb')).toEqual(['', 'a', 'b', ' ']);
    expect(() => parseCharset('')).toThrow(/empty/);
  });

  it('collapses repeats, drops blanks and averages the kept probabilities', () => {
    const charset = ['', 'a', 'b', ' '];
    // steps: a a blank a b b space → "aab " ; probabilities of the kept steps: .9, .7, .8, .6
    const steps: Array<[number, number]> = [[1, 0.9], [1, 0.5], [0, 0.9], [1, 0.7], [2, 0.8], [2, 0.9], [3, 0.6]];
    const probs = new Float32Array(steps.length * 4);
    steps.forEach(([cls, p], t) => {
      for (let c = 0; c < 4; c++) probs[t * 4 + c] = c === cls ? p : (1 - p) / 3;
    });
    const [decoded] = ctcGreedyDecode(probs, 1, steps.length, 4, charset);
    expect(decoded!.text).toBe('aab ');
    expect(decoded!.confidence).toBeCloseTo((0.9 + 0.7 + 0.8 + 0.6) / 4, 5);
  });

  it('refuses a keys file that does not match the model', () => {
    expect(() => ctcGreedyDecode(new Float32Array(10), 1, 2, 5, ['', 'a', ' '])).toThrow(/5 classes.*3/);
  });
});

describe('planRecBatches', () => {
  it('batches crops of similar width and keeps wide ones apart', () => {
    const crops = [
      { x: 0, y: 0, w: 480, h: 48 }, // 480
      { x: 0, y: 0, w: 20, h: 48 }, // 20 → padded to 320
      { x: 0, y: 0, w: 500, h: 48 }, // 500
      { x: 0, y: 0, w: 40, h: 48 }, // 40 → 320
      { x: 0, y: 0, w: 2000, h: 48 }, // capped at 1280
    ];
    const plans = planRecBatches(crops);
    expect(plans.map((p) => p.members)).toEqual([[1, 3], [0, 2], [4]]);
    expect(plans.map((p) => p.width)).toEqual([320, 500, 1280]);
    expect(plans[0]!.widths).toEqual([20, 40]);
    expect(plans[2]!.widths).toEqual([1280]);
  });

  it('respects the batch size', () => {
    const crops = Array.from({ length: 7 }, () => ({ x: 0, y: 0, w: 100, h: 48 }));
    expect(planRecBatches(crops, { batchSize: 3 }).map((p) => p.members.length)).toEqual([3, 3, 1]);
  });
});

describe('sortReadingOrder', () => {
  it('reads rows top to bottom and left to right within a row', () => {
    const line = (text: string, x: number, y: number, h = 20) => ({ text, box: [x, y, 50, h] as [number, number, number, number] });
    const sorted = sortReadingOrder([line('d', 10, 100), line('b', 300, 12), line('a', 10, 10), line('c', 600, 8, 26)]);
    expect(sorted.map((l) => l.text).join('')).toBe('abcd');
  });
});
