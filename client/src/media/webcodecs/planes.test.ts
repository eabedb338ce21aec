// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { yuvView } from './planes.ts';
import { WebCodecsUnsupported } from './unsupported.ts';

const data = new Uint8Array(16);

describe('yuvView', () => {
  it('maps I420 planes with half-size chroma, rounding odd sizes up', () => {
    const view = yuvView('I420', [{ offset: 0, stride: 1280 }, { offset: 1000, stride: 640 }, { offset: 2000, stride: 640 }], 1279, 719, data);
    expect(view.y).toMatchObject({ offset: 0, stride: 1280, width: 1279, height: 719, step: 1 });
    expect(view.u).toMatchObject({ offset: 1000, stride: 640, width: 640, height: 360, step: 1 });
    expect(view.v).toMatchObject({ offset: 2000, width: 640, height: 360 });
  });

  it('maps I422 and I444 chroma sizes', () => {
    const layout = [{ offset: 0, stride: 64 }, { offset: 1, stride: 64 }, { offset: 2, stride: 64 }];
    expect(yuvView('I422', layout, 64, 36, data).u).toMatchObject({ width: 32, height: 36 });
    expect(yuvView('I444', layout, 64, 36, data).v).toMatchObject({ width: 64, height: 36 });
  });

  it('reads NV12 chroma as two interleaved views of one plane', () => {
    const view = yuvView('NV12', [{ offset: 0, stride: 64 }, { offset: 4096, stride: 64 }], 64, 36, data);
    expect(view.u).toMatchObject({ offset: 4096, stride: 64, width: 32, height: 18, step: 2 });
    expect(view.v).toMatchObject({ offset: 4097, stride: 64, width: 32, height: 18, step: 2 });
  });

  it('refuses formats it cannot read, so the caller falls back to ffmpeg.wasm', () => {
    expect(() => yuvView('I420P10', [], 64, 36, data)).toThrow(WebCodecsUnsupported);
    expect(() => yuvView('RGBA', [{ offset: 0, stride: 256 }], 64, 36, data)).toThrow(/pixel format RGBA/);
    expect(() => yuvView(null, [], 64, 36, data)).toThrow(/pixel format unknown/);
    expect(() => yuvView('I420', [{ offset: 0, stride: 64 }], 64, 36, data)).toThrow(/plane 1/);
  });
});
