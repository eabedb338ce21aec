// @vitest-environment node
// Choosing another visual model, on a real in-memory PGlite: which videos are stale, what gets queued,
// that nothing is lost on the way, and the progress Settings shows.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import type { StageCompletion } from './jobs.ts';
import { openTestDatabase } from './testing.ts';
import { REEMBED_KEY, VISUAL_MODEL_KEY } from './visual-model.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'VISION_EMBED', 'OCR', 'FINALIZE'];
const probe = { durationS: 8, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' };
const twoScenes = [
  { idx: 0, startS: 0, endS: 4 },
  { idx: 1, startS: 4, endS: 8 },
];
const A = 'mobileclip-s0';
const B = 'siglip2-base-224';

/** A unit vector of `dims` pointing along axis `axis`: each model's vectors are told apart by value too. */
const unit = (dims: number, axis: number) => Array.from({ length: dims }, (_, i) => (i === axis ? 1 : 0));

let pg: PGlite;
let api: DbApi;

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

async function run(videoId: string, stage: JobStage, completion: StageCompletion = { outcome: 'done' }) {
  expect(await api.startStage(videoId, stage)).not.toBeNull();
  expect(await api.completeStage(videoId, stage, completion)).toBe(true);
}

const embedWith = (modelId: string, dims: number): StageCompletion => ({
  outcome: 'done',
  writes: [{ kind: 'imageVectors', modelId, vectors: twoScenes.map((s) => ({ idx: s.idx, vector: unit(dims, s.idx) })) }],
});

/** A video imported and taken through `until` (every stage by default), its vectors made by `modelId`. */
async function videoOn(sha: string, modelId: string | null, until: JobStage = 'FINALIZE'): Promise<string> {
  const created = await api.createVideo({ title: sha, fileName: `${sha}.mp4`, sizeBytes: 10, mime: null, contentSha256: sha });
  if (created.status === 'duplicate') throw new Error('duplicate');
  await api.queueVideo(created.videoId, STAGES);
  const videoId = created.videoId;
  for (const stage of STAGES) {
    if (stage === 'UPLOAD_VALIDATE') await run(videoId, stage, { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    else if (stage === 'SCENE_DETECT') await run(videoId, stage, { outcome: 'done', writes: [{ kind: 'scenes', scenes: twoScenes }] });
    else if (stage === 'VISION_EMBED') {
      await run(videoId, stage, modelId ? embedWith(modelId, modelId === A ? 512 : 768) : { outcome: 'skipped', reason: 'not installed', fillable: true });
    } else await run(videoId, stage);
    if (stage === until) break;
  }
  return videoId;
}

async function vectorsOf(videoId: string): Promise<{ idx: number; model: string | null; dims: number | null; first: number | null }[]> {
  const { rows } = await pg.query<{ idx: number; model: string | null; dims: number | null; first: number | null }>(
    `select idx, image_model as model, vector_dims(image_vec) as dims, (image_vec::real[])[1] as first
     from scenes where video_id = $1 order by idx`,
    [videoId],
  );
  return rows;
}

const stateOf = async (videoId: string) => (await api.getVideo(videoId))?.state;
const jobState = async (videoId: string, stage: JobStage) => (await api.listStages(videoId)).find((j) => j.stage === stage)?.state;

describe('settings', () => {
  it('stores a value per key, replaces it, and keeps users apart', async () => {
    expect(await api.getSetting(VISUAL_MODEL_KEY)).toBeNull();
    await api.setSetting(VISUAL_MODEL_KEY, A);
    await api.setSetting(VISUAL_MODEL_KEY, B);
    expect(await api.getSetting(VISUAL_MODEL_KEY)).toBe(B);
    const other = makeDbApi(pg, '11111111-1111-4111-8111-111111111111');
    expect(await other.getSetting(VISUAL_MODEL_KEY)).toBeNull();
    await other.setSetting(VISUAL_MODEL_KEY, { nested: [1, 2] });
    expect(await other.getSetting(VISUAL_MODEL_KEY)).toEqual({ nested: [1, 2] });
    expect(await api.getSetting(VISUAL_MODEL_KEY)).toBe(B);
  });
});

describe('re-embedding for another visual model', () => {
  it('counts the scenes visual search covers with a model: those with its vectors, deleted videos left out', async () => {
    await videoOn('a', A);
    await videoOn('b', B);
    await videoOn('none', null);
    const gone = await videoOn('gone', A);
    await api.deleteVideo(gone);
    expect(await api.visualCoverage(A)).toEqual({ covered: 2, total: 6 });
    expect(await api.visualCoverage(B)).toEqual({ covered: 2, total: 6 });
    expect(await api.visualCoverage('never-used')).toEqual({ covered: 0, total: 6 });
  });

  it('queues the videos whose vectors are of model A when B is chosen, and leaves a video already on B alone', async () => {
    const onA = await videoOn('a', A);
    const onB = await videoOn('b', B);
    const skipped = await videoOn('none', null); // indexed while no visual model was installed
    const midway = await videoOn('mid', null, 'SCENE_DETECT'); // VISION_EMBED still to come: it will use B anyway
    const gone = await videoOn('gone', A);
    await api.deleteVideo(gone);

    // A video synced from another device is never embedded again here (its file is not on this one).
    const elsewhere = await videoOn('elsewhere', A);
    await pg.query(`update videos set device_id = '5d0c6a57-3b1f-4d7e-9a55-2f3c1e0b9a11' where video_id = $1`, [elsewhere]);
    expect(await api.staleVisualVideos(B)).toEqual([onA, skipped]);
    expect(await api.queueReembed(B)).toEqual([onA, skipped]);

    for (const videoId of [onA, skipped]) {
      expect(await stateOf(videoId)).toBe('PROCESSING');
      expect(await jobState(videoId, 'VISION_EMBED')).toBe('PENDING');
      expect(await jobState(videoId, 'FINALIZE')).toBe('PENDING');
      expect(await jobState(videoId, 'OCR')).toBe('COMPLETED'); // nothing else runs again
    }
    expect(await stateOf(onB)).toBe('INDEXED');
    expect((await api.listStages(onB)).every((j) => j.state === 'COMPLETED')).toBe(true);
    expect(await jobState(midway, 'VISION_EMBED')).toBe('PENDING');
    expect(await stateOf(midway)).toBe('PROCESSING');

    // Asking again queues nothing more: the stale videos are already waiting.
    expect(await api.queueReembed(B)).toEqual([]);
    expect(await api.getSetting(REEMBED_KEY)).toEqual({ modelId: B, videoIds: [onA, skipped] });
  });

  it('keeps the old vectors until the new ones replace them, and the runner takes the queued stage next', async () => {
    const onA = await videoOn('a', A);
    await api.queueReembed(B);
    expect(await vectorsOf(onA)).toEqual([
      { idx: 0, model: A, dims: 512, first: 1 },
      { idx: 1, model: A, dims: 512, first: 0 },
    ]);
    expect(await api.nextWork()).toEqual({ videoId: onA, stage: 'VISION_EMBED' });

    // The stage fails (e.g. the worker crashed): the old vectors are still there, and the video is not failed for
    // it; the next catch-up (the app's next start) queues it again.
    expect(await api.startStage(onA, 'VISION_EMBED')).not.toBeNull();
    await api.failStage(onA, 'VISION_EMBED', 'boom');
    expect((await vectorsOf(onA)).map((v) => v.model)).toEqual([A, A]);
    expect(await jobState(onA, 'VISION_EMBED')).toBe('COMPLETED');
    expect(await api.queueReembed(B)).toEqual([onA]);

    await run(onA, 'VISION_EMBED', embedWith(B, 768));
    expect(await vectorsOf(onA)).toEqual([
      { idx: 0, model: B, dims: 768, first: 1 },
      { idx: 1, model: B, dims: 768, first: 0 },
    ]);
    expect(await api.nextWork()).toEqual({ videoId: onA, stage: 'FINALIZE' });
    await run(onA, 'FINALIZE');
    expect(await stateOf(onA)).toBe('INDEXED');
    expect(await api.staleVisualVideos(B)).toEqual([]);
  });

  it('a skipped re-embed (the model could not load) keeps the old vectors and counts as stopped', async () => {
    const onA = await videoOn('a', A);
    await api.queueReembed(B);
    await run(onA, 'VISION_EMBED', { outcome: 'skipped', reason: 'The visual model siglip2-base-224 failed to load', fillable: true });
    await run(onA, 'FINALIZE');
    expect((await vectorsOf(onA)).map((v) => v.model)).toEqual([A, A]);
    expect(await api.reembedProgress()).toEqual({ modelId: B, total: 1, done: 0, waiting: 0, stopped: 1 });
    // `except` keeps a video from being queued again for the same model in the same session.
    expect(await api.queueReembed(B, [onA])).toEqual([]);
  });

  it('a re-embed that fails keeps the video indexed and searchable with what it had, and counts as stopped', async () => {
    const onA = await videoOn('a', A);
    await api.queueReembed(B);
    expect(await api.startStage(onA, 'VISION_EMBED')).not.toBeNull();
    expect(await api.failStage(onA, 'VISION_EMBED', 'The picture model ran out of memory.')).toBe(true);
    expect((await api.getVideo(onA))?.state).toBe('PROCESSING'); // FINALIZE still to run, not FAILED
    await run(onA, 'FINALIZE');
    expect((await api.getVideo(onA))?.state).toBe('INDEXED');
    expect((await vectorsOf(onA)).map((v) => v.model)).toEqual([A, A]);
    expect(await api.reembedProgress()).toEqual({ modelId: B, total: 1, done: 0, waiting: 0, stopped: 1 });
  });

  it('reports progress as videos move to the new model; a new choice starts a new batch', async () => {
    expect(await api.reembedProgress()).toBeNull();
    const first = await videoOn('a', A);
    const second = await videoOn('b', A);
    const third = await videoOn('c', A);
    await api.queueReembed(B);
    expect(await api.reembedProgress()).toEqual({ modelId: B, total: 3, done: 0, waiting: 3, stopped: 0 });

    await run(first, 'VISION_EMBED', embedWith(B, 768));
    expect(await api.reembedProgress()).toMatchObject({ done: 1, waiting: 2 });
    await api.deleteVideo(third);
    expect(await api.reembedProgress()).toEqual({ modelId: B, total: 2, done: 1, waiting: 1, stopped: 0 });

    // Back to A before the second video was done: only the first (now on B) needs work for A.
    expect(await api.queueReembed(A)).toEqual([first]);
    expect(await api.reembedProgress()).toEqual({ modelId: A, total: 1, done: 0, waiting: 1, stopped: 0 });
    expect(await jobState(second, 'VISION_EMBED')).toBe('PENDING'); // still queued from before: the worker embeds with A
  });
});
