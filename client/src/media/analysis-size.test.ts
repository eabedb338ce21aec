// @vitest-environment node
// The analysis size the WebCodecs path draws kept frames at must be the one ffmpeg's analysis filter gives the
// keyframes (worker.ts): at most 1280 wide, display aspect kept, both sides even.
import { describe, expect, it } from 'vitest';
import { decodeWithFfmpeg } from '../ml/testing/decode-ffmpeg.ts';
import { ANALYSIS_FILTER, analysisSize } from './analysis-size.ts';

/** What ffmpeg's analysis filter makes of a picture of that size and sample aspect ratio. */
function ffmpegSize(width: number, height: number, sar = '1') {
  const { width: w, height: h } = decodeWithFfmpeg(
    ['-f', 'lavfi', '-i', `color=size=${width}x${height}:duration=0.04,setsar=${sar}`],
    ANALYSIS_FILTER,
  );
  return { width: w, height: h };
}

describe('analysis size', () => {
  it('is what the keyframes get from ffmpeg', () => {
    for (const [w, h] of [[1280, 720], [1920, 1080], [640, 360], [3840, 1600], [720, 1280], [854, 480]] as const) {
      expect(analysisSize(w, h), `${w}x${h}`).toEqual(ffmpegSize(w, h));
    }
    // Anamorphic: 1440×1080 with 4:3 pixels is shown 1920×1080 (a VideoFrame's display size).
    expect(analysisSize(1920, 1080)).toEqual(ffmpegSize(1440, 1080, '4/3'));
  });
});
