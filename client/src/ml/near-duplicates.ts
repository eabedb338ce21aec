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
  const sums = new Float32Array(columns * rows * 3);
  const counts = new Uint32Array(columns * rows);
  const cellOfX = new Uint32Array(img.width);
  for (let x = 0; x < img.width; x++) cellOfX[x] = Math.floor((x * columns) / img.width);
  const { data } = img;
  for (let y = 0, i = 0; y < img.height; y++) {
    const rowBase = Math.floor((y * rows) / img.height) * columns;
    for (let x = 0; x < img.width; x++, i += 4) {
      const cell = rowBase + cellOfX[x]!;
      sums[cell * 3]! += data[i]!;
      sums[cell * 3 + 1]! += data[i + 1]!;
      sums[cell * 3 + 2]! += data[i + 2]!;
      counts[cell]!++;
    }
  }
  for (let cell = 0; cell < counts.length; cell++) {
    for (let c = 0; c < 3; c++) sums[cell * 3 + c]! /= counts[cell]!;
  }
  return { width: img.width, height: img.height, columns, rows, means: sums };
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
