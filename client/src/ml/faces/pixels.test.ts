// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { faceDistance } from './distance.ts';
import { assertRgbaImage, clipBox, cropAndResize, cropFace, cropSquare, CROP_SIZE, padImage, rgbaToRgb } from './pixels.ts';

/** A width×height image whose red channel is x, green is y, blue is 7. */
function gradient(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([x, y, 7, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

describe('rgbaToRgb', () => {
  it('drops alpha and keeps pixel order', () => {
    const img = { width: 2, height: 1, data: new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 0]) };
    expect([...rgbaToRgb(img)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('assertRgbaImage', () => {
  it('refuses a buffer that does not match the size, and an empty image', () => {
    expect(() => assertRgbaImage({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).toThrow(/16/);
    expect(() => assertRgbaImage({ width: 0, height: 2, data: new Uint8ClampedArray(0) })).toThrow(/non-empty/);
  });
});

describe('clipBox', () => {
  it('rounds to whole pixels and clips to the image', () => {
    expect(clipBox({ x: -5.4, y: 10.6, w: 30, h: 20 }, 100, 100)).toEqual({ x: 0, y: 11, w: 25, h: 20 });
    expect(clipBox({ x: 90, y: 90, w: 30, h: 30 }, 100, 100)).toEqual({ x: 90, y: 90, w: 10, h: 10 });
  });
  it('gives null for a box outside the image', () => {
    expect(clipBox({ x: 120, y: 10, w: 30, h: 20 }, 100, 100)).toBeNull();
  });
});

describe('cropSquare', () => {
  it('centres a square with a margin on the face', () => {
    expect(cropSquare({ x: 100, y: 100, w: 50, h: 100 }, 1000, 1000)).toEqual({ x: 55, y: 80, w: 140, h: 140 });
  });
  it('moves the square inside the image at the borders instead of shrinking it', () => {
    expect(cropSquare({ x: 0, y: 0, w: 50, h: 50 }, 1000, 1000)).toEqual({ x: 0, y: 0, w: 70, h: 70 });
    expect(cropSquare({ x: 960, y: 960, w: 40, h: 40 }, 1000, 1000)).toEqual({ x: 944, y: 944, w: 56, h: 56 });
  });
  it('is no larger than the image', () => {
    expect(cropSquare({ x: 10, y: 0, w: 80, h: 60 }, 100, 60)).toEqual({ x: 20, y: 0, w: 60, h: 60 });
  });
});

describe('cropAndResize', () => {
  it('averages areas when shrinking', () => {
    const out = cropAndResize(gradient(64, 64), { x: 16, y: 32, w: 32, h: 32 }, 8);
    // Output pixel (0,0) averages source x 16..19, y 32..35: red 17.5, green 33.5.
    expect([...out.data.slice(0, 4)]).toEqual([18, 34, 7, 255]);
    expect(out.width).toBe(8);
    expect(out.data).toHaveLength(8 * 8 * 4);
  });
  it('interpolates when enlarging and stays inside the rect', () => {
    const out = cropAndResize(gradient(64, 64), { x: 10, y: 10, w: 4, h: 4 }, 8);
    const firstRowRed = Array.from({ length: 8 }, (_, x) => out.data[x * 4]);
    // Samples at x 9.75, 10.25, … 13.25, clamped to the rect's 10..13.
    expect(firstRowRed).toEqual([10, 10, 11, 11, 12, 12, 13, 13]);
  });
  it('cropFace makes a CROP_SIZE square', () => {
    const crop = cropFace(gradient(200, 150), { x: 50, y: 40, w: 60, h: 70 });
    expect([crop.width, crop.height]).toEqual([CROP_SIZE, CROP_SIZE]);
  });
});

describe('faceDistance', () => {
  it('is euclidean', () => {
    expect(faceDistance([0, 0, 0], [1, 2, 2])).toBe(3);
    expect(faceDistance(new Float32Array([0.5, 0.5]), new Float32Array([0.5, 0.5]))).toBe(0);
  });
  it('refuses descriptors of different lengths', () => {
    expect(() => faceDistance([1, 2], [1, 2, 3])).toThrow(/different models/);
  });
});

describe('padImage', () => {
  it('puts the image in the middle of an opaque grey canvas', () => {
    const img = gradient(4, 2);
    const { image, offsetX, offsetY } = padImage(img, 2);
    expect([image.width, image.height, offsetX, offsetY]).toEqual([8, 4, 2, 1]);
    const at = (x: number, y: number) => [...image.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)];
    expect(at(0, 0)).toEqual([128, 128, 128, 255]);
    expect(at(7, 3)).toEqual([128, 128, 128, 255]);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) expect(at(x + 2, y + 1)).toEqual([x, y, 7, 255]);
  });
});
