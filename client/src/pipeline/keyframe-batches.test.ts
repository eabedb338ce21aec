// @vitest-environment node
// The model stages over a long video's keyframes, on a real in-memory PGlite: they read the stored keyframes and
// hand them to the ML worker a batch at a time (never all at once: an hour of scenes is hundreds of megabytes of
// frames), tell the worker which batches continue a run, keep the scenes' order, and report progress over the whole.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { probe, videoSteps } from '../db/testing-steps.ts';
import type { KeyframeCallOptions } from '../ml/skips.ts';
import { StageFailure } from './runner.ts';
import { KEYFRAME_BATCH } from './stages.ts';
import { UNDERSTANDING_STAGES, type UnderstandingContext } from './understanding.ts';

const SCENES = 2 * KEYFRAME_BATCH + 6;
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'OCR', 'VISION_EMBED', 'FINALIZE'];
const stage = (name: JobStage) => UNDERSTANDING_STAGES.find((s) => s.stage === name)!;

let pg: PGlite;
let api: DbApi;
const { importVideo, runStage } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

async function longVideo(): Promise<string> {
  const videoId = await importVideo('sha-long', 'Long', STAGES);
  const scenes = Array.from({ length: SCENES }, (_, idx) => ({ idx, startS: idx * 2, endS: idx * 2 + 2 }));
  await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe: { ...probe, durationS: SCENES * 2 } }] });
  await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes }] });
  return videoId;
}

/** A keyframe is one byte, its scene's index: what a model "reads" in it tells which frame it was given. */
function context(videoId: string, missing?: number) {
  const requested: number[][] = [];
  const ocrCalls: { frames: number; continues: boolean }[] = [];
  const progress: number[] = [];
  const ctx = {
    videoId,
    reads: api,
    signal: new AbortController().signal,
    onProgress: (fraction: number) => progress.push(fraction),
    getKeyframes: async (_: string, idxs: number[]) => {
      requested.push(idxs);
      return idxs.map((idx) => (idx === missing ? null : new Uint8Array([idx])));
    },
    ml: {
      ocr: async (frames: Uint8Array[], onProgress: (fraction: number) => void, options: KeyframeCallOptions) => {
        ocrCalls.push({ frames: frames.length, continues: options.continues ?? false });
        frames.forEach((_, i) => onProgress((i + 1) / frames.length));
        return { modelId: 'ppocr-test', lines: frames.map((f) => [{ text: `SIGN ${f[0]}`, confidence: 0.9, box: [0, 0, 1, 1] }]), work: { analysed: frames.length, reused: 0 } };
      },
      embedImages: async (frames: Uint8Array[]) => ({ modelId: 'clip-test', vectors: frames.map((f) => Float32Array.of(f[0]!, 1)) }),
    },
  } as unknown as UnderstandingContext;
  return { ctx, requested, ocrCalls, progress };
}

describe('model stages over a long video', () => {
  it('hand the keyframes to the ML worker a batch at a time, in scene order, each batch after the first continuing the run', async () => {
    const { ctx, requested, ocrCalls, progress } = context(await longVideo());
    const result = await stage('OCR').run(ctx);

    expect(requested.map((idxs) => idxs.length)).toEqual([KEYFRAME_BATCH, KEYFRAME_BATCH, 6]);
    expect(requested.flat()).toEqual(Array.from({ length: SCENES }, (_, i) => i));
    expect(ocrCalls).toEqual([
      { frames: KEYFRAME_BATCH, continues: false },
      { frames: KEYFRAME_BATCH, continues: true },
      { frames: 6, continues: true },
    ]);
    expect(result.status).toBe('done');
    const texts = result.status === 'done' && result.writes ? result.writes.flatMap((w) => (w.kind === 'ocrText' ? w.texts : [])) : [];
    expect(texts).toEqual(Array.from({ length: SCENES }, (_, idx) => ({ idx, text: `SIGN ${idx}` })));
    // Progress over the whole video: it only grows, and ends at 1.
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBeCloseTo(1);
    expect(progress.find((p) => p > 0.3 && p < 0.7)).toBeDefined();
  });

  it('give each scene its own vector when the visual model embeds them in batches', async () => {
    const { ctx, requested } = context(await longVideo());
    const result = await stage('VISION_EMBED').run(ctx);
    expect(Math.max(...requested.map((idxs) => idxs.length))).toBe(KEYFRAME_BATCH);
    const write = result.status === 'done' && result.writes ? result.writes.find((w) => w.kind === 'imageVectors') : undefined;
    expect(write?.kind === 'imageVectors' && write.modelId).toBe('clip-test');
    expect(write?.kind === 'imageVectors' && write.vectors.map((v) => [v.idx, v.vector[0]])).toEqual(Array.from({ length: SCENES }, (_, i) => [i, i]));
  });

  it('fail with a plain sentence when a keyframe of a later batch is missing', async () => {
    const { ctx } = context(await longVideo(), KEYFRAME_BATCH + 3);
    await expect(stage('OCR').run(ctx)).rejects.toThrow(StageFailure);
    await expect(stage('OCR').run(ctx)).rejects.toThrow(/keyframes of this video are missing/);
  });
});
