// The stages that give scenes their meaning with on-device models: visual embedding, on-screen text,
// faces, speech, and the meaning of what was said and shown (TEXT_INDEX, after the two that write text). Each reads the keyframes stored by THUMBNAILS (or the audio from AUDIO_EXTRACT),
// runs its model once per frame in the ML worker, and returns its writes. A missing model skips the
// stage with the worker's reason: the video is still INDEXED, and Re-index fills it in later.
import { assignSegmentsToScenes } from '../ml/asr/scenes.ts';
import type { MlClient } from '../ml/client.ts';
import type { ModelTask } from '../ml/registry.ts';
import { isModelUnavailable } from '../ml/unavailable.ts';
import type { DbApi } from '../db/api.ts';
import type { SceneTimes } from '../db/scenes.ts';
import { StageFailure, type PipelineStage, type StageResult } from './runner.ts';
import { extractAudioToStore, type MediaStageContext } from './stages.ts';

/** On-screen text lines below this recogniser confidence are dropped (PP-OCR's own drop score). */
export const OCR_MIN_CONFIDENCE = 0.6;

export interface UnderstandingContext extends MediaStageContext {
  reads: Pick<DbApi, 'getProbe' | 'listSceneTimes' | 'listStages' | 'listSceneTexts'>;
  ml: Pick<MlClient, 'ocr' | 'faces' | 'embedImages' | 'transcribe' | 'embedMeaning'>;
  getKeyframes(videoId: string, idxs: number[]): Promise<(Uint8Array | null)[]>;
  /** The stored 16 kHz float32 audio as a file (read window by window by whoever transcribes it). */
  getAudio(videoId: string): Promise<Blob | null>;
  /** Settles when no download of the task's model is under way: a model arriving is waited for, not skipped. */
  modelReady?(task: ModelTask): Promise<void>;
}

type Stage = PipelineStage<UnderstandingContext>;

/** A missing or broken model is an expected outcome: skip with the worker's reason. */
async function withModel(ctx: UnderstandingContext, task: ModelTask, work: () => Promise<StageResult>): Promise<StageResult> {
  await ctx.modelReady?.(task);
  try {
    return await work();
  } catch (error) {
    if (isModelUnavailable(error)) return { status: 'skipped', reason: error.message, fillable: true };
    throw error;
  }
}

async function keyframesOf(ctx: UnderstandingContext): Promise<{ scenes: SceneTimes[]; frames: Uint8Array[] }> {
  const scenes = await ctx.reads.listSceneTimes(ctx.videoId);
  if (scenes.length === 0) throw new StageFailure('No scenes were found in this video.');
  const stored = await ctx.getKeyframes(
    ctx.videoId,
    scenes.map((s) => s.idx),
  );
  if (stored.some((f) => f === null)) {
    throw new StageFailure('The keyframes of this video are missing from this browser: delete the video and import it again.');
  }
  return { scenes, frames: stored as Uint8Array[] };
}

/** Joins recognised lines into one searchable text per frame, best lines only. */
export function ocrTextOf(lines: { text: string; confidence: number }[], minConfidence = OCR_MIN_CONFIDENCE): string {
  return lines
    .filter((l) => l.confidence >= minConfidence && l.text.trim() !== '')
    .map((l) => l.text.trim())
    .join('\n');
}

const visionEmbed: Stage = {
  stage: 'VISION_EMBED',
  run: (ctx) =>
    withModel(ctx, 'visual', async () => {
      const { scenes, frames } = await keyframesOf(ctx);
      const { modelId, vectors } = await ctx.ml.embedImages(frames, ctx.onProgress);
      return {
        status: 'done',
        writes: [{ kind: 'imageVectors', modelId, vectors: scenes.map((s, i) => ({ idx: s.idx, vector: vectors[i]! })) }],
      };
    }),
};

const ocr: Stage = {
  stage: 'OCR',
  run: (ctx) =>
    withModel(ctx, 'ocr', async () => {
      const { scenes, frames } = await keyframesOf(ctx);
      const { lines } = await ctx.ml.ocr(frames, ctx.onProgress);
      return {
        status: 'done',
        writes: [{ kind: 'ocrText', texts: scenes.map((s, i) => ({ idx: s.idx, text: ocrTextOf(lines[i] ?? []) })) }],
      };
    }),
};

const faceDetect: Stage = {
  stage: 'FACE_DETECT',
  run: (ctx) =>
    withModel(ctx, 'faces', async () => {
      const { scenes, frames } = await keyframesOf(ctx);
      const { modelId, faces } = await ctx.ml.faces(frames, ctx.onProgress);
      return {
        status: 'done',
        writes: [
          {
            kind: 'faces',
            modelId,
            faces: scenes.flatMap((s, i) =>
              (faces[i] ?? []).map((f) => ({ idx: s.idx, box: f.box, score: f.score, descriptor: f.descriptor, crop: f.crop })),
            ),
          },
        ],
      };
    }),
};

/**
 * Groups the faces FACE_DETECT stored into people. No model runs: the grouping is SQL, written in the
 * same transaction as the job (the 'people' write). Skipped, fillable, when FACE_DETECT was skipped
 * for a missing model, so that Re-index runs both once the model is installed.
 */
const faceEmbed: Stage = {
  stage: 'FACE_EMBED',
  async run(ctx) {
    const detect = (await ctx.reads.listStages(ctx.videoId)).find((job) => job.stage === 'FACE_DETECT');
    if (detect?.skippedReason) return { status: 'skipped', reason: detect.skippedReason, fillable: detect.fillable };
    return { status: 'done', writes: [{ kind: 'people' }] };
  },
};

const asr: Stage = {
  stage: 'ASR_FAST',
  run: (ctx) =>
    withModel(ctx, 'speech', async () => {
      const probe = await ctx.reads.getProbe(ctx.videoId);
      if (probe && probe.audioCodec === null) return { status: 'skipped', reason: 'The video has no sound.' };
      // The audio is removed once speech has run (app/library.ts): a stage run again takes it from the copy anew.
      let audio = await ctx.getAudio(ctx.videoId);
      if (!audio && probe && (await extractAudioToStore(ctx, probe)) !== null) audio = await ctx.getAudio(ctx.videoId);
      if (!audio) return { status: 'skipped', reason: 'The video has no sound.' };
      const scenes = await ctx.reads.listSceneTimes(ctx.videoId);
      // The file itself crosses to the ML worker (a handle, not the samples): nothing is read when no speech model is installed.
      const { transcript } = await ctx.ml.transcribe(audio, ctx.onProgress);
      const perScene = assignSegmentsToScenes(transcript.segments, scenes);
      return {
        status: 'done',
        writes: [
          {
            kind: 'transcript',
            language: transcript.language,
            segments: transcript.segments,
            sceneTexts: [...perScene].map(([idx, text]) => ({ idx, text })),
          },
        ],
      };
    }),
};

/**
 * The meaning of each scene: one sentence embedding of what was said and what is written on screen, so a query in
 * other words (or another language) finds it. Runs after ASR_FAST and OCR, whose text it embeds; a re-index that
 * runs either again runs this too (reindexVideo). A video with no text at all has nothing to embed.
 */
const textIndex: Stage = {
  stage: 'TEXT_INDEX',
  async run(ctx) {
    const texts = await ctx.reads.listSceneTexts(ctx.videoId);
    const withText = texts.filter((t) => t.text !== '');
    if (withText.length === 0) {
      // Nothing to embed; any vector left from an earlier text is cleared (it no longer stands for the scene).
      return { status: 'skipped', reason: 'No words were found in this video.', writes: [{ kind: 'textVectors', modelId: null, vectors: texts.map((t) => ({ idx: t.idx, vector: null })) }] };
    }
    return withModel(ctx, 'meaning', async () => {
      const { modelId, vectors } = await ctx.ml.embedMeaning(withText.map((t) => t.text), ctx.onProgress);
      const byIdx = new Map(withText.map((t, i) => [t.idx, vectors[i]!]));
      return {
        status: 'done',
        writes: [{ kind: 'textVectors', modelId, vectors: texts.map((t) => ({ idx: t.idx, vector: byIdx.get(t.idx) ?? null })) }],
      };
    });
  },
};

/** In pipeline order (the order of the job_stage enum). */
export const UNDERSTANDING_STAGES: readonly Stage[] = [visionEmbed, ocr, faceDetect, faceEmbed, asr, textIndex];
