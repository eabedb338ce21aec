// @vitest-environment node
// The DB worker's picture graphs in memory on a real PGlite, against the HNSW statement they stand in for: built
// from a library made through the app's own stage writes, then kept in step by migration 0015's notices as
// videos are indexed, fail, are deleted and as a picture moves to another model. Whenever they answer, they
// answer what the statement does; while a change is not yet applied, they do not answer.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { cosineNearestQuery, ownScenes, type ModelVector } from '@heimdex/shared-schema/search';
import { drizzle } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import type { StageCompletion } from './jobs.ts';
import { makePictureGraphs, PICTURE_CHANNEL, type PictureGraphs } from './picture-graphs.ts';
import { openTestDatabase } from './testing.ts';
import { probe, threeScenes, videoSteps } from './testing-steps.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'VISION_EMBED', 'OCR', 'FINALIZE'];
const A = 'clip-a';
const B = 'clip-b';
const DIM = 8;

/** Scene `idx` of video number `n`: its own direction, so that every scene has a distinct nearest place. */
const pictureOf = (n: number, idx: number) => Array.from({ length: DIM }, (_, i) => (i === (n + idx) % DIM ? 1 : 0.1 * ((i * (n + 1) + idx) % 3)));
const query = (axis: number, model = A): ModelVector => ({ modelId: model, vector: Array.from({ length: DIM }, (_, i) => (i === axis ? 1 : 0.05 * i)) });

let pg: PGlite;
let api: DbApi;
let graphs: PictureGraphs;

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

const steps = videoSteps(() => api);
const run = (videoId: string, stage: JobStage) => steps.claimAndComplete(videoId, stage, { outcome: 'done' });

type Scenes = typeof threeScenes;

/** What stage `stage` of video number `n` writes: its pictures by model A at VISION_EMBED. */
function completionOf(n: number, stage: JobStage, scenes: Scenes): StageCompletion {
  if (stage === 'UPLOAD_VALIDATE') return { outcome: 'done', writes: [{ kind: 'probe', probe }] };
  if (stage === 'SCENE_DETECT') return { outcome: 'done', writes: [{ kind: 'scenes', scenes }] };
  if (stage !== 'VISION_EMBED') return { outcome: 'done' };
  return { outcome: 'done', writes: [{ kind: 'imageVectors', modelId: A, vectors: scenes.map((s) => ({ idx: s.idx, vector: pictureOf(n, s.idx) })) }] };
}

/** Video number `n` imported and taken through the stages up to `until`. */
async function video(n: number, until: JobStage = 'FINALIZE', scenes: Scenes = threeScenes): Promise<string> {
  const videoId = await steps.importVideo(`sha${n}`, `v${n}`, STAGES);
  for (const stage of STAGES) {
    await steps.claimAndComplete(videoId, stage, completionOf(n, stage, scenes));
    if (stage === until) break;
  }
  return videoId;
}

/** The HNSW statement's answer (as search.ts writes it): each scene's cosine distance. */
async function statement(vector: ModelVector): Promise<Map<string, number>> {
  const found = await drizzle(pg).execute<{ scene_id: string; distance: number }>(
    cosineNearestQuery(vector.vector, sql.raw(`(s.image_vec::vector(${DIM}))`), sql`${ownScenes(LOCAL_USER_ID)} and s.image_model = ${vector.modelId}`, { dim: DIM, readsVideo: false }),
  );
  return new Map(found.rows.map((r) => [r.scene_id, r.distance]));
}

const fromGraphs = (vector: ModelVector) => graphs.source.nearest(vector, 100)?.map((n) => n.sceneId) ?? null;

async function settle(): Promise<void> {
  while (await graphs.step());
}

/**
 * Every query answers what the statement answers: the same scenes, nearest first by the statement's own distances
 * (two scenes equally near may come in either order: each side rounds its float arithmetic its own way).
 */
async function agrees(model = A): Promise<void> {
  for (let axis = 0; axis < DIM; axis++) {
    const found = graphs.source.nearest(query(axis, model), 100)!;
    const truth = await statement(query(axis, model));
    expect(found.map((n) => n.sceneId).sort()).toEqual([...truth.keys()].sort());
    for (const n of found) expect(n.distance).toBeCloseTo(truth.get(n.sceneId)!, 5);
    for (let i = 1; i < found.length; i++) expect(truth.get(found[i]!.sceneId)!).toBeGreaterThanOrEqual(truth.get(found[i - 1]!.sceneId)! - 1e-6);
  }
}

const sceneIdsOf = async (videoId: string) =>
  (await pg.query<{ scene_id: string }>('select scene_id from scenes where video_id = $1 order by idx', [videoId])).rows.map((r) => r.scene_id);

describe('picture graphs', () => {
  it('are built from the library and then answer as the statement does', async () => {
    await video(0);
    await video(1);
    graphs = makePictureGraphs(pg, LOCAL_USER_ID);
    expect(fromGraphs(query(0))).toBeNull();
    expect(await graphs.step()).toBe(true); // started: the models counted, nothing read yet
    expect(fromGraphs(query(0))).toBeNull();
    await settle();
    expect(graphs.size).toBe(6);
    expect(fromGraphs(query(0))).toHaveLength(6);
    await agrees();
    // A model no scene has: nothing, as the statement finds.
    expect(fromGraphs(query(0, B))).toEqual([]);
    expect((await statement(query(0, B))).size).toBe(0);
  });

  it('follow a video through its first indexing run, a failure and its deletion', async () => {
    await video(0);
    graphs = makePictureGraphs(pg, LOCAL_USER_ID);
    await settle();
    // Pictures written while the video is in its first run: noticed, not searchable yet.
    const noticed = graphs.noticed();
    const second = await video(1, 'VISION_EMBED');
    await noticed;
    expect(fromGraphs(query(1))).toBeNull();
    await settle();
    expect(graphs.size).toBe(3);
    await agrees();
    // Its run completes: searchable.
    for (const stage of ['OCR', 'FINALIZE'] as const) await run(second, stage);
    expect(fromGraphs(query(1))).toBeNull();
    await settle();
    expect(graphs.size).toBe(6);
    await agrees();
    // Failed after its first run (a run again cancelled once it wrote): still searched, nothing to notice.
    await pg.query(`update videos set state = 'FAILED' where video_id = $1`, [second]);
    await settle();
    expect(graphs.size).toBe(6);
    await agrees();
    // Back in a first run (as a failed first run stays): left out, then searched again.
    await pg.query(`update videos set first_indexing = true where video_id = $1`, [second]);
    await settle();
    expect(graphs.size).toBe(3);
    await agrees();
    await pg.query(`update videos set state = 'INDEXED', first_indexing = false where video_id = $1`, [second]);
    await settle();
    expect(graphs.size).toBe(6);
    // Deleted: left out.
    expect(await api.deleteVideo(second)).toBe(true);
    await settle();
    expect(graphs.size).toBe(3);
    await agrees();
  });

  it('take a long video in steps of a few dozen scenes, the queue never held long', async () => {
    graphs = makePictureGraphs(pg, LOCAL_USER_ID);
    await settle();
    const long = Array.from({ length: 120 }, (_, idx) => ({ idx, startS: idx, endS: idx + 1 }));
    await video(0, 'FINALIZE', long);
    // The video's notice becomes its scenes' notices, then 50 scenes a step: 1 + 3 steps.
    let stepped = 0;
    while (await graphs.step()) {
      stepped++;
      expect(fromGraphs(query(0))).toBeNull();
    }
    expect(stepped).toBeGreaterThanOrEqual(3);
    expect(graphs.size).toBe(120);
    await agrees();
  });

  it('follow a scene deleted, a picture replaced and a picture moved to another model', async () => {
    const first = await video(0);
    await video(1);
    graphs = makePictureGraphs(pg, LOCAL_USER_ID);
    await settle();
    const [s0, s1, s2] = await sceneIdsOf(first);
    await pg.query('update scenes set deleted = true where scene_id = $1', [s0]);
    await pg.query(`update scenes set image_vec = $2::vector where scene_id = $1`, [s1, `[${query(5).vector.join(',')}]`]);
    await pg.query(`update scenes set image_model = $2 where scene_id = $1`, [s2, B]);
    expect(fromGraphs(query(5))).toBeNull();
    await settle();
    expect(graphs.size).toBe(5);
    expect(fromGraphs(query(5))![0]).toBe(s1);
    await agrees();
    expect(fromGraphs(query(0, B))).toEqual([s2]);
    await agrees(B);
  });

  it('a library whose session has not turned the notices on sends none (the server, the tests, the bench)', async () => {
    const heard: string[] = [];
    await pg.listen(PICTURE_CHANNEL, (payload) => heard.push(payload));
    const videoId = await video(0);
    expect(await api.deleteVideo(videoId)).toBe(true);
    expect(heard).toEqual([]);
    await pg.exec(`set heimdex.pictures = 'on'`);
    await pg.query(`update videos set deleted = false, state = 'INDEXED' where video_id = $1`, [videoId]);
    expect(heard).toEqual([`video:${videoId}`]);
  });
});
