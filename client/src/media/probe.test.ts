// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseProbeLog, validateProbe } from './probe.ts';
import { MediaError, type ProbeInfo } from './types.ts';

// Real logs of `-hide_banner -loglevel info -i <file>`: from ffmpeg.wasm (core 0.12.10 = ffmpeg 5.1) in headless
// Chromium on tests/fixtures/generated, and from Debian's ffmpeg 5.1 where marked.
const log = (text: string) => text.split('\n');

const CUTS_A_WASM = log(`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/cuts-a.mp4':
  Metadata:
    major_brand     : isom
    minor_version   : 512
    compatible_brands: isomiso2avc1mp41
    encoder         : Lavf59.27.100
  Duration: 00:00:12.00, start: 0.000000, bitrate: 683 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 611 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
    Metadata:
      handler_name    : VideoHandler
      vendor_id       : [0][0][0][0]
      encoder         : Lavc59.37.100 libx264
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 64 kb/s (default)
    Metadata:
      handler_name    : SoundHandler
      vendor_id       : [0][0][0][0]
At least one output file must be specified
Aborted()`);

const AUDIO_ONLY_WASM = log(`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/audio-only.m4a':
  Metadata:
    major_brand     : M4A 
    minor_version   : 512
    compatible_brands: M4A isomiso2
    encoder         : Lavf59.27.100
  Duration: 00:00:03.00, start: 0.000000, bitrate: 68 kb/s
  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 64 kb/s (default)
    Metadata:
      handler_name    : SoundHandler
      vendor_id       : [0][0][0][0]
At least one output file must be specified
Aborted()`);

const TRUNCATED_WASM = log(`[mov,mp4,m4a,3gp,3g2,mj2 @ 0xdee8f0] moov atom not found
/in/truncated.mp4: Invalid data found when processing input
Aborted()`);

const TEXT_AS_MOV_WASM = log(`[mov,mp4,m4a,3gp,3g2,mj2 @ 0xdeebd0] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!
[mov,mp4,m4a,3gp,3g2,mj2 @ 0xdeebd0] moov atom not found
/in/notes.mov: Invalid data found when processing input
Aborted()`);

const HUGE_WASM = log(`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/huge-resolution.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:01.00, start: 0.000000, bitrate: 19 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 10000x240 [SAR 1:1 DAR 125:3], 11 kb/s, 5 fps, 5 tbr, 10240 tbn (default)
    Metadata:
      handler_name    : VideoHandler
At least one output file must be specified
Aborted()`);

// Debian ffmpeg, with its banner: cuts-a.mp4 remuxed with a 90° rotation tag (a portrait phone video).
const ROTATED_DEBIAN = log(`ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers
  built with gcc 12 (Debian 12.2.0-14+deb12u1)
  configuration: --prefix=/usr --extra-version=0+deb12u1 --toolchain=hardened --enable-gpl --enable-libx264
  libavutil      57. 28.100 / 57. 28.100
  libavformat    59. 27.100 / 59. 27.100
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rot.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:12.00, start: 0.000000, bitrate: 683 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 611 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
    Metadata:
      handler_name    : VideoHandler
    Side data:
      displaymatrix: rotation of 90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 64 kb/s (default)
At least one output file must be specified`);

// Debian ffmpeg: a music file whose cover art is an mjpeg "video" stream.
const COVER_ART_DEBIAN = log(`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'cover.m4a':
  Duration: 00:00:03.00, start: 0.000000, bitrate: 104 kb/s
  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 64 kb/s (default)
  Stream #0:1[0x0]: Video: mjpeg (Baseline), yuvj444p(pc, bt470bg/unknown/unknown), 320x240 [SAR 1:1 DAR 4:3], 90k tbr, 90k tbn (attached pic)
At least one output file must be specified`);

// Debian ffmpeg: NTSC rate, no audio.
const NTSC_DEBIAN = log(`Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'ntsc.mp4':
  Duration: 00:00:02.00, start: 0.000000, bitrate: 2981 kb/s
  Stream #0:0[0x1](und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p(progressive), 720x480 [SAR 1:1 DAR 3:2], 2977 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
At least one output file must be specified`);

// Debian ffmpeg: a PNG picture.
const STILL_IMAGE_DEBIAN = log(`Input #0, png_pipe, from 'cover.png':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Video: png, rgb24(pc), 320x240 [SAR 1:1 DAR 4:3], 25 fps, 25 tbr, 25 tbn
At least one output file must be specified`);

function mediaError(run: () => unknown): MediaError {
  try {
    run();
  } catch (error) {
    if (error instanceof MediaError) return error;
    throw error;
  }
  throw new Error('expected a MediaError');
}

const good: ProbeInfo = {
  durationS: 12,
  width: 640,
  height: 360,
  fps: 25,
  videoCodec: 'h264',
  audioCodec: 'aac',
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
};

describe('parseProbeLog', () => {
  it('reads duration, size, rate, codecs and container of an mp4 (ffmpeg.wasm log)', () => {
    expect(parseProbeLog(CUTS_A_WASM)).toEqual(good);
  });

  it('tolerates the banner, swaps width and height for a 90° rotation', () => {
    expect(parseProbeLog(ROTATED_DEBIAN)).toMatchObject({ width: 360, height: 640, durationS: 12, fps: 25 });
  });

  it('reads fractional rates and "k" suffixes', () => {
    expect(parseProbeLog(NTSC_DEBIAN)).toMatchObject({ fps: 29.97, width: 720, height: 480, audioCodec: null });
  });

  it('reports no video for audio-only files, cover art included', () => {
    expect(parseProbeLog(AUDIO_ONLY_WASM)).toMatchObject({ videoCodec: '', width: 0, height: 0, audioCodec: 'aac', durationS: 3 });
    expect(parseProbeLog(COVER_ART_DEBIAN)).toMatchObject({ videoCodec: '', audioCodec: 'aac' });
  });

  it('reads wide resolutions without mistaking the codec tag (0x31637661) for one', () => {
    expect(parseProbeLog(HUGE_WASM)).toMatchObject({ width: 10000, height: 240, fps: 5 });
  });

  it('throws "unreadable" for a truncated mp4 and says why, in plain words with the jargon behind the details', () => {
    const error = mediaError(() => parseProbeLog(TRUNCATED_WASM));
    expect(error.kind).toBe('unreadable');
    expect(error.message).toMatch(/incomplete/);
    expect(error.message).not.toMatch(/moov/);
    expect(error.details).toMatch(/moov atom/);
  });

  it('throws "unreadable" for a text file renamed .mov ("Invalid data found"), without the mp4 hint', () => {
    const error = mediaError(() => parseProbeLog(TEXT_AS_MOV_WASM));
    expect(error.kind).toBe('unreadable');
    expect(error.message).toBe('This file could not be read as a video — it may be damaged or not a video file.');
  });

  it('treats a missing input as a bug, not as the user file', () => {
    expect(() => parseProbeLog(['/in/x.mp4: No such file or directory', 'Aborted()'])).toThrow(/could not open its input/);
    expect(() => parseProbeLog(['/in/x.mp4: No such file or directory'])).not.toThrow(MediaError);
  });
});

describe('validateProbe', () => {
  it('accepts a normal video', () => {
    expect(() => validateProbe(good, 1_025_201)).not.toThrow();
  });

  it.each([
    ['empty', () => validateProbe(good, 0), /empty \(0 bytes\)/],
    ['no-video', () => validateProbe(parseProbeLog(AUDIO_ONLY_WASM), 25_809), /No video stream: this file has only audio/],
    ['too-large', () => validateProbe(parseProbeLog(HUGE_WASM), 2427), /Resolution 10000×240 is larger than Heimdex supports \(max 8192 px on a side\)/],
    ['too-large', () => validateProbe({ ...good, width: 16000, height: 9000 }, 1), /Resolution 16000×9000/],
    ['too-large', () => validateProbe({ ...good, width: 8000, height: 5000 }, 1), /40\.0 megapixels.*max 35 megapixels/],
    ['unsupported', () => validateProbe(parseProbeLog(STILL_IMAGE_DEBIAN), 1000), /still image/],
    ['unreadable', () => validateProbe({ ...good, durationS: Number.NaN }, 1), /length of this video could not be read/],
    ['unreadable', () => validateProbe({ ...good, width: 0, height: 0 }, 1), /size of this video could not be read/],
  ])('throws %s with a human message', (kind, run, message) => {
    const error = mediaError(run);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
  });

  it('accepts the largest allowed sizes', () => {
    expect(() => validateProbe({ ...good, width: 8192, height: 4272 }, 1)).not.toThrow(); // 35.0 MP
    expect(() => validateProbe({ ...good, width: 8192, height: 240 }, 1)).not.toThrow();
  });
});
