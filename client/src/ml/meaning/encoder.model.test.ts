// @vitest-environment node
//
// The sentence-embedding model with its real weights (public/models/<id>/, brought by `npm run models:fetch`):
// paraphrases must lie closer than unrelated sentences, across languages too. Skipped, loudly, when the files
// are missing (they are a hub download); encoder.test.ts covers the glue on a tiny real model either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers, type ModelDtype } from '../asr/transformers-runtime.ts';
import { PUBLIC_MODELS_DIR, checkModelFiles } from '../asr/testing/model-files.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dot } from '../embed/vectors.ts';
import { loadMeaningEncoder, type MeaningEncoder } from './encoder.ts';
import { MEANING_MODELS, meaningFiles, type MeaningModelId } from './models.ts';

/** The dtype models.json installs for the repo (what `npm run models:fetch` brought), else the model's default. */
function installedDtype(repo: string): ModelDtype | null {
  try {
    const manifest = JSON.parse(readFileSync(join(PUBLIC_MODELS_DIR, 'models.json'), 'utf8')) as { models: { source?: { repo?: string }; dtype?: unknown }[] };
    const dtype = manifest.models.find((m) => m.source?.repo === repo)?.dtype;
    return typeof dtype === 'string' ? (dtype as ModelDtype) : null;
  } catch {
    return null;
  }
}

describe.each(Object.keys(MEANING_MODELS) as MeaningModelId[])('%s with real weights', (modelId) => {
  const dtype = installedDtype(modelId) ?? MEANING_MODELS[modelId].defaultDtype;
  const files = checkModelFiles(`[meaning model tests: ${modelId}]`, modelId, meaningFiles(dtype));
  const skip = files.skipReason !== null;
  let encoder: MeaningEncoder;

  beforeAll(async () => {
    if (skip) return;
    configureTransformers({ localModelPath: PUBLIC_MODELS_DIR });
    encoder = await loadMeaningEncoder({ modelId, device: 'cpu', dtype });
  }, 300_000);
  afterAll(async () => {
    await encoder?.dispose();
  });

  it.skipIf(skip)('puts each paraphrase nearest its own meaning, in English and across languages', async () => {
    const queries = ['revenue went up', 'the meeting was cancelled', 'a dog is running in the park'];
    const scenes = [
      'Our quarterly revenue grew by twelve percent.',
      'We called off the meeting.',
      'Ein Hund rennt durch den Park.', // German: a dog runs through the park
      'Please wash your hands before cooking.',
    ];
    const [q, s] = [await encoder.embed(queries), await encoder.embed(scenes)];
    const nearest = q.map((v) => s.map((w) => dot(v, w)).reduce((best, sim, j, all) => (sim > all[best]! ? j : best), 0));
    expect(nearest).toEqual([0, 1, 2]);
    for (const v of [...q, ...s]) expect(dot(v, v)).toBeCloseTo(1, 4);
    // What search takes as a confident meaning match (MEANING_THRESHOLDS) should hold for these plain paraphrases.
    console.info(`[meaning model ${modelId}] paraphrase similarities`, q.map((v, i) => dot(v, s[i]!).toFixed(3)), 'unrelated', q.map((v) => dot(v, s[3]!).toFixed(3)));
  }, 120_000);
});
