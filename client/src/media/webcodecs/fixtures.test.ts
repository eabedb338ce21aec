// @vitest-environment node
/**
 * The WebCodecs path's scoring and threshold on the generated fixtures (`npm run fixtures`), with frames
 * decoded by native ffmpeg the way the browser path decodes them: non-reference pictures skipped
 * (`-skip_frame noref`, the same 801 of 1500 frames on the bench fixture), and Chromium's software H.264
 * decoder is bit-exact with ffmpeg's (`npm run bench` prints the strengths it measured in the browser: the same).
 * Pins the margin that justifies CUT_THRESHOLD (see cuts.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUT_THRESHOLD, cutStrengths, frameScore, pickCuts } from './cuts.ts';
import { frameSignature, signatureDistance, type FrameSignature } from './signature.ts';

const FIXTURES = join(import.meta.dirname, '../../../../tests/fixtures/generated');
const TRUTH_FILE = join(FIXTURES, 'truth.json');

interface Truth {
  cuts: number[];
  width: number;
  height: number;
  fps: number;
}

/** Scores the frames of `path` (yuv420p, `width` × `height`) as the browser path does. */
async function scoreWithNativeDecoder(path: string, width: number, height: number) {
  const frameBytes = (width * height * 3) / 2;
  const frame = new Uint8Array(frameBytes);
  let filled = 0;
  let previous: FrameSignature | null = null;
  const scores: number[] = [];
  const consume = () => {
    const chroma = { stride: width / 2, width: width / 2, height: height / 2, step: 1, data: frame };
    const signature = frameSignature({
      y: { data: frame, offset: 0, stride: width, width, height, step: 1 },
      u: { ...chroma, offset: width * height },
      v: { ...chroma, offset: (width * height * 5) / 4 },
    });
    scores.push(previous ? frameScore(signatureDistance(previous, signature)) : 0);
    previous = signature;
  };
  // showinfo prints each decoded frame's time on stderr, in the order the frames come out on stdout.
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'info', '-skip_frame', 'noref', '-i', path, '-an', '-fps_mode', 'passthrough'];
  const ffmpeg = spawn('ffmpeg', [...args, '-vf', 'showinfo', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, frameBytes - filled);
      frame.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === frameBytes) {
        consume();
        filled = 0;
      }
    }
  }
  const timesS = [...log.matchAll(/Parsed_showinfo.*?\bpts_time:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  expect(timesS).toHaveLength(scores.length);
  return { timesS, scores };
}

describe('WebCodecs cut scoring on the fixtures', () => {
  it('has the fixtures (run `npm run fixtures`)', () => {
    expect(existsSync(TRUTH_FILE), `${TRUTH_FILE} is missing: run npm run fixtures`).toBe(true);
  });
  if (!existsSync(TRUTH_FILE)) return;
  const truth = JSON.parse(readFileSync(TRUTH_FILE, 'utf8')) as Record<string, Truth>;

  it.each(['cuts-a.mp4', 'cuts-b.mp4', 'bench-720p-60s.mp4'])('%s: finds the true cuts, with a wide margin', async (name) => {
    const { cuts, width, height, fps } = truth[name]!;
    const { timesS, scores } = await scoreWithNativeDecoder(join(FIXTURES, name), width, height);
    const strengths = cutStrengths(timesS, scores);
    const found = pickCuts(timesS, strengths);
    expect(found).toHaveLength(cuts.length);
    // At the cut's frame, or at most two frames late when that frame is a skipped non-reference picture.
    found.forEach((t, i) => {
      expect(t - cuts[i]!).toBeGreaterThan(-0.5 / fps);
      expect(t - cuts[i]!).toBeLessThan(2.5 / fps);
    });

    const atCut = (i: number) => found.some((cut) => Math.abs(timesS[i]! - cut) < 0.5 / fps);
    const cutStrength = Math.min(...[...strengths.keys()].filter(atCut).map((i) => strengths[i]!));
    const otherStrength = Math.max(...[...strengths.keys()].filter((i) => !atCut(i)).map((i) => strengths[i]!));
    // Measured: weakest cut 0.262 (cuts-b's similar scenes), strongest other frame 0.022 (cuts-a).
    expect(cutStrength).toBeGreaterThan(2 * CUT_THRESHOLD);
    expect(otherStrength).toBeLessThan(CUT_THRESHOLD / 3);
  });
});
