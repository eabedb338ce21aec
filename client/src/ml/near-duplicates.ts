// Keyframes that show the same picture as the one analysed before them (a scene split inside one still shot, a
// cut back to the same slide) give the same on-screen text and the same faces: the models are not run again on
// them, their results are copied (OCR and FACE_DETECT, in the ML worker). Pure pixel work, no canvas.
import type { RgbaImage } from './image.ts';

/** Cells across a frame's signature: 4 px cells on a 1280 px keyframe, smaller than a stroke of the smallest text OCR reads. */
export const SIGNATURE_COLUMNS = 320;

/**
 * Two frames are near-duplicates while no cell's mean R, G or B differs by more than this (0–255). Measured
 * (Dec 2026) on keyframes at chooseKeyframes' times: keyframes of different scenes of the dev corpus and the
 * fixtures differ by 162–255; the same still shot encoded apart (the cutaways fixture) by 17; frames 0.4 s apart
 * in one still or slowly zooming shot by 0–20; one digit of a caption changed on an unchanged background by 30–36
 * at 10 px text, 43–54 at 12 px, 48–59 at 14 px, 108–131 at 20 px. (128 columns, tried first, let a changed
 * 14 px digit through at 8.5–10.)
 */
export const NEAR_DUPLICATE_MAX_DIFF = 24;

/** Mean R, G, B per cell of a SIGNATURE_COLUMNS-wide grid (rows in proportion), with the frame's size. */
export interface FrameSignature {
  width: number;
  height: number;
  columns: number;
  rows: number;
  means: Float32Array;
}

export function frameSignature(img: RgbaImage): FrameSignature {
  const columns = Math.min(SIGNATURE_COLUMNS, img.width);
  const rows = Math.max(1, Math.min(img.height, Math.round((columns * img.height) / img.width)));
  // Whole-level sums (exact) over each row's run of pixels in one cell: a kept frame of the still-change search and
  // every keyframe of the ML stages pass through here (a 720p frame in ~1.5 ms; per pixel into float sums took ~4).
  const sums = scratch(columns * rows * 3);
  const counts = scratch(columns * rows, 1);
  /** cellEnds[c]: the first x of cell column c + 1. */
  const cellEnds = new Uint32Array(columns);
  for (let x = 0; x < img.width; x++) cellEnds[Math.floor((x * columns) / img.width)] = x + 1;
  const { data } = img;
  for (let y = 0, i = 0; y < img.height; y++) {
    const rowBase = Math.floor((y * rows) / img.height) * columns;
    for (let column = 0, x = 0; column < columns; column++) {
      const end = cellEnds[column]!;
      let r = 0;
      let g = 0;
      let b = 0;
      const from = x;
      for (; x < end; x++, i += 4) {
        r += data[i]!;
        g += data[i + 1]!;
        b += data[i + 2]!;
      }
      const cell = rowBase + column;
      sums[cell * 3]! += r;
      sums[cell * 3 + 1]! += g;
      sums[cell * 3 + 2]! += b;
      counts[cell]! += x - from;
    }
  }
  const means = new Float32Array(sums.length);
  for (let cell = 0; cell < counts.length; cell++) {
    for (let c = 0; c < 3; c++) means[cell * 3 + c] = sums[cell * 3 + c]! / counts[cell]!;
  }
  return { width: img.width, height: img.height, columns, rows, means };
}

/** Zeroed sums for frameSignature, reused from call to call (~0.9 MB a 720p frame that is not garbage each time). */
const scratches: Uint32Array[] = [new Uint32Array(0), new Uint32Array(0)];
function scratch(length: number, which = 0): Uint32Array {
  if (scratches[which]!.length < length) scratches[which] = new Uint32Array(length);
  return scratches[which]!.subarray(0, length).fill(0);
}

/** The largest difference of one cell's mean colour between two signatures; Infinity for frames of different sizes. */
export function signatureDistance(a: FrameSignature, b: FrameSignature): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let most = 0;
  for (let i = 0; i < a.means.length; i++) most = Math.max(most, Math.abs(a.means[i]! - b.means[i]!));
  return most;
}

export const isNearDuplicate = (a: FrameSignature, b: FrameSignature) => signatureDistance(a, b) <= NEAR_DUPLICATE_MAX_DIFF;

/**
 * How many of the frames analysed last a frame is compared with: 2 also catches a cut away and back (an interview's
 * two cameras, a slide shown again after a cutaway), not only a scene split inside one shot.
 */
export const RECENT_FRAMES = 2;

/**
 * Runs `analyse` on a sequence of frames, in order, except where a frame is a near-duplicate of one of the frames
 * analysed last: that frame gets a copy of its result (`copy`, so two scenes never share one object). Compared with
 * frames that were analysed, never with a copy, so a slow drift through many frames cannot add up to a reuse.
 */
export function createNearDuplicateReuse<T>(copy: (result: T) => T, recent = RECENT_FRAMES) {
  const analysed: { signature: FrameSignature; result: T }[] = [];
  let reused = 0;
  return {
    async next(img: RgbaImage, analyse: (img: RgbaImage) => Promise<T>): Promise<T> {
      const signature = frameSignature(img);
      const same = analysed.find((earlier) => isNearDuplicate(earlier.signature, signature));
      if (same) {
        reused++;
        return copy(same.result);
      }
      const result = await analyse(img);
      analysed.unshift({ signature, result });
      analysed.length = Math.min(analysed.length, recent);
      return result;
    },
    /** How many frames got a copy instead of a model run. */
    get reused() {
      return reused;
    },
  };
}
