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
import { RECORD_INTERVAL_S, SignatureRecording } from './signature-recording.ts';
import { LOCATE_PRECISION_S, locateStillChanges } from './still-changes.ts';

const EVAL_HARD = join(import.meta.dirname, '../../../tests/fixtures/generated/eval/videos/eval-hard.mp4');

/** A 4 × 2-cell signature whose every mean is `level`. */
const flat = (level: number): FrameSignature => ({ width: 8, height: 4, columns: 4, rows: 2, means: new Float32Array(24).fill(level) });

describe('signature recording', () => {
  it('keeps the first frame at or after every interval and answers a time with the first kept frame at or after it', () => {
    const recording = new SignatureRecording();
    // 10 fps: frames at 0, 0.1, 0.2, …; each frame's level is its number.
    for (let n = 0; n < 10; n++) {
      const timeS = n / 10;
      if (recording.wants(timeS)) recording.add(timeS, flat(n));
    }
    expect(recording.size.signatures).toBe(4); // 0, 0.3, 0.5, 0.8
    const levelAt = (t: number) => recording.signatureAt(t)?.means[0];
    expect([levelAt(0), levelAt(0.05), levelAt(0.3), levelAt(0.31), levelAt(0.5), levelAt(0.7)]).toEqual([0, 3, 3, 5, 5, 8]);
    // Not finished: past the last kept frame is not known, the caller seeks.
    expect(recording.signatureAt(0.85)).toBeNull();
    recording.finish();
    expect(levelAt(0.85)).toBe(8);
    expect(recording.signatureAt(0.5)).toMatchObject({ width: 8, height: 4, columns: 4, rows: 2, shownAtS: 0.5 });
    // A kept frame shown too late for the caller (the next scene, the far end of a bisection): it seeks instead.
    expect(recording.signatureAt(0.31, 0.5)).toBeNull();
    expect(levelAt(0.31)).toBe(5);
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

  it('stops at its byte budget, and leaves the later times to seeking even when finished', () => {
    const recording = new SignatureRecording(2 * 24);
    for (const [i, t] of [0, 0.25, 0.5, 0.75].entries()) recording.add(t, flat(i));
    recording.finish();
    expect(recording.size).toEqual({ signatures: 2, bytes: 48 });
    expect(recording.signatureAt(0.2)?.means[0]).toBe(1);
    expect(recording.signatureAt(0.3)).toBeNull();
  });

  it('finds the same change on eval-hard.mp4’s departure boards as seeking a frame at each probe time', async (context) => {
    if (!existsSync(EVAL_HARD)) return context.skip('⚠️ eval-hard.mp4 missing: run `npm run fixtures`');
    // The scenes the cut detector gives it: 4 s each, the two boards (8–12 s B12, 12–16 s B14) as one.
    const scenes = buildScenes([4, 8, 16, 20, 24], 28);
    const recording = await recordVideo(EVAL_HARD, 17);
    const seek = async (t: number) => frameSignature(decodeWithFfmpeg(['-ss', t.toFixed(3), '-i', EVAL_HARD], "scale='min(1280,iw)':-2"));
    const seekedTimes: number[] = [];
    let answered = 0;
    const recorded = await locateStillChanges(scenes, async (t, beforeS) => {
      const kept = recording.signatureAt(t, beforeS);
      if (kept) answered++;
      else seekedTimes.push(t);
      return kept ?? seek(t);
    });
    const seeked = await locateStillChanges(scenes, seek);
    expect(seeked).toHaveLength(1);
    expect(recorded).toEqual(seeked);
    // Every probe and bisection step answered from the recording.
    expect(seekedTimes).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(5);
    expect(recorded[0]! - 12).toBeGreaterThanOrEqual(0);
    expect(recorded[0]! - 12).toBeLessThanOrEqual(LOCATE_PRECISION_S);
    const { signatures, bytes } = recording.size;
    // A kept frame per interval (the boards' frozen frames share their bytes), 172,800 bytes each at 16:9.
    expect(signatures).toBe(Math.round(17 / RECORD_INTERVAL_S));
    expect(bytes % (320 * 180 * 3)).toBe(0);
    console.info(`eval-hard.mp4, 17 s: ${signatures} signatures kept in ${bytes} bytes (${bytes / (320 * 180 * 3)} distinct)`);
  });
});

/** Every frame of the first `seconds` of a 25 fps video, at analysis size, offered to a recording in order. */
async function recordVideo(path: string, seconds: number): Promise<SignatureRecording> {
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
      if (recording.wants(timeS)) recording.add(timeS, frameSignature({ width, height, data: new Uint8ClampedArray(frame.buffer, frame.byteOffset, frameBytes) }));
      frame = Buffer.alloc(frameBytes);
      filled = 0;
    }
  }
  expect(n).toBe(seconds * fps);
  return recording;
}
