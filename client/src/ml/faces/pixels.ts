// Pure pixel work shared by the browser and the Node tests: no canvas, no tfjs.
import type { RgbaImage } from '../image.ts';
import type { FaceBox } from './types.ts';

/** Side of the stored face crop, in px. */
export const CROP_SIZE = 96;
/** Room left around the face box in the crop, as a fraction of the box's longer side, on each side. */
const CROP_MARGIN = 0.2;

/** Throws a clear error for an image whose pixel buffer does not match its size (a decoding bug upstream). */
export function assertRgbaImage(img: RgbaImage): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
    throw new Error(`Face detection needs a non-empty image; got ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new Error(
      `Face detection got an RGBA buffer of ${img.data.length} bytes for a ${img.width}×${img.height} image ` +
        `(expected ${img.width * img.height * 4})`,
    );
  }
}

/** The RGB bytes (alpha dropped) of the image, row-major, as the detector's [h, w, 3] input tensor wants them. */
export function rgbaToRgb(img: RgbaImage): Uint8Array {
  const { data } = img;
  const pixels = img.width * img.height;
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4, o += 3) {
    rgb[o] = data[i]!;
    rgb[o + 1] = data[i + 1]!;
    rgb[o + 2] = data[i + 2]!;
  }
  return rgb;
}

/** Rounds a detector box to whole pixels and clips it to the image; null when nothing of it is left inside. */
export function clipBox(box: FaceBox, width: number, height: number): FaceBox | null {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(width, Math.round(box.x + box.w));
  const y1 = Math.min(height, Math.round(box.y + box.h));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * The square around a face that the crop shows: centred on the box, with a margin, moved (not shrunk) to stay
 * inside the image; only an image smaller than the square makes it smaller.
 */
export function cropSquare(box: FaceBox, width: number, height: number): FaceBox {
  const side = Math.min(Math.round(Math.max(box.w, box.h) * (1 + 2 * CROP_MARGIN)), width, height);
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const x = Math.min(Math.max(0, Math.round(cx - side / 2)), width - side);
  const y = Math.min(Math.max(0, Math.round(cy - side / 2)), height - side);
  return { x, y, w: side, h: side };
}

/**
 * Cuts `rect` out of the image and scales it to size×size: area averaging when shrinking (no aliasing on big
 * faces), bilinear when enlarging (small faces).
 */
export function cropAndResize(img: RgbaImage, rect: FaceBox, size: number): RgbaImage {
  const out = new Uint8ClampedArray(size * size * 4);
  const scaleX = rect.w / size;
  const scaleY = rect.h / size;
  const src = img.data;
  const stride = img.width * 4;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const o = (oy * size + ox) * 4;
      if (scaleX >= 1 && scaleY >= 1) {
        const sx0 = rect.x + Math.floor(ox * scaleX);
        const sx1 = Math.max(sx0 + 1, rect.x + Math.floor((ox + 1) * scaleX));
        const sy0 = rect.y + Math.floor(oy * scaleY);
        const sy1 = Math.max(sy0 + 1, rect.y + Math.floor((oy + 1) * scaleY));
        let r = 0;
        let g = 0;
        let b = 0;
        for (let sy = sy0; sy < sy1; sy++) {
          for (let sx = sx0, i = sy * stride + sx0 * 4; sx < sx1; sx++, i += 4) {
            r += src[i]!;
            g += src[i + 1]!;
            b += src[i + 2]!;
          }
        }
        const n = (sx1 - sx0) * (sy1 - sy0);
        out[o] = r / n;
        out[o + 1] = g / n;
        out[o + 2] = b / n;
      } else {
        // Sample at pixel centres, clamped to the rect so edges do not bleed in pixels from outside it.
        const fx = Math.min(Math.max(rect.x + (ox + 0.5) * scaleX - 0.5, rect.x), rect.x + rect.w - 1);
        const fy = Math.min(Math.max(rect.y + (oy + 0.5) * scaleY - 0.5, rect.y), rect.y + rect.h - 1);
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const x1 = Math.min(x0 + 1, rect.x + rect.w - 1);
        const y1 = Math.min(y0 + 1, rect.y + rect.h - 1);
        const wx = fx - x0;
        const wy = fy - y0;
        for (let c = 0; c < 3; c++) {
          const top = src[y0 * stride + x0 * 4 + c]! * (1 - wx) + src[y0 * stride + x1 * 4 + c]! * wx;
          const bottom = src[y1 * stride + x0 * 4 + c]! * (1 - wx) + src[y1 * stride + x1 * 4 + c]! * wx;
          out[o + c] = top * (1 - wy) + bottom * wy;
        }
      }
      out[o + 3] = 255;
    }
  }
  return { width: size, height: size, data: out };
}

/** Grey of the border padImage adds: neutral, so it neither looks like skin nor like a dark background. */
const PAD_GREY = 128;

/**
 * The image in the middle of a neutral grey canvas `factor` times its size, and where the image starts in it.
 * A photo cropped tight to a face fills the detector's whole input, a scale its anchors rarely see; with a border
 * the face is a smaller part of the frame, as in the photos the detector was trained on.
 */
export function padImage(img: RgbaImage, factor: number): { image: RgbaImage; offsetX: number; offsetY: number } {
  const width = Math.round(img.width * factor);
  const height = Math.round(img.height * factor);
  const offsetX = Math.floor((width - img.width) / 2);
  const offsetY = Math.floor((height - img.height) / 2);
  const data = new Uint8ClampedArray(width * height * 4).fill(PAD_GREY);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const rowBytes = img.width * 4;
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((y + offsetY) * width + offsetX) * 4);
  }
  return { image: { width, height, data }, offsetX, offsetY };
}

/** The face's crop picture, CROP_SIZE px square, as raw RGBA. */
export function cropFace(img: RgbaImage, box: FaceBox): RgbaImage {
  return cropAndResize(img, cropSquare(box, img.width, img.height), CROP_SIZE);
}
