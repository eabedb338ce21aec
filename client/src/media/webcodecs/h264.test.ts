// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { existsSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demuxVideo, readSamples } from './demux.ts';
import { avcLengthSize, isNonReferencePicture } from './h264.ts';

/** One length-prefixed NAL unit: nal_ref_idc, nal_unit_type and a payload of `size` bytes. */
function nal(refIdc: number, type: number, size = 3, lengthSize = 4): number[] {
  const length = size + 1;
  const prefix = Array.from({ length: lengthSize }, (_, k) => (length >> (8 * (lengthSize - 1 - k))) & 0xff);
  return [...prefix, (refIdc << 5) | type, ...new Array<number>(size).fill(0xaa)];
}
const sample = (...units: number[][]) => Uint8Array.from(units.flat());

describe('avcLengthSize', () => {
  it("reads lengthSizeMinusOne from the avcC record's fifth byte", () => {
    expect(avcLengthSize(Uint8Array.of(1, 0x64, 0, 0x1f, 0xff, 0xe1))).toBe(4);
    expect(avcLengthSize(Uint8Array.of(1, 0x42, 0, 0x1e, 0xfd))).toBe(2);
    expect(() => avcLengthSize(Uint8Array.of(0, 0, 0, 0, 0xff))).toThrow(/avcC/);
  });
});

describe('isNonReferencePicture', () => {
  it('is true when every slice has nal_ref_idc 0, whatever the other units', () => {
    expect(isNonReferencePicture(sample(nal(0, 1)), 4)).toBe(true);
    expect(isNonReferencePicture(sample(nal(0, 6, 10), nal(0, 1, 40), nal(0, 1, 20)), 4)).toBe(true);
    expect(isNonReferencePicture(sample(nal(0, 1, 5, 2)), 2)).toBe(true);
  });

  it('is false for reference and IDR pictures', () => {
    expect(isNonReferencePicture(sample(nal(2, 1)), 4)).toBe(false);
    expect(isNonReferencePicture(sample(nal(3, 7), nal(3, 8), nal(3, 5)), 4)).toBe(false);
    expect(isNonReferencePicture(sample(nal(0, 1), nal(1, 1)), 4)).toBe(false);
  });

  it('is false when in doubt: no slice, or lengths that run past the sample', () => {
    expect(isNonReferencePicture(sample(nal(0, 6)), 4)).toBe(false);
    expect(isNonReferencePicture(new Uint8Array(0), 4)).toBe(false);
    expect(isNonReferencePicture(sample(nal(0, 1)).subarray(0, 6), 4)).toBe(false);
    expect(isNonReferencePicture(Uint8Array.of(0, 0, 0, 1), 4)).toBe(false);
  });

  const BENCH = join(import.meta.dirname, '../../../../tests/fixtures/generated/bench-720p-60s.mp4');
  it.runIf(existsSync(BENCH))('keeps the same pictures of the bench fixture as ffmpeg -skip_frame noref (~800 of 1500)', async () => {
    const blob = await openAsBlob(BENCH);
    const video = await demuxVideo(blob);
    const lengthSize = avcLengthSize(video.config.description as Uint8Array);
    let kept = 0;
    for await (const { data } of readSamples(blob, video.samples)) if (!isNonReferencePicture(data, lengthSize)) kept++;
    const ffmpeg = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-skip_frame', 'noref', '-i', BENCH, '-an', '-fps_mode', 'passthrough', '-vf', 'showinfo', '-f', 'null', '-'], {
      encoding: 'utf8',
    });
    const decodedByFfmpeg = ffmpeg.stderr.match(/Parsed_showinfo.*pts_time/g)?.length;
    expect(kept).toBe(decodedByFfmpeg);
    expect(kept).toBeLessThan(0.6 * video.samples.count);
  });
});
