/**
 * Where the Y, U and V samples are in the buffer that `VideoFrame.copyTo` filled. Pure, so it is tested
 * without a browser. Only 8-bit YUV layouts are read; anything else (10-bit, RGB) is left to ffmpeg.wasm.
 */
import type { PlaneView, YuvView } from './signature.ts';
import { WebCodecsUnsupported } from './unsupported.ts';

/** The subset of WebCodecs' PlaneLayout we use (copyTo returns one per plane). */
export interface Layout {
  offset: number;
  stride: number;
}

/** Chroma subsampling (horizontal, vertical shift) of the planar formats we read. */
const PLANAR: Record<string, [number, number]> = {
  I420: [1, 1],
  I420A: [1, 1],
  I422: [1, 0],
  I422A: [1, 0],
  I444: [0, 0],
  I444A: [0, 0],
};

/** `width` × `height` is the copied rect (the frame's visibleRect), not the coded size. */
export function yuvView(format: string | null, layout: readonly Layout[], width: number, height: number, data: Uint8Array): YuvView {
  const plane = (index: number, w: number, h: number, step = 1, extra = 0): PlaneView => {
    const l = layout[index];
    if (!l) throw new WebCodecsUnsupported(`${format} frame without plane ${index}`);
    return { data, offset: l.offset + extra, stride: l.stride, width: w, height: h, step };
  };
  const shifts = format ? PLANAR[format] : undefined;
  if (shifts) {
    const [sx, sy] = shifts;
    const cw = (width + sx) >> sx;
    const ch = (height + sy) >> sy;
    return { y: plane(0, width, height), u: plane(1, cw, ch), v: plane(2, cw, ch) };
  }
  if (format === 'NV12') {
    const cw = (width + 1) >> 1;
    const ch = (height + 1) >> 1;
    return { y: plane(0, width, height), u: plane(1, cw, ch, 2), v: plane(1, cw, ch, 2, 1) };
  }
  throw new WebCodecsUnsupported(`decoded frames in pixel format ${format ?? 'unknown'}`);
}
