// The one image type every model task takes. Keyframes reach the ML worker as JPEG bytes; the worker
import { messageOf } from '../errors.ts';
// decodes them once (decodeImage) and hands the same pixels to OCR, faces and the visual encoder, so
// no model decodes a frame twice.

/** RGBA pixels, row-major, 4 bytes per pixel: the shape of `ImageData`, so either can stand for the other. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Wraps pixels as an RgbaImage after checking that the buffer holds exactly width × height RGBA pixels. */
export function rgbaImage(width: number, height: number, data: Uint8ClampedArray | Uint8Array): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`An image needs a positive whole width and height (got ${width} × ${height}).`);
  }
  const expected = width * height * 4;
  if (data.length !== expected) {
    throw new Error(`A ${width} × ${height} RGBA image needs ${expected} bytes, got ${data.length}.`);
  }
  const pixels = data instanceof Uint8ClampedArray ? data : new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
  return { width, height, data: pixels };
}

/**
 * Decodes encoded image bytes (JPEG, PNG, WebP) into RGBA pixels, shrunk to at most `maxWidth` pixels wide
 * (aspect kept) when given. Browser and worker only: it needs createImageBitmap and OffscreenCanvas.
 */
export async function decodeImage(bytes: Uint8Array, options: { maxWidth?: number; type?: string } = {}): Promise<RgbaImage> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('decodeImage needs createImageBitmap and OffscreenCanvas (a browser or a worker).');
  }
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: options.type ?? 'image/jpeg' });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (error) {
    throw new Error(`This image could not be decoded: ${messageOf(error)}`);
  }
  try {
    const scale = options.maxWidth && bitmap.width > options.maxWidth ? options.maxWidth / bitmap.width : 1;
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('This browser gave no 2D canvas to decode images with.');
    context.drawImage(bitmap, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}
