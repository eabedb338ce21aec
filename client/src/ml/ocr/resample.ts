import type { RgbaImage } from '../image';

/** An integer pixel rectangle inside an image. */
export interface PixelRect { x: number; y: number; w: number; h: number }

/** Where one resampled picture goes inside a planar (NCHW) float tensor. */
export interface PlanarTarget {
  data: Float32Array;
  /** Index of the first value of channel 0 for this picture. */
  offset: number;
  /** Values between two rows (the tensor's width; ≥ the picture's width when it is padded on the right). */
  rowStride: number;
  /** Values between two channel planes (tensor width × height). */
  planeStride: number;
}

/**
 * Per-channel normalisation in the models' channel order. PP-OCR models were trained on OpenCV images, which
 * are BGR, so plane 0 is blue: `value = (byte / 255 - mean[c]) / std[c]`.
 */
export interface Normalisation { mean: readonly [number, number, number]; std: readonly [number, number, number] }

/**
 * Bilinearly resamples `rect` of `img` to outW × outH and writes it, normalised, as three BGR planes.
 * Sample positions follow OpenCV's INTER_LINEAR (pixel centres aligned), clamped to the rectangle's edges, so
 * a crop behaves like cv2.resize of the cropped image — what the models saw in training.
 */
export function resampleToPlanarBgr(
  img: RgbaImage,
  rect: PixelRect,
  outW: number,
  outH: number,
  target: PlanarTarget,
  norm: Normalisation,
): void {
  const { data: src, width: srcStride } = img;
  const xLo = new Int32Array(outW);
  const xHi = new Int32Array(outW);
  const xWeight = new Float32Array(outW);
  const scaleX = rect.w / outW;
  const lastX = rect.x + rect.w - 1;
  for (let dx = 0; dx < outW; dx++) {
    const sx = Math.min(Math.max(rect.x + (dx + 0.5) * scaleX - 0.5, rect.x), lastX);
    const lo = Math.floor(sx);
    xLo[dx] = lo * 4;
    xHi[dx] = Math.min(lo + 1, lastX) * 4;
    xWeight[dx] = sx - lo;
  }

  // value = byte * k[c] + b[c] folds the /255, mean and std into one multiply-add per sample.
  const kB = 1 / (255 * norm.std[0]), bB = -norm.mean[0] / norm.std[0];
  const kG = 1 / (255 * norm.std[1]), bG = -norm.mean[1] / norm.std[1];
  const kR = 1 / (255 * norm.std[2]), bR = -norm.mean[2] / norm.std[2];
  const out = target.data;
  const scaleY = rect.h / outH;
  const lastY = rect.y + rect.h - 1;
  for (let dy = 0; dy < outH; dy++) {
    const sy = Math.min(Math.max(rect.y + (dy + 0.5) * scaleY - 0.5, rect.y), lastY);
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const row0 = y0 * srcStride * 4;
    const row1 = Math.min(y0 + 1, lastY) * srcStride * 4;
    let o = target.offset + dy * target.rowStride;
    for (let dx = 0; dx < outW; dx++, o++) {
      const a = row0 + xLo[dx]!, b = row0 + xHi[dx]!, c = row1 + xLo[dx]!, d = row1 + xHi[dx]!;
      const wx = xWeight[dx]!;
      const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
      const r = src[a]! * w00 + src[b]! * w01 + src[c]! * w10 + src[d]! * w11;
      const g = src[a + 1]! * w00 + src[b + 1]! * w01 + src[c + 1]! * w10 + src[d + 1]! * w11;
      const bl = src[a + 2]! * w00 + src[b + 2]! * w01 + src[c + 2]! * w10 + src[d + 2]! * w11;
      out[o] = bl * kB + bB;
      out[o + target.planeStride] = g * kG + bG;
      out[o + 2 * target.planeStride] = r * kR + bR;
    }
  }
}
