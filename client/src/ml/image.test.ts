// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { decodeImage, rgbaImage } from './image.ts';

describe('rgbaImage', () => {
  it('wraps width × height × 4 bytes, sharing the buffer', () => {
    const bytes = new Uint8Array(2 * 3 * 4).fill(7);
    const image = rgbaImage(2, 3, bytes);
    expect(image).toMatchObject({ width: 2, height: 3 });
    expect(image.data).toBeInstanceOf(Uint8ClampedArray);
    expect(image.data.buffer).toBe(bytes.buffer);
  });

  it('refuses a buffer of the wrong size or a bad size', () => {
    expect(() => rgbaImage(2, 2, new Uint8ClampedArray(15))).toThrow('A 2 × 2 RGBA image needs 16 bytes, got 15.');
    expect(() => rgbaImage(0, 2, new Uint8ClampedArray(0))).toThrow(/positive whole width and height/);
  });

  it('says that decoding needs a browser when there is none', async () => {
    await expect(decodeImage(new Uint8Array([0xff, 0xd8]))).rejects.toThrow(/createImageBitmap and OffscreenCanvas/);
  });
});
