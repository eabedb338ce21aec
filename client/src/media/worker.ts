/// <reference lib="webworker" />
/**
 * The media worker: probing, scene cuts, thumbnails, audio and clip export with ffmpeg.wasm, exposed with comlink. Scene cuts
 * of MP4/MOV files take the faster WebCodecs path (webcodecs/) when the browser can decode them.
 * Create it through `createMediaClient()` (client.ts), which restores MediaErrors and proxies callbacks.
 */
import * as Comlink from 'comlink';
import { cutDetectionArgs, parseCutLog } from './cut-log.ts';
import { FfmpegEngine, lastLines, OUTPUT_DIR, type RunResult } from './engine.ts';
import { parseProbeLog, validateProbe, validateSize } from './probe.ts';
import { ANALYSIS_FILTER } from './analysis-size.ts';
import { SignatureRecording } from './signature-recording.ts';
import { locateStillChanges } from './still-changes.ts';
import { MediaError, type CutDetection, type CutDetectionOptions, type ProbeInfo, type SceneSpan, type StillChanges } from './types.ts';
import { detectCutsWebCodecs } from './webcodecs/detect.ts';
import { recordInto } from './webcodecs/record.ts';
import { WebCodecsUnsupported } from './webcodecs/unsupported.ts';
import { toWire } from './wire.ts';
import { messageOf } from '../errors.ts';
import { decodeImage } from '../ml/image.ts';
import { frameSignature } from '../ml/near-duplicates.ts';
import { crashThisWorker } from '../worker-crash.ts';

const engine = new FfmpegEngine();

/** Thumbnail: at most 320 px wide, square pixels, display aspect kept, both sides even. */
const FRAME_FILTER = "scale=w='trunc(min(320,iw*sar)/2)*2':h='trunc(ow/dar/2)*2',setsar=1";
const FRAME_PATH = `${OUTPUT_DIR}/frame.jpg`;
const THUMBNAIL_MAX_WIDTH = 320;
const AUDIO_PATH = `${OUTPUT_DIR}/audio.pcm`;
/** Every command whose log we read says -loglevel info: one quieter call would lower it for the whole instance. */
const LOG = ['-hide_banner', '-loglevel', 'info'];

async function probe(file: File): Promise<ProbeInfo> {
  validateSize(file.size);
  return engine.exclusive(() =>
    engine.withInput(file, async (path) => {
      const info = await probeMounted(path);
      validateProbe(info, file.size);
      return info;
    }),
  );
}

async function detectCuts(file: File, info: ProbeInfo, onProgress?: (fraction: number) => void): Promise<number[]> {
  return (await detectCutsDetailed(file, info, onProgress)).cutsS;
}

/** `detectCuts`, choosing the method (see CutDetectionOptions) and saying which one ran. */
async function detectCutsDetailed(
  file: File,
  info: ProbeInfo,
  onProgress?: (fraction: number) => void,
  options: CutDetectionOptions = {},
): Promise<CutDetection> {
  const method = options.method ?? 'auto';
  // One reporter for both attempts: progress never goes backwards when WebCodecs gives up half-way.
  const report = progressReporter(onProgress);
  recorded = null;
  try {
    let fallbackReason: string | null = null;
    if (method === 'webcodecs' || (method === 'auto' && isMp4Family(info))) {
      try {
        const recording = new SignatureRecording();
        const { cutsS, frames, strongest } = await detectCutsWebCodecs(file, report, recordInto(recording));
        recorded = { file: fileKey(file), recording };
        report(1);
        return { cutsS, method: 'webcodecs', fallbackReason: null, webcodecs: { frames, strongest } };
      } catch (error) {
        if (method === 'webcodecs') throw error;
        fallbackReason = messageOf(error);
        // An expected refusal (codec, container) is routine; anything else is worth a line in the console.
        if (!(error instanceof WebCodecsUnsupported)) console.warn('WebCodecs cut detection failed; using ffmpeg.wasm.', error);
      }
    } else if (method === 'auto') {
      fallbackReason = `WebCodecs path reads MP4/MOV only (this is ${info.container || 'unknown'})`;
    }
    const cutsS = await detectCutsFfmpeg(file, info, report);
    return { cutsS, method: 'ffmpeg', fallbackReason };
  } finally {
    release(onProgress);
  }
}

/**
 * The signatures the last WebCodecs cut pass kept (signature-recording.ts), for the findStillChanges call that follows
 * it on the same file (SCENE_DETECT makes both calls, one after the other). One video's at a time: the next cut pass
 * drops them, and findStillChanges takes them.
 */
let recorded: { file: string; recording: SignatureRecording } | null = null;

const fileKey = (file: File) => JSON.stringify([file.name, file.size, file.lastModified]);

function takeRecording(file: File): SignatureRecording | null {
  const taken = recorded?.file === fileKey(file) ? recorded.recording : null;
  recorded = null;
  return taken;
}

/** ffmpeg's demuxer name for MP4/MOV/3GP is 'mov,mp4,m4a,3gp,3g2,mj2'. */
function isMp4Family(info: ProbeInfo): boolean {
  return info.container.split(',').some((name) => name === 'mov' || name === 'mp4');
}

async function detectCutsFfmpeg(file: File, info: ProbeInfo, report: (fraction: number) => void): Promise<number[]> {
  return engine.exclusive(() =>
    engine.withInput(file, async (path) => {
      const result = await engine.run([...LOG, ...cutDetectionArgs(path)], (seconds) => report(seconds / info.durationS));
      if (result.code !== 0) throw decodeFailure('looking for scene cuts', result);
      report(1);
      return parseCutLog(result.lines);
    }),
  );
}

/**
 * Where a still picture inside one of `scenes` turns into another that differs only in a detail (still-changes.ts):
 * cuts `detectCuts` cannot see. Probe frames are analysis-size keyframes, as the near-duplicate threshold was measured on:
 * those the WebCodecs cut pass just kept for this file, else each one sought and decoded by ffmpeg.wasm.
 */
async function findStillChanges(
  file: File,
  info: ProbeInfo,
  scenes: SceneSpan[],
  onProgress?: (fraction: number) => void,
): Promise<StillChanges> {
  const report = progressReporter(onProgress);
  const recording = takeRecording(file);
  try {
    return await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        let framesDecoded = 0;
        let framesRecorded = 0;
        const changesS = await locateStillChanges(
          scenes,
          async (timeS, window) => {
            const kept = recording?.signatureAt(timeS, window);
            if (kept) {
              framesRecorded++;
              return kept;
            }
            framesDecoded++;
            return frameSignature(await decodeImage(await extractFrame(path, timeS, ANALYSIS_FILTER, '3')));
          },
          { onProgress: report, frameIntervalS: info.fps > 0 ? 1 / info.fps : 0 },
        );
        report(1);
        return { changesS, framesDecoded, framesRecorded, recordedBytes: recording?.size.bytes ?? 0 };
      }),
    );
  } finally {
    release(onProgress);
  }
}

async function extractFrames(file: File, timesS: number[], onProgress?: (fraction: number) => void): Promise<Uint8Array[]> {
  const report = progressReporter(onProgress);
  try {
    const frames = await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        const frames: Uint8Array[] = [];
        for (const [i, timeS] of timesS.entries()) {
          frames.push(await extractFrame(path, timeS));
          report((i + 1) / timesS.length);
        }
        return frames;
      }),
    );
    return Comlink.transfer(frames, frames.map((frame) => frame.buffer));
  } finally {
    release(onProgress);
  }
}

/**
 * For each time, a thumbnail (≤ 320 px) and an analysis frame (≤ 1280 px) from one decode: a single
 * ffmpeg run splits the decoded picture into both sizes.
 */
async function extractKeyframes(
  file: File,
  timesS: number[],
  onProgress?: (fraction: number) => void,
): Promise<{ thumbnail: Uint8Array; frame: Uint8Array }[]> {
  const report = progressReporter(onProgress);
  try {
    const keyframes = await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        const out: { thumbnail: Uint8Array; frame: Uint8Array }[] = [];
        for (const [i, timeS] of timesS.entries()) {
          out.push(await extractKeyframe(path, timeS));
          report((i + 1) / timesS.length);
        }
        return out;
      }),
    );
    return Comlink.transfer(keyframes, keyframes.flatMap((k) => [k.thumbnail.buffer, k.frame.buffer]));
  } finally {
    release(onProgress);
  }
}

async function extractKeyframe(path: string, timeS: number): Promise<{ thumbnail: Uint8Array; frame: Uint8Array }> {
  const frame = await extractFrame(path, timeS, ANALYSIS_FILTER, '3');
  return { frame, thumbnail: await shrinkJpeg(frame, THUMBNAIL_MAX_WIDTH) };
}

/**
 * The thumbnail is made from the analysis frame with the browser's image codecs (~10 ms), not by a second
 * ffmpeg seek and decode. (A single ffmpeg run with `split` into two outputs crashed ffmpeg.wasm 0.12:
 * "memory access out of bounds".)
 */
async function shrinkJpeg(jpeg: Uint8Array, maxWidth: number): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
  try {
    const scale = Math.min(1, maxWidth / bitmap.width);
    const width = Math.max(2, Math.round((bitmap.width * scale) / 2) * 2);
    const height = Math.max(2, Math.round((bitmap.height * scale) / 2) * 2);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas in the media worker');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    bitmap.close();
  }
}

/**
 * Audio is decoded in windows of this many seconds, each its own ffmpeg run: ffmpeg.wasm writes its output
 * into memory, so one run over a 3-hour file would hold the whole track (345 MB of s16, then 691 MB as
 * float) at once. A window is 3.8 MB of s16 (7.7 MB as float) whatever the length of the video; a 3-hour
 * file takes 90 runs, each with a fraction of a second of start-up.
 */
const AUDIO_WINDOW_S = 120;
const AUDIO_SAMPLE_RATE = 16_000;

/**
 * 16 kHz mono PCM of the first audio stream, handed to `onChunk` window by window (each chunk transferred,
 * the next one decoded only once `onChunk` has settled). Returns the number of samples, or null when the
 * file has no audio. Pass the ProbeInfo when you have it, else the file is probed first.
 */
async function streamAudio(
  file: File,
  onChunk: (pcm: Float32Array) => unknown,
  onProgress?: (fraction: number) => void,
  info?: ProbeInfo,
): Promise<number | null> {
  const report = progressReporter(onProgress);
  try {
    validateSize(file.size);
    const samples = await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        const known = info ?? (await probeMounted(path));
        if (known.audioCodec === null) return null;
        let total = 0;
        for (let startS = 0; startS === 0 || startS < known.durationS; startS += AUDIO_WINDOW_S) {
          const pcm = await extractAudioWindow(path, startS, (seconds) => report((startS + seconds) / known.durationS));
          // A duration rounded up (or a shorter audio track) ends with an empty window: nothing more to read.
          if (pcm.length === 0 && startS > 0) break;
          total += pcm.length;
          await onChunk(Comlink.transfer(pcm, [pcm.buffer]));
        }
        return total;
      }),
    );
    report(1);
    return samples;
  } finally {
    release(onProgress);
    release(onChunk);
  }
}

/** The samples of [startS, startS + AUDIO_WINDOW_S) of the first audio stream, as float. */
async function extractAudioWindow(path: string, startS: number, onTime: (seconds: number) => void): Promise<Float32Array> {
  // s16 inside ffmpeg (half the memory of f32), widened to float here. Input seeking on audio is sample-exact
  // (ffmpeg decodes from before the point and drops what precedes it): with native ffmpeg, 2-minute windows of a
  // 10-minute AAC track gave exactly the samples of one run, within 22/32768 just after each seam (the decoder restarts).
  const seek = startS > 0 ? ['-ss', String(startS)] : [];
  const result = await engine.run(
    [...LOG, ...seek, '-i', path, '-t', String(AUDIO_WINDOW_S), '-vn', '-sn', '-dn', '-map', '0:a:0', '-ac', '1', '-ar', String(AUDIO_SAMPLE_RATE), '-f', 's16le', AUDIO_PATH],
    onTime,
  );
  try {
    if (result.code !== 0) throw decodeFailure('extracting the audio', result);
    const bytes = await engine.readOutput(AUDIO_PATH);
    if (bytes === null) throw decodeFailure('extracting the audio', result);
    return toFloat32(bytes);
  } finally {
    await engine.removeOutput(AUDIO_PATH);
  }
}

/**
 * The whole 16 kHz mono PCM at once (for short files and measurements; the pipeline streams it with
 * `streamAudio`); null when the file has no audio.
 */
async function extractAudio(
  file: File,
  onProgress?: (fraction: number) => void,
  info?: ProbeInfo,
): Promise<Float32Array | null> {
  const chunks: Float32Array[] = [];
  const samples = await streamAudio(file, (chunk) => chunks.push(chunk), onProgress, info);
  if (samples === null) return null;
  const pcm = new Float32Array(samples);
  let offset = 0;
  for (const chunk of chunks) {
    pcm.set(chunk, offset);
    offset += chunk.length;
  }
  return Comlink.transfer(pcm, [pcm.buffer]);
}

/** Containers a stream copy keeps as they are; anything else is cut into Matroska, which holds every codec. */
const CLIP_CONTAINERS: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

/**
 * The part [startS, endS] of a video as a file of its own, by stream copy: no re-encoding, so it takes
 * a moment whatever the length, and the quality is the original's. It starts at the keyframe at or before
 * `startS` (a copy cannot start between keyframes); scene starts are cuts, where encoders put one. The input
 * stays mounted (read on demand); only the clip is held in memory.
 */
async function exportClip(
  file: File,
  startS: number,
  endS: number,
  onProgress?: (fraction: number) => void,
): Promise<{ bytes: Uint8Array; extension: string; mime: string }> {
  const report = progressReporter(onProgress);
  try {
    if (!Number.isFinite(startS) || !Number.isFinite(endS) || startS < 0 || endS <= startS) {
      throw new Error(`A clip needs a start before its end (got ${startS}–${endS} s).`);
    }
    validateSize(file.size);
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
    const extension = ext in CLIP_CONTAINERS ? ext : 'mkv';
    const mime = CLIP_CONTAINERS[extension]!;
    const output = `${OUTPUT_DIR}/clip.${extension}`;
    const durationS = endS - startS;
    const bytes = await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        // The MP4 family gets its index up front (faststart), so the clip plays while it is still loading.
        const faststart = extension === 'mkv' || extension === 'webm' ? [] : ['-movflags', '+faststart'];
        const result = await engine.run(
          [...LOG, '-ss', startS.toFixed(3), '-i', path, '-t', durationS.toFixed(3), '-map', '0:v:0', '-map', '0:a:0?',
            '-c', 'copy', '-avoid_negative_ts', 'make_zero', ...faststart, output],
          (seconds) => report(seconds / durationS),
        );
        try {
          const written = result.code === 0 ? await engine.readOutput(output) : null;
          if (written === null || written.byteLength === 0) {
            throw new MediaError('unreadable', 'The clip could not be cut from this video.', `ffmpeg: ${lastLines(result.lines)}`);
          }
          return written;
        } finally {
          await engine.removeOutput(output);
        }
      }),
    );
    report(1);
    return Comlink.transfer({ bytes, extension, mime }, [bytes.buffer]);
  } finally {
    release(onProgress);
  }
}

const mediaApi = {
  probe: guarded(probe),
  detectCuts: guarded(detectCuts),
  detectCutsDetailed: guarded(detectCutsDetailed),
  findStillChanges: guarded(findStillChanges),
  extractFrames: guarded(extractFrames),
  extractKeyframes: guarded(extractKeyframes),
  extractAudio: guarded(extractAudio),
  streamAudio: guarded(streamAudio),
  exportClip: guarded(exportClip),
  /** Test-only: the client calls it only under automation (worker-crash.ts). */
  crash: crashThisWorker,
};
export type MediaApi = typeof mediaApi;

Comlink.expose(mediaApi);

/** What ffmpeg says about the mounted input (not validated: audio extraction accepts audio-only files). */
async function probeMounted(path: string): Promise<ProbeInfo> {
  // Without an output ffmpeg exits with 1 ("At least one output file must be specified") after printing
  // the input's description, which is all we need.
  const { lines } = await engine.run([...LOG, '-i', path]);
  return parseProbeLog(lines);
}

/** One JPEG at `timeS` (input seeking: fast, and exact since ffmpeg decodes from the keyframe before it). */
async function extractFrame(path: string, timeS: number, filter = FRAME_FILTER, quality = '5'): Promise<Uint8Array> {
  const encode = (seek: string[]) =>
    engine.run([...LOG, ...seek, '-i', path, '-an', '-sn', '-dn', '-frames:v', '1', '-vf', filter, '-q:v', quality, '-f', 'image2', '-update', '1', FRAME_PATH]);
  try {
    let result = await encode(['-ss', Math.max(0, timeS).toFixed(3)]);
    let frame = result.code === 0 ? await readFrame() : null;
    // A time at or past the end (durations are rounded) yields no frame: take one from the last second.
    if (result.code === 0 && frame === null) {
      result = await encode(['-sseof', '-1']);
      frame = result.code === 0 ? await readFrame() : null;
    }
    if (frame === null) throw decodeFailure(`taking a picture at ${timeS.toFixed(2)} s`, result);
    return frame;
  } finally {
    await engine.removeOutput(FRAME_PATH);
  }
}

/** The JPEG ffmpeg wrote, or null when it encoded nothing. */
async function readFrame(): Promise<Uint8Array | null> {
  const frame = await engine.readOutput(FRAME_PATH);
  return frame !== null && frame.byteLength > 0 ? frame : null;
}

/** A command that failed on a file that probed fine: the codec is missing, or the data is damaged. */
function decodeFailure(action: string, { lines }: RunResult): MediaError {
  const missing = lines.map((line) => /Decoder \(codec (\w+)\) not found/.exec(line)?.[1]).find(Boolean);
  if (missing) return new MediaError('unsupported', `This video uses the ${missing} codec, which Heimdex cannot decode.`);
  return new MediaError(
    'unreadable',
    'The video could not be decoded — the file may be damaged.',
    `While ${action}, ffmpeg said: ${lastLines(lines)}`,
  );
}

function toFloat32(bytes: Uint8Array): Float32Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/**
 * Calls `onProgress` with a fraction in [0, 1], never backwards: at most once per percent, except that any advance
 * is told after PROGRESS_HEARTBEAT_MS (a percent of a slow 3-hour decode can take many minutes, and the runner
 * stops a stage it hears nothing from: pipeline/stall-watchdog.ts).
 */
function progressReporter(onProgress?: (fraction: number) => void): (fraction: number) => void {
  let last = -1;
  let lastAt = 0;
  return (fraction) => {
    if (!onProgress || !Number.isFinite(fraction)) return;
    const clamped = Math.min(1, Math.max(0, fraction));
    if (clamped <= last) return;
    if (clamped < 1 && clamped - last < 0.01 && Date.now() - lastAt < PROGRESS_HEARTBEAT_MS) return;
    last = clamped;
    lastAt = Date.now();
    // Across comlink this is an async call; a failure in the caller's callback must not break the job.
    void Promise.resolve()
      .then(() => onProgress(clamped))
      .catch(() => undefined);
  };
}

const PROGRESS_HEARTBEAT_MS = 20_000;

/** Frees the comlink proxy the client created for a callback (a plain function when called in-process). */
function release(callback: unknown): void {
  const releaser = (callback as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof releaser === 'function') releaser.call(callback);
}

/** MediaErrors cross the boundary in the form client.ts restores (see wire.ts). */
function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw toWire(error);
    }
  };
}
