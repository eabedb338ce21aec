import type { RgbaImage } from '../image';
import { resampleToPlanarBgr, type Normalisation } from './resample';

/** ImageNet statistics in BGR order: PP-OCR's det NormalizeImage on OpenCV (BGR) images. */
const DET_NORMALISATION: Normalisation = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** A det input tensor [1, 3, height, width]. */
export interface DetTensor { data: Float32Array; width: number; height: number }

/**
 * PP-OCR's DetResizeForTest with limit_type 'max': shrink (never enlarge) so the long side is ≤ maxSide, then
 * round each side to a multiple of 32 (the backbone downsamples by 32).
 */
export function detInputSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const snap = (side: number) => Math.max(32, Math.round(Math.trunc(side * ratio) / 32) * 32);
  return { width: snap(width), height: snap(height) };
}

export function prepareDetInput(img: RgbaImage, maxSide: number): DetTensor {
  const { width, height } = detInputSize(img.width, img.height, maxSide);
  const data = new Float32Array(3 * width * height);
  resampleToPlanarBgr(img, { x: 0, y: 0, w: img.width, h: img.height }, width, height,
    { data, offset: 0, rowStride: width, planeStride: width * height }, DET_NORMALISATION);
  return { data, width, height };
}

/** DB post-processing settings (defaults: DEFAULT_DB_OPTIONS). */
export interface DbOptions {
  /** A map pixel is text when its probability exceeds this. */
  threshold: number;
  /** A region is kept when the mean probability inside its box reaches this. */
  boxThreshold: number;
  /** DB labels are shrunk in training; the region is grown back by area × ratio / perimeter on every side. */
  unclipRatio: number;
  /** Regions whose short side (map pixels) is under this are noise. */
  minSize: number;
  /** Bound on regions considered, largest first, so a noisy map cannot stall the frame. */
  maxCandidates: number;
}

/**
 * PP-OCR's inference defaults, except boxThreshold 0.5 (PP-OCR: 0.6): over a moving, busy background (testsrc2
 * behind outlined captions) a whole caption line scored 0.55–0.6 and was dropped at 0.6, measured; the boxes that
 * 0.5 lets in besides are noise the recogniser reads at low confidence, which minConfidence drops.
 */
export const DEFAULT_DB_OPTIONS: DbOptions = {
  threshold: 0.3, boxThreshold: 0.5, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000,
};

/** An axis-aligned text box in image pixels (integers, inside the image). */
export interface TextBox { x: number; y: number; w: number; h: number; score: number }

interface Region { x0: number; y0: number; x1: number; y1: number; pixels: number }

/**
 * Turns a det probability map (mapW × mapH, for an image of imageW × imageH) into text boxes: threshold,
 * 8-connected regions (flood fill), each region's bounding box scored by the mean probability inside it,
 * expanded like PP-OCR's unclip, then scaled to the image. Axis-aligned boxes suit captions and overlays;
 * strongly rotated text gets a loose box.
 */
export function boxesFromProbMap(
  prob: Float32Array,
  mapW: number,
  mapH: number,
  imageW: number,
  imageH: number,
  options: Partial<DbOptions> = {},
): TextBox[] {
  const opts = { ...DEFAULT_DB_OPTIONS, ...options };
  if (prob.length < mapW * mapH) throw new Error(`OCR: det map has ${prob.length} values, expected ${mapW}×${mapH}`);
  const regions = findRegions(prob, mapW, mapH, opts.threshold)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, opts.maxCandidates);

  const sx = imageW / mapW, sy = imageH / mapH;
  const boxes: TextBox[] = [];
  for (const r of regions) {
    const w = r.x1 - r.x0 + 1, h = r.y1 - r.y0 + 1;
    if (Math.min(w, h) < opts.minSize) continue;
    const score = meanInside(prob, mapW, r);
    if (score < opts.boxThreshold) continue;
    // pyclipper's round-join offset of a rectangle moves every side out by this distance.
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, Math.floor((r.x0 - d) * sx));
    const y0 = Math.max(0, Math.floor((r.y0 - d) * sy));
    const x1 = Math.min(imageW, Math.ceil((r.x1 + 1 + d) * sx));
    const y1 = Math.min(imageH, Math.ceil((r.y1 + 1 + d) * sy));
    if (x1 - x0 < opts.minSize + 2 || y1 - y0 < opts.minSize + 2) continue;
    boxes.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score });
  }
  return boxes;
}

/** 8-connected regions of pixels above `threshold`, by iterative flood fill (no recursion, no allocation per pixel). */
function findRegions(prob: Float32Array, w: number, h: number, threshold: number): Region[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const regions: Region[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || !(prob[start]! > threshold)) continue;
    seen[start] = 1;
    let top = 0;
    stack[top++] = start;
    const r: Region = { x0: w, y0: h, x1: -1, y1: -1, pixels: 0 };
    while (top > 0) {
      const p = stack[--top]!;
      const px = p % w, py = (p - px) / w;
      r.pixels++;
      if (px < r.x0) r.x0 = px;
      if (px > r.x1) r.x1 = px;
      if (py < r.y0) r.y0 = py;
      if (py > r.y1) r.y1 = py;
      for (let ny = Math.max(0, py - 1); ny <= Math.min(h - 1, py + 1); ny++) {
        for (let nx = Math.max(0, px - 1); nx <= Math.min(w - 1, px + 1); nx++) {
          const q = ny * w + nx;
          if (!seen[q] && prob[q]! > threshold) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    regions.push(r);
  }
  return regions;
}

function meanInside(prob: Float32Array, w: number, r: Region): number {
  let sum = 0;
  for (let y = r.y0; y <= r.y1; y++) {
    for (let i = y * w + r.x0, end = y * w + r.x1; i <= end; i++) sum += prob[i]!;
  }
  return sum / ((r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1));
}
