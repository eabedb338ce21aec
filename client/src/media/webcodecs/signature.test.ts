// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { frameSignature, signatureDistance, type PlaneView, type YuvView } from './signature.ts';

type Pixel = (x: number, y: number) => number;

/** One plane of `width` × `height` samples from `pixel`, with `padding` extra bytes per row. */
function plane(width: number, height: number, pixel: Pixel, padding = 0): PlaneView {
  const stride = width + padding;
  const data = new Uint8Array(stride * height).fill(7); // padding bytes hold junk that must never be read
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * stride + x] = pixel(x, y);
  return { data, offset: 0, stride, width, height, step: 1 };
}

/** An I420 frame: luma `y`, chroma `u`/`v` at half resolution (in chroma coordinates). */
function i420(width: number, height: number, y: Pixel, u: Pixel = () => 128, v: Pixel = () => 128, padding = 0): YuvView {
  return {
    y: plane(width, height, y, padding),
    u: plane(width / 2, height / 2, u, padding),
    v: plane(width / 2, height / 2, v, padding),
  };
}

const flat = (value: number): Pixel => () => value;
const distance = (a: YuvView, b: YuvView) => signatureDistance(frameSignature(a), frameSignature(b));

describe('frame signatures', () => {
  it('are identical for identical frames', () => {
    const frame = i420(320, 180, (x, y) => (x * 3 + y * 5) & 255);
    expect(distance(frame, frame)).toEqual({ blocks: 0, histograms: 0 });
  });

  it('measure a change of flat colour exactly: block means by level, histograms as disjoint', () => {
    const d = distance(i420(320, 180, flat(40)), i420(320, 180, flat(200)));
    // Only Y changed (by 160 of 255); U and V are equal: the mean over the three planes is a third.
    expect(d.blocks).toBeCloseTo(160 / 255 / 3, 5);
    expect(d.histograms).toBeCloseTo(1 / 3, 5);
  });

  it('see a change of colour at equal brightness (where a luma-only histogram is blind)', () => {
    const red = i420(320, 180, flat(100), flat(90), flat(200));
    const green = i420(320, 180, flat(100), flat(60), flat(50));
    const d = distance(red, green);
    expect(d.histograms).toBeCloseTo(2 / 3, 5);
    expect(d.blocks).toBeGreaterThan(0.2);
  });

  it('see a change of layout with the same colours (where any histogram is blind)', () => {
    const leftDark = i420(320, 180, (x) => (x < 160 ? 20 : 230));
    const rightDark = i420(320, 180, (x) => (x < 160 ? 230 : 20));
    const d = distance(leftDark, rightDark);
    expect(d.histograms).toBe(0);
    expect(d.blocks).toBeCloseTo(210 / 255 / 3, 5);
  });

  it('barely move for sensor-like noise on the same picture', () => {
    let seed = 1;
    const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 7) - 3;
    const base: Pixel = (x, y) => 60 + ((x >> 4) * 9 + (y >> 4) * 5) % 120;
    const d = distance(i420(640, 360, base), i420(640, 360, (x, y) => base(x, y) + noise()));
    expect(d.blocks).toBeLessThan(0.01);
    expect(d.histograms).toBeLessThan(0.05);
  });

  it('ignore row padding: only the visible width is read', () => {
    const picture: Pixel = (x, y) => (x ^ y) & 255;
    const tight = frameSignature(i420(320, 180, picture, flat(100), flat(150)));
    const padded = frameSignature(i420(320, 180, picture, flat(100), flat(150), 64));
    expect(padded).toEqual(tight);
  });

  it('read NV12 interleaved chroma the same as planar I420', () => {
    const y: Pixel = (x, yy) => (x + yy) & 255;
    const u: Pixel = (x) => 60 + (x % 50);
    const v: Pixel = (_, yy) => 90 + (yy % 70);
    const planar = i420(320, 180, y, u, v);
    const uv = new Uint8Array(320 * 90);
    for (let r = 0; r < 90; r++) {
      for (let c = 0; c < 160; c++) {
        uv[r * 320 + 2 * c] = u(c, r);
        uv[r * 320 + 2 * c + 1] = v(c, r);
      }
    }
    const nv12: YuvView = {
      y: planar.y,
      u: { data: uv, offset: 0, stride: 320, width: 160, height: 90, step: 2 },
      v: { data: uv, offset: 1, stride: 320, width: 160, height: 90, step: 2 },
    };
    expect(frameSignature(nv12)).toEqual(frameSignature(planar));
  });

  it('handle frames smaller than the block grid', () => {
    const d = distance(i420(8, 6, flat(0)), i420(8, 6, flat(255)));
    expect(d.blocks).toBeCloseTo(1 / 3, 5);
    expect(Number.isFinite(d.histograms)).toBe(true);
  });
});
