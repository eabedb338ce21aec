import type { RgbaImage } from '../image.ts';

const JPEG_QUALITY = 0.85;

/** Browser (window or worker) JPEG encoding of a small RGBA picture through OffscreenCanvas. */
export async function encodeJpeg(img: RgbaImage): Promise<Uint8Array> {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error('Face crops are encoded with OffscreenCanvas, which this runtime lacks: pass encodeCrop');
  }
  const canvas = new OffscreenCanvas(img.width, img.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('OffscreenCanvas gave no 2d context to encode a face crop');
  context.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  return new Uint8Array(await blob.arrayBuffer());
}
