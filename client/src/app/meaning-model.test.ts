// @vitest-environment node
// The start-up catch-up of meaning vectors on a real in-memory PGlite: which videos it queues, and when it leaves
// everything alone. The model statuses are the ML worker's answer as data (the worker itself needs a browser).
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { probe, threeScenes, videoSteps } from '../db/testing-steps.ts';
import { modelStatus } from '../ml/testing/fixtures.ts';
import { createMeaningCatchUp } from './meaning-model.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'OCR', 'TEXT_INDEX', 'FINALIZE'];
const CURRENT = 'paraphrase-multilingual-minilm';
const vector = Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));

let pg: PGlite;
let api: DbApi;
const { importVideo, runStage, jobStates } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

async function videoEmbeddedBy(sha: string, modelId: string): Promise<string> {
  const videoId = await importVideo(sha, sha, STAGES);
  await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
  await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
  await runStage(videoId, 'OCR', { outcome: 'done', writes: [{ kind: 'ocrText', texts: [{ idx: 0, text: 'OPEN DAILY' }] }] });
  await runStage(videoId, 'TEXT_INDEX', { outcome: 'done', writes: [{ kind: 'textVectors', modelId, vectors: [{ idx: 0, vector }] }] });
  await runStage(videoId, 'FINALIZE');
  return videoId;
}

const meaningModel = (present: boolean) => modelStatus({ id: CURRENT, task: 'meaning', present, selected: true });

describe('createMeaningCatchUp', () => {
  it('queues the videos embedded by another model once per page life, and says so', async () => {
    const old = await videoEmbeddedBy('old', 'an-older-meaning-model');
    await videoEmbeddedBy('current', CURRENT);
    let woken = 0;
    const catchUp = createMeaningCatchUp({ db: api, ml: { status: async () => [meaningModel(true)] }, onQueued: () => woken++ });
    expect(await catchUp()).toBe(1);
    expect((await jobStates(old)).TEXT_INDEX).toBe('PENDING');
    expect(woken).toBe(1);
    // Say the model then fails to load: the stage is skipped and the old vectors stay; no second round.
    await runStage(old, 'TEXT_INDEX', { outcome: 'skipped', reason: 'The meaning model could not be loaded on this device.', fillable: true });
    await runStage(old, 'FINALIZE');
    expect(await catchUp()).toBe(0);
    expect(woken).toBe(1);
  });

  it('queues nothing while the model is not on this device (the stage would only be skipped)', async () => {
    await videoEmbeddedBy('old', 'an-older-meaning-model');
    const catchUp = createMeaningCatchUp({ db: api, ml: { status: async () => [meaningModel(false)] }, onQueued: () => undefined });
    expect(await catchUp()).toBe(0);
    expect(await api.staleMeaningVideos(CURRENT)).toHaveLength(1);
  });
});
