// PP-OCR's detector boxes text by axis-aligned regions scored by their mean probability (detect.ts): a sign tilted
// by a few degrees gets a box full of background, scores under the box threshold and is dropped — a 7° "KEEP OUT"
// sign gave no box at all, while the same frame turned back by 7° read at 0.95 (measured). A frame where the first
// pass finds nothing, though its probability map holds text pixels, is looked at again turned by ±TILT_DEGREES.
import type { RgbaImage } from '../image';

/** The turns tried, in order, on a frame whose first pass found no text but whose map holds some. */
export const TILT_DEGREES = [-7, 7] as const;

/**
 * Map pixels above the text threshold that make a frame worth a second look (the det map is ~960×544 for 720p).
 * Measured on the dev corpus's keyframes: the 7° sign 8175; frames without text 0–83 (photos of people, test
 * patterns, a colour chart); so photos and plain frames never pay for the turned passes.
 */
export const TILT_MIN_TEXT_PIXELS = 400;

/** How many map pixels the detector thought were text (probability above `threshold`). */
export function textPixels(prob: Float32Array, threshold: number): number {
  let n = 0;
  for (let i = 0; i < prob.length; i++) if (prob[i]! > threshold) n++;
  return n;
}

/**
 * The image turned by `degrees` about its centre (positive: counter-clockwise; ffmpeg's rotate filter turns clockwise), same
 * size, bilinear; corners outside the source take the nearest edge pixel, so no hard border looks like a line.
 */
export function rotateRgba(img: RgbaImage, degrees: number): RgbaImage {
  const { width: w, height: h, data: src } = img;
  const out = new Uint8ClampedArray(w * h * 4);
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad), sin = Math.sin(rad);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse mapping: the source point that lands on (x, y).
      const dx = x - cx, dy = y - cy;
      const sx = Math.min(w - 1, Math.max(0, cx + dx * cos - dy * sin));
      const sy = Math.min(h - 1, Math.max(0, cy + dx * sin + dy * cos));
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
      const fx = sx - x0, fy = sy - y0;
      const a = (y0 * w + x0) * 4, b = (y0 * w + x1) * 4, c = (y1 * w + x0) * 4, d = (y1 * w + x1) * 4;
      const o = (y * w + x) * 4;
      for (let k = 0; k < 4; k++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * fx;
        const bottom = src[c + k]! + (src[d + k]! - src[c + k]!) * fx;
        out[o + k] = top + (bottom - top) * fy;
      }
    }
  }
  return { width: w, height: h, data: out };
}
