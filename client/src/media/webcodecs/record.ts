/**
 * The cut pass's share of the still-change search (signature-recording.ts): each decoded frame the recording wants
 * is taken at analysis size — the size the analysis keyframes have, which the near-duplicate threshold was measured
 * on — and signed with the near-duplicate test's own frameSignature.
 *
 * Cost a kept frame (bench, 60 s 720p): the browser's RGBA conversion ~0.7 ms (a canvas draw and read back took ~6),
 * the signature ~3 ms. A frame whose pixels equal the previous kept frame's (a frozen picture) reuses its signature.
 */
import type { RgbaImage } from '../../ml/image.ts';
import { frameSignature, type FrameSignature } from '../../ml/near-duplicates.ts';
import { analysisSize } from '../analysis-size.ts';
import type { SignatureRecording } from '../signature-recording.ts';
import type { CutPassWatcher } from './detect.ts';

/**
 * A watcher of detectCutsWebCodecs that keeps signatures in `recording`. It never throws and never closes a frame: a
 * frame it cannot take stops the recording (later probe times are then sought), never the cut detection.
 */
export function recordInto(recording: SignatureRecording): CutPassWatcher {
  const pixels = analysisPixels();
  let previous: { img: RgbaImage; signature: FrameSignature } | null = null;
  return {
    async frame(frame, timeS) {
      if (!recording.wants(timeS)) return;
      try {
        const img = await pixels(frame);
        const signature = previous && samePixels(previous.img, img) ? previous.signature : frameSignature(img);
        recording.add(timeS, signature);
        previous = { img, signature };
      } catch (error) {
        console.warn('Keeping frames for the still-change search failed; its probe frames will be decoded again.', error);
        recording.stop();
      }
    },
    mayCut: (timeS) => recording.mayCut(timeS),
  };
}

/**
 * The frame's RGBA pixels at analysis size: the browser's own conversion (`copyTo` RGBA) when the frame is already
 * that size, else drawn scaled on a canvas. Two buffers, used in turn: the previous frame's pixels stay readable.
 */
function analysisPixels(): (frame: VideoFrame) => Promise<RgbaImage> {
  const buffers = [new Uint8ClampedArray(0), new Uint8ClampedArray(0)];
  let turn = 0;
  let context: OffscreenCanvasRenderingContext2D | null = null;
  let copyToRgba = true;
  return async (frame) => {
    const { width, height } = analysisSize(frame.displayWidth, frame.displayHeight);
    const rect = frame.visibleRect;
    if (copyToRgba && rect?.width === width && rect.height === height) {
      turn = 1 - turn;
      if (buffers[turn]!.length !== width * height * 4) buffers[turn] = new Uint8ClampedArray(width * height * 4);
      try {
        await frame.copyTo(buffers[turn]!, { rect, format: 'RGBA', colorSpace: 'srgb' });
        return { width, height, data: buffers[turn]! };
      } catch {
        copyToRgba = false; // a browser without RGBA conversion in copyTo: the canvas from now on
      }
    }
    if (context?.canvas.width !== width || context.canvas.height !== height) {
      // Read back every time: a canvas kept in memory, not on a GPU.
      context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('no 2D canvas in the media worker');
    }
    context.drawImage(frame, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  };
}

function samePixels(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  // A word at a time; a moving picture differs within its first rows, so this costs little unless it is frozen.
  const words = (img: RgbaImage) => new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.length >> 2);
  const [x, y] = [words(a), words(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
