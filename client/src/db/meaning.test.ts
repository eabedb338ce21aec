// @vitest-environment node
// The meaning vectors on a real in-memory PGlite: the texts TEXT_INDEX embeds, storing vectors with their model and
// its HNSW index, the nearest-scene query served by that index and blind to other models, and which videos get
// re-embedded (another model's vectors, or text that changed since).
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { ownScenes } from '@heimdex/shared-schema/search';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { meaningTextOf, nearestMeaningQuery, textVectorIndexName } from './meaning.ts';
import { openTestDatabase } from './testing.ts';
import { probe, threeScenes, videoSteps } from './testing-steps.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'OCR', 'ASR_FAST', 'TEXT_INDEX', 'FINALIZE'];
const A = 'meaning-a';
const B = 'meaning-b';
const DIM = 8;
const unit = (axis: number) => Array.from({ length: DIM }, (_, i) => (i === axis ? 1 : 0));

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

/** A video taken through every stage: scene 0 has speech, scene 1 on-screen text, scene 2 nothing; its vectors by `modelId`. */
async function indexedVideo(sha: string, modelId: string | null): Promise<string> {
  const videoId = await importVideo(sha, `Video ${sha}`, STAGES);
  await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
  await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
  await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
  await runStage(videoId, 'OCR', { outcome: 'done', writes: [{ kind: 'ocrText', texts: [{ idx: 1, text: 'SALES\n  ROSE' }] }] });
  await runStage(videoId, 'ASR_FAST', {
    outcome: 'done',
    writes: [{ kind: 'transcript', language: 'en', segments: [{ startS: 0, endS: 3, text: 'revenue grew' }], sceneTexts: [{ idx: 0, text: ' revenue  grew ' }] }],
  });
  await runStage(
    videoId,
    'TEXT_INDEX',
    modelId
      ? { outcome: 'done', writes: [{ kind: 'textVectors', modelId, vectors: [{ idx: 0, vector: unit(0) }, { idx: 1, vector: unit(1) }, { idx: 2, vector: null }] }] }
      : { outcome: 'skipped', reason: 'The meaning model is not on this device yet.', fillable: true },
  );
  await runStage(videoId, 'FINALIZE');
  return videoId;
}

const vectorsOf = async (videoId: string) =>
  (await pg.query<{ idx: number; text_model: string | null; has_vec: boolean }>(
    'select idx, text_model, text_vec is not null as has_vec from scenes where video_id = $1 and not deleted order by idx',
    [videoId],
  )).rows;

describe('the text a scene means', () => {
  it('is what was said, then what is shown, with runs of spaces made one', async () => {
    expect(meaningTextOf({ transcript: ' revenue  grew ', ocrText: 'SALES\n  ROSE' })).toBe('revenue grew\nSALES ROSE');
    expect(meaningTextOf({ transcript: '', ocrText: '  ' })).toBe('');
    const videoId = await indexedVideo('t1', A);
    expect(await api.listSceneTexts(videoId)).toEqual([
      { idx: 0, text: 'revenue grew' },
      { idx: 1, text: 'SALES ROSE' },
      { idx: 2, text: '' },
    ]);
  });
});

describe('meaning vectors', () => {
  it('are stored with their model (none for a scene without text), and the model gets its HNSW index', async () => {
    const videoId = await indexedVideo('v1', A);
    expect(await vectorsOf(videoId)).toEqual([
      { idx: 0, text_model: A, has_vec: true },
      { idx: 1, text_model: A, has_vec: true },
      { idx: 2, text_model: null, has_vec: false },
    ]);
    const { rows } = await pg.query<{ indexname: string; indexdef: string }>("select indexname, indexdef from pg_indexes where indexname like 'scenes_text_vec_%'");
    expect(rows.map((r) => r.indexname)).toEqual([textVectorIndexName(A, DIM)]);
    expect(rows[0]!.indexdef).toContain("vector_cosine_ops) WITH (ef_construction='128') WHERE");
  });

  it('are found nearest-first by the model’s own index, and never compared with another model’s', async () => {
    await indexedVideo('a', A);
    await indexedVideo('b', B);
    const db = drizzle(pg);
    const where = sql`${ownScenes(LOCAL_USER_ID)}`;
    const found = (await db.execute<{ scene_id: string; distance: number }>(nearestMeaningQuery({ modelId: A, vector: unit(1) }, where))).rows;
    const models = await pg.query<{ scene_id: string; text_model: string }>('select scene_id, text_model from scenes');
    const modelOf = new Map(models.rows.map((r) => [r.scene_id, r.text_model]));
    expect(found).toHaveLength(2);
    expect(found.every((r) => modelOf.get(r.scene_id) === A)).toBe(true);
    expect(found[0]!.distance).toBeCloseTo(0, 6);
    expect(found[1]!.distance).toBeCloseTo(1, 6);
    await pg.exec('set enable_seqscan = off');
    try {
      const plan = (await db.execute<{ 'QUERY PLAN': string }>(sql`explain ${nearestMeaningQuery({ modelId: A, vector: unit(1) }, where)}`)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain(`Index Scan using ${textVectorIndexName(A, DIM)}`);
    } finally {
      await pg.exec('reset enable_seqscan');
    }
  });
});

describe('re-embedding', () => {
  it('queues TEXT_INDEX and FINALIZE for videos whose text vectors are of another model, keeping the old ones meanwhile', async () => {
    const onA = await indexedVideo('r1', A);
    const onB = await indexedVideo('r2', B);
    expect(await api.staleMeaningVideos(A)).toEqual([onB]);
    expect(await api.queueMeaningReembed(A)).toEqual([onB]);
    const states = await jobStates(onB);
    expect(states.TEXT_INDEX).toBe('PENDING');
    expect(states.FINALIZE).toBe('PENDING');
    expect(states.ASR_FAST).toBe('COMPLETED');
    expect((await api.getVideo(onB))?.state).toBe('PROCESSING');
    expect((await vectorsOf(onB))[0]!.text_model).toBe(B); // kept until the new ones are written
    expect((await jobStates(onA)).TEXT_INDEX).toBe('COMPLETED');
    // Being re-embedded now (TEXT_INDEX pending): not queued twice; `except` leaves a video out.
    expect(await api.queueMeaningReembed(A)).toEqual([]);
    expect(await api.staleMeaningVideos(B, [onA])).toEqual([]);
  });

  it('a video whose scenes have no text at all is never stale', async () => {
    const videoId = await importVideo('silent', 'silent', ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'TEXT_INDEX', 'FINALIZE']);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await runStage(videoId, 'TEXT_INDEX', { outcome: 'skipped', reason: 'No words were found in this video.' });
    await runStage(videoId, 'FINALIZE');
    expect(await api.staleMeaningVideos(A)).toEqual([]);
  });

  it('filling in a skipped model stage runs TEXT_INDEX again after it, as its text may have changed', async () => {
    const videoId = await importVideo('gap', 'gap', STAGES);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await runStage(videoId, 'OCR', { outcome: 'done', writes: [{ kind: 'ocrText', texts: [{ idx: 1, text: 'SALES ROSE' }] }] });
    await runStage(videoId, 'ASR_FAST', { outcome: 'skipped', reason: 'The speech model is not on this device yet.', fillable: true });
    await runStage(videoId, 'TEXT_INDEX', { outcome: 'done', writes: [{ kind: 'textVectors', modelId: A, vectors: [{ idx: 1, vector: unit(1) }] }] });
    await runStage(videoId, 'FINALIZE');
    expect(await api.reindexVideo(videoId, ['ASR_FAST'])).toBe(1);
    const states = await jobStates(videoId);
    expect([states.ASR_FAST, states.TEXT_INDEX, states.FINALIZE]).toEqual(['PENDING', 'PENDING', 'PENDING']);
    expect(states.OCR).toBe('COMPLETED');
  });
});
