// @vitest-environment node
// The TEXT_INDEX stage end to end on real parts: a real in-memory PGlite and the real sentence encoder (transformers.js
// + ONNX Runtime) on the tiny BERT-shaped model of ml/meaning/testing. What the stage embeds, what it writes, and how
// it says it could not.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { probe, threeScenes, videoSteps } from '../db/testing-steps.ts';
import { configureTransformers } from '../ml/asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../ml/asr/testing/model-files.ts';
import { unavailable } from '../ml/engines.ts';
import { dot } from '../ml/embed/vectors.ts';
import { loadMeaningEncoder, type MeaningEncoder } from '../ml/meaning/encoder.ts';
import { MEANING_MODELS, type MeaningModelId } from '../ml/meaning/models.ts';
import { writeTinyMeaningModel } from '../ml/meaning/testing/tiny-model.ts';
import type { StageResult } from './runner.ts';
import { UNDERSTANDING_STAGES, type UnderstandingContext } from './understanding.ts';

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [TEXT_INDEX tests] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}).\n`);

const REPO: MeaningModelId = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';
const MODEL_ID = 'paraphrase-multilingual-minilm';
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'OCR', 'ASR_FAST', 'TEXT_INDEX', 'FINALIZE'];
const textIndex = UNDERSTANDING_STAGES.find((s) => s.stage === 'TEXT_INDEX')!;

describe.skipIf(runtimeProblem !== null)('the TEXT_INDEX stage', () => {
  let root: string;
  let encoder: MeaningEncoder;
  let pg: PGlite;
  let api: DbApi;
  const { importVideo, runStage } = videoSteps(() => api);
  let embedded: string[][];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-text-index-'));
    writeTinyMeaningModel(root, REPO, MEANING_MODELS[REPO].dims);
    configureTransformers({ localModelPath: root });
    encoder = await loadMeaningEncoder({ modelId: REPO, device: 'cpu' });
  });
  afterAll(async () => {
    await encoder?.dispose();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    pg = await openTestDatabase();
    api = makeDbApi(pg);
    embedded = [];
  });
  afterEach(async () => {
    await pg.close();
  });

  const context = (videoId: string, present = true) =>
    ({
      videoId,
      reads: api,
      onProgress: () => undefined,
      signal: new AbortController().signal,
      ml: {
        embedMeaning: async (texts: string[]) => {
          embedded.push(texts);
          if (!present) throw unavailable('The meaning model is not on this device yet.');
          return { modelId: MODEL_ID, vectors: await encoder.embed(texts) };
        },
      },
    }) as unknown as UnderstandingContext;

  /** A video through ASR_FAST: scene 0 says "revenue grew", scene 1 shows "SALES ROSE", scene 2 has no words. */
  async function videoWithText(sha: string, texts = true): Promise<string> {
    const videoId = await importVideo(sha, sha, STAGES);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await runStage(videoId, 'OCR', { outcome: 'done', writes: [{ kind: 'ocrText', texts: texts ? [{ idx: 1, text: 'SALES ROSE' }] : [] }] });
    await runStage(videoId, 'ASR_FAST', {
      outcome: 'done',
      writes: [{ kind: 'transcript', language: 'en', segments: [], sceneTexts: texts ? [{ idx: 0, text: 'revenue grew' }] : [] }],
    });
    expect(await api.startStage(videoId, 'TEXT_INDEX')).not.toBeNull();
    return videoId;
  }

  const complete = async (videoId: string, result: StageResult) => {
    if (result.status === 'failed') throw new Error(result.reason);
    const completion = result.status === 'done' ? { outcome: 'done' as const, writes: result.writes } : { outcome: 'skipped' as const, reason: result.reason, fillable: result.fillable, writes: result.writes };
    expect(await api.completeStage(videoId, 'TEXT_INDEX', completion)).toBe(true);
  };

  const storedVectors = async (videoId: string) =>
    (await pg.query<{ idx: number; text_model: string | null; text_vec: string | null }>(
      'select idx, text_model, text_vec::text from scenes where video_id = $1 and not deleted order by idx',
      [videoId],
    )).rows.map((r) => ({ idx: r.idx, model: r.text_model, vector: r.text_vec ? (JSON.parse(r.text_vec) as number[]) : null }));

  it('embeds what each scene says and shows, once, and stores it with the model; a scene without words gets none', async () => {
    const videoId = await videoWithText('v');
    const result = await textIndex.run(context(videoId));
    expect(result.status).toBe('done');
    expect(embedded).toEqual([['revenue grew', 'SALES ROSE']]);
    await complete(videoId, result);
    const stored = await storedVectors(videoId);
    expect(stored.map((s) => [s.idx, s.model])).toEqual([[0, MODEL_ID], [1, MODEL_ID], [2, null]]);
    expect(stored[2]!.vector).toBeNull();
    const [said, shown] = await encoder.embed(['revenue grew', 'SALES ROSE']);
    expect(stored[0]!.vector).toHaveLength(384);
    expect(dot(stored[0]!.vector!, said!)).toBeCloseTo(1, 5);
    expect(dot(stored[1]!.vector!, shown!)).toBeCloseTo(1, 5);
  });

  it('without the model: skipped, fillable, with the reason the person sees', async () => {
    const videoId = await videoWithText('absent');
    const result = await textIndex.run(context(videoId, false));
    expect(result).toEqual({ status: 'skipped', reason: 'The meaning model is not on this device yet.', fillable: true });
  });

  it('a video without a word: skipped without asking the model, and any old vector cleared', async () => {
    const videoId = await videoWithText('quiet', false);
    await pg.query(`update scenes set text_vec = '[${new Array(384).fill(0.05).join(',')}]', text_model = 'old' where video_id = $1`, [videoId]);
    const result = await textIndex.run(context(videoId));
    expect(result).toMatchObject({ status: 'skipped', reason: 'No words were found in this video.' });
    expect(result.status === 'skipped' && result.fillable).toBeFalsy();
    expect(embedded).toEqual([]);
    await complete(videoId, result);
    expect((await storedVectors(videoId)).every((s) => s.model === null && s.vector === null)).toBe(true);
  });
});
