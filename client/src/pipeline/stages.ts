// The stages of this slice and what each one does with the media worker. Each returns its results
// as writes; the runner stores them together with the job's completion in one transaction.
// Bad input is an expected outcome (`failed` with the media worker's human message); only the
// unexpected is thrown.
import type { DbApi } from '../db/api.ts';
import type { SceneTimes } from '../db/scenes.ts';
import type { ProbeRecord } from '../db/stage-writes.ts';
import type { AudioWriter } from '../files/store.ts';
import type { MediaClient } from '../media/client.ts';
import type { ProbeInfo } from '../media/types.ts';
import { validateProbe } from '../media/probe.ts';
import { buildScenes, chooseKeyframes } from '../media/scenes.ts';
import { MediaError } from '../media/types.ts';
import { StageFailure, type PipelineStage, type StageResult, type StageRun } from './runner.ts';

/** Sample rate of the PCM the media worker extracts (what speech models take). */
export const AUDIO_SAMPLE_RATE = 16_000;

/** What a stage of this slice works with, besides the run itself. */
export interface MediaStageContext extends StageRun {
  /** The video's bytes as stored in this browser (OPFS). */
  file: File;
  media: Pick<MediaClient, 'probe' | 'detectCuts' | 'findStillChanges' | 'extractKeyframes' | 'streamAudio'>;
  /** Read access to what earlier stages stored. */
  reads: Pick<DbApi, 'getProbe' | 'listSceneTimes'>;
  /** Opens the video's audio file for writing, chunk by chunk as the media worker decodes it. */
  writeAudio(videoId: string): Promise<AudioWriter>;
  /** Analysis-size keyframes (≤ 1280 px) for the model stages; thumbnails go to the database. */
  saveKeyframes(videoId: string, frames: { idx: number; jpeg: Uint8Array }[]): Promise<void>;
}

type Stage = PipelineStage<MediaStageContext>;

/**
 * SCENE_DETECT's progress bar: the cuts' share of the stage. On the WebCodecs path (MP4/MOV) the still-change probes
 * are read from signatures the cut pass kept (media/signature-recording.ts): bench, 60 s 720p, cuts 1.4 s and 24
 * probes 0.015 s. Elsewhere each probe is an ffmpeg.wasm seek, decode and JPEG round trip (~0.15 s at 720p) beside a
 * slower cut pass: eval-hard.mp4 as MKV, cuts 2.0 s and 8 probes 0.5 s.
 */
const CUTS_SHARE = 0.85;

/** A bad or unsupported file is an expected failure with the media worker's message; aborts and the rest are thrown. */
function asFailure(error: unknown): StageResult {
  if (error instanceof MediaError && error.kind !== 'aborted') return { status: 'failed', reason: error.message, details: error.details };
  throw error;
}

async function probeOf(ctx: MediaStageContext): Promise<ProbeRecord> {
  const probe = await ctx.reads.getProbe(ctx.videoId);
  if (!probe) throw new StageFailure('The file has not been checked yet: retry the video.', { retryable: true });
  return probe;
}

async function scenesOf(ctx: MediaStageContext): Promise<SceneTimes[]> {
  const scenes = await ctx.reads.listSceneTimes(ctx.videoId);
  if (scenes.length === 0) throw new StageFailure('No scenes were found in this video.');
  return scenes;
}

const uploadValidate: Stage = {
  stage: 'UPLOAD_VALIDATE',
  async run(ctx) {
    try {
      const info = await ctx.media.probe(ctx.file);
      validateProbe(info, ctx.file.size);
      return { status: 'done', writes: [{ kind: 'probe', probe: info }] };
    } catch (error) {
      return asFailure(error);
    }
  },
};

/**
 * Decodes the video's audio into its stored file, window by window (never the whole track in memory). Returns the
 * number of samples written, or null when the video has no sound (then nothing is stored).
 */
export async function extractAudioToStore(
  ctx: Pick<MediaStageContext, 'file' | 'media' | 'videoId' | 'writeAudio'>,
  probe: ProbeInfo,
  onProgress?: (fraction: number) => void,
): Promise<number | null> {
  const writer = await ctx.writeAudio(ctx.videoId);
  // A failed write (storage full) reaches us through the media worker, which would hand back only its message:
  // keep the error itself, so that the stage fails the way every full-storage write does.
  let writeError: unknown = null;
  const write = async (pcm: Float32Array) => {
    try {
      await writer.write(pcm);
    } catch (error) {
      writeError ??= error;
      throw error;
    }
  };
  try {
    const samples = await ctx.media.streamAudio(ctx.file, write, onProgress, probe);
    if (samples === null) await writer.abort();
    else await writer.close();
    return samples;
  } catch (error) {
    await writer.abort();
    throw writeError ?? error;
  }
}

const audioExtract: Stage = {
  stage: 'AUDIO_EXTRACT',
  async run(ctx) {
    const probe = await probeOf(ctx);
    if (probe.audioCodec === null) return { status: 'skipped', reason: 'The video has no sound.', writes: [{ kind: 'audio', audio: null }] };
    ctx.signal.throwIfAborted();
    try {
      const samples = await extractAudioToStore(ctx, probe, ctx.onProgress);
      if (samples === null) return { status: 'skipped', reason: 'The video has no sound.', writes: [{ kind: 'audio', audio: null }] };
      ctx.signal.throwIfAborted();
      return { status: 'done', writes: [{ kind: 'audio', audio: { sampleRate: AUDIO_SAMPLE_RATE, samples } }] };
    } catch (error) {
      return asFailure(error);
    }
  },
};

const sceneDetect: Stage = {
  stage: 'SCENE_DETECT',
  async run(ctx) {
    const probe = await probeOf(ctx);
    ctx.signal.throwIfAborted();
    try {
      const cuts = await ctx.media.detectCuts(ctx.file, probe, (fraction) => ctx.onProgress(fraction * CUTS_SHARE));
      ctx.signal.throwIfAborted();
      const changesS = await stillChanges(ctx, probe, cuts);
      const scenes = buildScenes([...cuts, ...changesS], probe.durationS);
      if (scenes.length === 0) return { status: 'failed', reason: 'No scenes were found in this video.' };
      return { status: 'done', writes: [{ kind: 'scenes', scenes }] };
    } catch (error) {
      return asFailure(error);
    }
  },
};

/**
 * Cuts between two stills that differ in a detail (a gate number, a slide's line) are invisible to the cut
 * detector: a few probe frames of each long scene find them (media/still-changes.ts). They only refine the cuts,
 * so a probe frame the video engine cannot take (a damaged spot, an engine crash) costs the refinement, never the
 * video's scenes.
 */
async function stillChanges(ctx: MediaStageContext, probe: ProbeInfo, cutsS: number[]): Promise<number[]> {
  try {
    const { changesS } = await ctx.media.findStillChanges(ctx.file, probe, buildScenes(cutsS, probe.durationS), (fraction) =>
      ctx.onProgress(CUTS_SHARE + fraction * (1 - CUTS_SHARE)),
    );
    return changesS;
  } catch (error) {
    if (ctx.signal.aborted || (error instanceof MediaError && error.kind === 'aborted')) throw error;
    console.warn('Looking for changes between similar stills failed; the detected cuts are kept.', error);
    return [];
  }
}

const keyframes: Stage = {
  stage: 'KEYFRAMES',
  async run(ctx) {
    const scenes = await scenesOf(ctx);
    const times = chooseKeyframes(scenes);
    return {
      status: 'done',
      writes: [{ kind: 'keyframes', keyframes: scenes.map((s, i) => ({ idx: s.idx, keyframeS: times[i]! })) }],
    };
  },
};

/**
 * Keyframes are decoded and stored this many at a time: the analysis frames (≤ 1280 px, ~100–200 KB each) of a
 * long video with thousands of scenes are never all in memory; only the small thumbnails wait for the stage's write.
 */
export const KEYFRAME_BATCH = 32;

const thumbnails: Stage = {
  stage: 'THUMBNAILS',
  async run(ctx) {
    const scenes = await scenesOf(ctx);
    const chosen = chooseKeyframes(scenes);
    const times = scenes.map((s, i) => s.keyframeS ?? chosen[i]!);
    const thumbnails: { idx: number; jpeg: Uint8Array }[] = [];
    try {
      for (let start = 0; start < scenes.length; start += KEYFRAME_BATCH) {
        ctx.signal.throwIfAborted();
        const batch = scenes.slice(start, start + KEYFRAME_BATCH);
        const keyframes = await ctx.media.extractKeyframes(ctx.file, times.slice(start, start + KEYFRAME_BATCH), (fraction) =>
          ctx.onProgress((start + fraction * batch.length) / scenes.length),
        );
        if (keyframes.length !== batch.length) {
          throw new Error(`expected ${batch.length} keyframes, the media worker made ${keyframes.length}`);
        }
        ctx.signal.throwIfAborted();
        await ctx.saveKeyframes(
          ctx.videoId,
          batch.map((s, i) => ({ idx: s.idx, jpeg: keyframes[i]!.frame })),
        );
        thumbnails.push(...batch.map((s, i) => ({ idx: s.idx, jpeg: keyframes[i]!.thumbnail })));
      }
      return { status: 'done', writes: [{ kind: 'thumbnails', thumbnails }] };
    } catch (error) {
      return asFailure(error);
    }
  },
};

export const FINALIZE_STAGE: Stage = {
  stage: 'FINALIZE',
  async run(ctx) {
    // Completing the last stage makes the video INDEXED (in the same transaction).
    await scenesOf(ctx);
    return { status: 'done' };
  },
};

/** The stages that work on the video file itself, in pipeline order (FINALIZE comes after the models). */
export const MEDIA_STAGES: readonly Stage[] = [uploadValidate, audioExtract, sceneDetect, keyframes, thumbnails];
