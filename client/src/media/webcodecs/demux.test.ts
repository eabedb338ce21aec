// @vitest-environment node
/** mp4box demuxing on the generated fixtures (`npm run fixtures`), reading files as Node Blobs backed by disk. */
import { existsSync, openAsBlob, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demuxVideo, planReads, readSamples } from './demux.ts';
import { WebCodecsUnsupported } from './unsupported.ts';

const FIXTURES = join(import.meta.dirname, '../../../../tests/fixtures/generated');
const BENCH = join(FIXTURES, 'bench-720p-60s.mp4');

/** A Blob that counts the bytes read through slice(): proves the file is never read whole. */
function countingBlob(blob: Blob): { blob: Blob; read: () => number } {
  let read = 0;
  const wrapper = {
    size: blob.size,
    slice(start?: number, end?: number) {
      read += (end ?? blob.size) - (start ?? 0);
      return blob.slice(start, end);
    },
  };
  return { blob: wrapper as Blob, read: () => read };
}

describe('planReads', () => {
  const table = (offsets: number[], sizes: number[]) => ({
    count: offsets.length,
    offsets: Float64Array.from(offsets),
    sizes: Uint32Array.from(sizes),
  });

  it('groups consecutive samples up to the byte budget, gaps (audio) included', () => {
    expect(planReads(table([0, 10, 30, 45], [10, 15, 10, 5]), 40)).toEqual([[0, 3], [3, 4]]);
  });

  it('starts a new read when the samples go backwards in the file', () => {
    expect(planReads(table([100, 120, 0, 20], [20, 20, 20, 20]), 1000)).toEqual([[0, 2], [2, 4]]);
  });

  it('gives a sample larger than the budget a read of its own', () => {
    expect(planReads(table([0, 5, 105], [5, 100, 5]), 50)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe('demuxVideo on the fixtures', () => {
  it('has the fixtures (run `npm run fixtures`)', () => {
    expect(existsSync(BENCH), `${BENCH} is missing: run npm run fixtures`).toBe(true);
  });
  if (!existsSync(BENCH)) return;

  it('reads the 720p H.264 track from its index only (the moov is at the end of the file)', async () => {
    const file = countingBlob(await openAsBlob(BENCH));
    const video = await demuxVideo(file.blob);
    expect(video.config).toMatchObject({ codec: 'avc1.64001f', codedWidth: 1280, codedHeight: 720 });
    const description = video.config.description as Uint8Array;
    expect(description[0]).toBe(1); // avcC configurationVersion: the box header is gone
    expect(description[1]).toBe(0x64); // High profile
    expect(video.samples.count).toBe(1500);
    expect(video.samples.keyframes[0]).toBe(1);
    expect(video.durationS).toBeCloseTo(60, 1);
    // The first frame is presented after the B-frame composition offset (2 frames at 25 fps).
    expect(video.firstTimestampUs).toBe(80_000);
    expect(file.read()).toBeLessThan(2.5 * 2 ** 20);
    expect(file.blob.size).toBeGreaterThan(10 * 2 ** 20);
  });

  it('yields every sample with the bytes at its offset, in reads of bounded size', async () => {
    const blob = await openAsBlob(join(FIXTURES, 'cuts-a.mp4'));
    const bytes = readFileSync(join(FIXTURES, 'cuts-a.mp4'));
    const video = await demuxVideo(blob);
    let count = 0;
    for await (const { index, data } of readSamples(blob, video.samples)) {
      expect(index).toBe(count++);
      const offset = video.samples.offsets[index]!;
      expect(Buffer.from(data).equals(bytes.subarray(offset, offset + data.byteLength))).toBe(true);
      expect(data.byteLength).toBe(video.samples.sizes[index]);
    }
    expect(count).toBe(300);
  });

  it.each([
    ['empty.mp4', /no MP4 index/],
    ['truncated.mp4', /no MP4 index/],
    ['notes.mov', /no MP4 index|could not parse/],
    ['audio-only.m4a', /no video track/],
  ])('refuses %s with WebCodecsUnsupported (the worker then uses ffmpeg.wasm)', async (name, message) => {
    const attempt = demuxVideo(await openAsBlob(join(FIXTURES, name)));
    await expect(attempt).rejects.toThrow(WebCodecsUnsupported);
    await expect(demuxVideo(await openAsBlob(join(FIXTURES, name)))).rejects.toThrow(message);
  });
});
