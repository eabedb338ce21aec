/// <reference lib="webworker" />
/**
 * The media worker: probing, scene cuts, thumbnails and audio with ffmpeg.wasm, exposed with comlink.
 * Create it through `createMediaClient()` (client.ts), which restores MediaErrors and proxies callbacks.
 */
import * as Comlink from 'comlink';
import { cutDetectionArgs, parseCutLog } from './cut-log.ts';
import { FfmpegEngine, lastLines, OUTPUT_DIR, type RunResult } from './engine.ts';
import { parseProbeLog, validateProbe, validateSize } from './probe.ts';
import { MediaError, type ProbeInfo } from './types.ts';
import { toWire } from './wire.ts';

const engine = new FfmpegEngine();

/** Thumbnail: at most 320 px wide, square pixels, display aspect kept, both sides even. */
const FRAME_FILTER = "scale=w='trunc(min(320,iw*sar)/2)*2':h='trunc(ow/dar/2)*2',setsar=1";
const FRAME_PATH = `${OUTPUT_DIR}/frame.jpg`;
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
  const report = progressReporter(onProgress);
  try {
    return await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        const result = await engine.run(
          [...LOG, ...cutDetectionArgs(path)],
          (seconds) => report(seconds / info.durationS),
        );
        if (result.code !== 0) throw decodeFailure('looking for scene cuts', result);
        report(1);
        return parseCutLog(result.lines);
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
 * 16 kHz mono PCM of the first audio stream; null when the file has none. Pass the ProbeInfo when you have
 * it, else the file is probed first.
 */
async function extractAudio(
  file: File,
  onProgress?: (fraction: number) => void,
  info?: ProbeInfo,
): Promise<Float32Array | null> {
  const report = progressReporter(onProgress);
  try {
    validateSize(file.size);
    const pcm = await engine.exclusive(() =>
      engine.withInput(file, async (path) => {
        const known = info ?? (await probeMounted(path));
        if (known.audioCodec === null) return null;
        // s16 inside ffmpeg (half the memory of f32 for long files), widened to float here.
        const result = await engine.run(
          [...LOG, '-i', path, '-vn', '-sn', '-dn', '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 's16le', AUDIO_PATH],
          (seconds) => report(seconds / known.durationS),
        );
        try {
          if (result.code !== 0) throw decodeFailure('extracting the audio', result);
          const bytes = await engine.readOutput(AUDIO_PATH);
          if (bytes === null) throw decodeFailure('extracting the audio', result);
          return toFloat32(bytes);
        } finally {
          await engine.removeOutput(AUDIO_PATH);
        }
      }),
    );
    report(1);
    return pcm && Comlink.transfer(pcm, [pcm.buffer]);
  } finally {
    release(onProgress);
  }
}

const mediaApi = {
  probe: guarded(probe),
  detectCuts: guarded(detectCuts),
  extractFrames: guarded(extractFrames),
  extractAudio: guarded(extractAudio),
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
async function extractFrame(path: string, timeS: number): Promise<Uint8Array> {
  const encode = (seek: string[]) =>
    engine.run([...LOG, ...seek, '-i', path, '-an', '-sn', '-dn', '-frames:v', '1', '-vf', FRAME_FILTER, '-q:v', '5', '-f', 'image2', '-update', '1', FRAME_PATH]);
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
    `The video could not be decoded while ${action} — the file may be damaged. (ffmpeg: ${lastLines(lines)})`,
  );
}

function toFloat32(bytes: Uint8Array): Float32Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** Calls `onProgress` with a fraction in [0, 1], at most once per percent, never backwards. */
function progressReporter(onProgress?: (fraction: number) => void): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    if (!onProgress || !Number.isFinite(fraction)) return;
    const clamped = Math.min(1, Math.max(0, fraction));
    if (clamped < 1 && clamped - last < 0.01) return;
    if (clamped <= last) return;
    last = clamped;
    // Across comlink this is an async call; a failure in the caller's callback must not break the job.
    void Promise.resolve()
      .then(() => onProgress(clamped))
      .catch(() => undefined);
  };
}

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
