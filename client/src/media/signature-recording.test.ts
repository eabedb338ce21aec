// @vitest-environment node
// The recorded signatures that answer the still-change search on the WebCodecs path: which frames are kept, what a
// time is answered with, the memory bound, and — on the dev corpus's departure boards, every frame decoded by Debian
// ffmpeg as the cut pass decodes them — the same change found as by seeking a frame at each probe time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameSignature, type FrameSignature } from '../ml/near-duplicates.ts';
import { decodeWithFfmpeg } from '../ml/testing/decode-ffmpeg.ts';
import { buildScenes } from './scenes.ts';
import { RECORD_INTERVAL_S, SignatureRecording, SPARSE_INTERVAL_S } from './signature-recording.ts';
import { LOCATE_PRECISION_S, locateStillChanges, type FrameWindow } from './still-changes.ts';

const EVAL_HARD = join(import.meta.dirname, '../../../tests/fixtures/generated/eval/videos/eval-hard.mp4');

/** A 4 × 2-cell signature whose every mean is `level`. */
const flat = (level: number): FrameSignature => ({ width: 8, height: 4, columns: 4, rows: 2, means: new Float32Array(24).fill(level) });

describe('signature recording', () => {
  it('answers a time with the kept frame nearest to it inside the window: the first at or after it, else the last before', () => {
    const recording = new SignatureRecording();
    // 10 fps from 10 s on (far enough from the first frame, a scene's start, for every interval to count): frames at
    // 10, 10.1, 10.2, …; each frame's level is its number.
    for (let n = 0; n < 10; n++) {
      const timeS = 10 + n / 10;
      if (recording.wants(timeS)) recording.add(timeS, flat(n));
    }
    expect(recording.size.signatures).toBe(4); // 10, 10.3, 10.5, 10.8
    const levelAt = (t: number, window?: FrameWindow) => recording.signatureAt(t, window)?.means[0];
    expect([levelAt(10), levelAt(10.05), levelAt(10.3), levelAt(10.31), levelAt(10.5), levelAt(10.7)]).toEqual([0, 3, 3, 5, 5, 8]);
    expect(recording.signatureAt(10.5)).toMatchObject({ width: 8, height: 4, columns: 4, rows: 2, shownAtS: 10.5 });
    // Nothing at or after 10.85: the last frame before it, if the window reaches back to it.
    expect(levelAt(10.85)).toBeUndefined();
    expect(levelAt(10.85, { fromS: 10.6, beforeS: 11 })).toBe(8);
    // The first frame after the time comes too late for the window: the last one before it, else nothing.
    expect(levelAt(10.31, { fromS: 10.2, beforeS: 10.5 })).toBe(3);
    expect(levelAt(10.31, { fromS: 10.31, beforeS: 10.5 })).toBeUndefined();
  });

  it('keeps a frame a second until the last frame that may be a cut is MIN_PROBED_SCENE_S behind', () => {
    const recording = new SignatureRecording();
    // 20 fps, a frame that may be a cut at 2.05 s: kept every SPARSE_INTERVAL_S until 2.05 + MIN_PROBED_SCENE_S, then
    // every 0.25 s; the frames before it span too little for a probed scene and are dropped.
    const kept: number[] = [];
    for (let n = 0; n < 200; n++) {
      const timeS = n / 20;
      if (n === 41) recording.mayCut(timeS);
      if (!recording.wants(timeS)) continue;
      recording.add(timeS, flat((n * 25) % 256));
      kept.push(timeS);
    }
    expect(SPARSE_INTERVAL_S).toBe(1);
    expect(kept).toEqual([0, 1, 2, 3, 4, 5, 6, 6.65, 6.75, 7, 7.25, 7.5, 7.75, 8, 8.25, 8.5, 8.75, 9, 9.25, 9.5, 9.75]);
    // 0–2.05 s is dropped with its short stretch; the picture moving (a new level every frame), the frames on the fine
    // grid go too, but for those after the last sparse frame (9.25–9.75), which wait for the next one.
    expect(recording.size.signatures).toBe(10);
    expect(recording.signatureAt(1, { fromS: 0.5, beforeS: 1.5 })).toBeNull();
    expect(recording.signatureAt(2.05, { fromS: 2.05, beforeS: 3.5 })?.shownAtS).toBe(3);
    expect(recording.signatureAt(6.7)?.shownAtS).toBe(7);
    expect(recording.signatureAt(9.3)?.shownAtS).toBe(9.5);
  });

  it('drops the frames of a stretch too short for a probed scene, and gives back the bytes they held', () => {
    const recording = new SignatureRecording();
    for (const [i, t] of [0, 1, 2, 3, 4, 5].entries()) recording.add(t, flat(i * 50));
    recording.mayCut(5.5); // 5.5 s since the start: a probed scene, kept
    for (const [i, t] of [5.5, 6.5, 7.5].entries()) recording.add(t, flat(10 + i * 50));
    recording.mayCut(8); // 2.5 s: dropped
    recording.add(9, flat(20));
    expect(recording.size).toEqual({ signatures: 7, bytes: 7 * 24 });
    expect(recording.signatureAt(4.5)?.shownAtS).toBe(5);
    expect(recording.signatureAt(6, { fromS: 5.2, beforeS: 8 })).toBeNull();
    expect(recording.signatureAt(8, { fromS: 7, beforeS: 10 })?.shownAtS).toBe(9);
  });

  it('drops a stretch it is told of late, keeping the frames kept after its end and the bytes they share', () => {
    const recording = new SignatureRecording();
    for (const [t, level] of [[0, 0], [1, 100], [2, 5], [3, 5], [3.5, 60]] as const) recording.add(t, flat(level));
    expect(recording.size).toEqual({ signatures: 5, bytes: 4 * 24 });
    recording.mayCut(3); // told once 3.5 was kept: 0–3 s is too short for a probed scene
    expect(recording.size).toEqual({ signatures: 2, bytes: 2 * 24 });
    expect(recording.signatureAt(1, { fromS: 0, beforeS: 2.9 })).toBeNull();
    expect(recording.signatureAt(3)?.means[0]).toBe(5);
    expect(recording.signatureAt(3.2)?.shownAtS).toBe(3.5);
  });

  it('keeps the frames between two sparse ones only where a still picture steps to another', () => {
    const recording = new SignatureRecording();
    // 20 fps from 10 s on (a long stretch): a still picture (level 0) that steps to another (100) at 12.3 s, then
    // starts to move at 15 s (a new level every frame).
    const level = (t: number) => (t < 12.3 ? 0 : t < 15 ? 100 : 30 * Math.round(t * 20));
    for (let n = 0; n < 160; n++) {
      const timeS = 10 + n / 20;
      if (recording.wants(timeS)) recording.add(timeS, flat(level(timeS) % 256));
    }
    const shown = (from: number, to: number) => {
      const times = new Set<number>();
      for (let t = from; t < to; t += 0.05) times.add(recording.signatureAt(t)!.shownAtS!);
      return [...times];
    };
    // Still, moving: the sparse frames answer; at a step out of a still picture, every fine frame is still there.
    expect(shown(10, 12)).toEqual([10, 11, 12]);
    expect(shown(12.01, 13)).toEqual([12.25, 12.5, 12.75, 13]);
    expect(shown(13.01, 14)).toEqual([14]);
    expect(shown(14.01, 15)).toEqual([14.25, 14.5, 14.75, 15]);
    expect(shown(15.01, 16.9)).toEqual([16, 17]);
  });

  it('keeps means as whole levels, and a frame identical to the one before costs no bytes', () => {
    const recording = new SignatureRecording();
    recording.add(0, flat(10.4));
    recording.add(0.25, flat(10.3));
    recording.add(0.5, flat(11.6));
    expect(recording.size).toEqual({ signatures: 3, bytes: 2 * 24 });
    expect(recording.signatureAt(0.25)?.means[0]).toBe(10);
    expect(recording.signatureAt(0.5)?.means[0]).toBe(12);
  });

  it('stops at its byte budget, and leaves the later times to seeking', () => {
    const recording = new SignatureRecording(2 * 24);
    for (const [i, t] of [0, 0.25, 0.5, 0.75].entries()) recording.add(t, flat(i));
    expect(recording.size).toEqual({ signatures: 2, bytes: 48 });
    expect(recording.signatureAt(0.2)?.means[0]).toBe(1);
    expect(recording.signatureAt(0.3)).toBeNull();
  });

  it('finds the same change on eval-hard.mp4’s departure boards as seeking a frame at each probe time', async (context) => {
    if (!existsSync(EVAL_HARD)) return context.skip('⚠️ eval-hard.mp4 missing: run `npm run fixtures`');
    // The scenes the cut detector gives it: 4 s each, the two boards (8–12 s B12, 12–16 s B14) as one.
    const scenes = buildScenes([4, 8, 16, 20, 24], 28);
    const recording = await recordVideo(EVAL_HARD, 17, [4, 8, 16]);
    const seek = async (t: number) => frameSignature(decodeWithFfmpeg(['-ss', t.toFixed(3), '-i', EVAL_HARD], "scale='min(1280,iw)':-2"));
    const seekedTimes: number[] = [];
    let answered = 0;
    const recorded = await locateStillChanges(scenes, async (t, window) => {
      const kept = recording.signatureAt(t, window);
      if (kept) answered++;
      else seekedTimes.push(t);
      return kept ?? seek(t);
    });
    const seeked = await locateStillChanges(scenes, seek);
    expect(seeked).toHaveLength(1);
    expect(recorded).toEqual(seeked);
    // The change comes 4 s after the cut, where a frame is kept every second: the finer bisection steps are decoded,
    // and so is the kept frame they are compared with.
    expect(answered).toBeGreaterThanOrEqual(5);
    expect(seekedTimes.length).toBeLessThanOrEqual(4);
    expect(recorded[0]! - 12).toBeGreaterThanOrEqual(0);
    expect(recorded[0]! - 12).toBeLessThanOrEqual(LOCATE_PRECISION_S);
    const { signatures, bytes } = recording.size;
    // The two 4 s scenes before the boards are too short to be probed: their frames were dropped.
    expect(recording.signatureAt(2, { fromS: 0, beforeS: 4 })).toBeNull();
    expect(recording.signatureAt(6, { fromS: 4, beforeS: 8 })).toBeNull();
    expect(signatures).toBeLessThan(9 / RECORD_INTERVAL_S);
    // The boards' frozen frames share their bytes; 172,800 bytes each at 16:9.
    expect(bytes % (320 * 180 * 3)).toBe(0);
    console.info(`eval-hard.mp4, 17 s: ${signatures} signatures kept in ${bytes} bytes (${bytes / (320 * 180 * 3)} distinct); ${answered} probe frames from them, ${seekedTimes.length} sought`);
  });
});

/**
 * Every frame of the first `seconds` of a 25 fps video, at analysis size, offered to a recording in order, as the cut
 * pass does: `cutsS` stand for the frames that may be cuts.
 */
async function recordVideo(path: string, seconds: number, cutsS: number[]): Promise<SignatureRecording> {
  const [width, height, fps] = [1280, 720, 25];
  const frameBytes = width * height * 4;
  const recording = new SignatureRecording();
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-i', path, '-t', String(seconds), '-vf', "scale='min(1280,iw)':-2", '-pix_fmt', 'rgba', '-f', 'rawvideo', '-']);
  let frame = Buffer.alloc(frameBytes);
  let filled = 0;
  let n = 0;
  for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(frameBytes - filled, chunk.length - at);
      chunk.copy(frame, filled, at, at + take);
      filled += take;
      at += take;
      if (filled < frameBytes) continue;
      const timeS = n++ / fps;
      if (cutsS.some((c) => Math.abs(c - timeS) < 1e-6)) recording.mayCut(timeS);
      if (recording.wants(timeS)) recording.add(timeS, frameSignature({ width, height, data: new Uint8ClampedArray(frame.buffer, frame.byteOffset, frameBytes) }));
      frame = Buffer.alloc(frameBytes);
      filled = 0;
    }
  }
  expect(n).toBe(seconds * fps);
  return recording;
}
