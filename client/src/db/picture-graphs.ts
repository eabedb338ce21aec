// The DB worker's picture graphs in memory (picture-index.ts), one per visual model, holding the searchable scenes'
// vectors as ownScenes says: built from the library as it opens, a step at a time through the worker's queue, then
// kept in step by the notices the library's triggers send when a picture, a scene or a video's searchability
// changes (migration 0015). Until every model's graph is built and every notice applied, they answer nothing and a
// search reads the HNSW statement instead (search.ts PictureSource): a search is never answered from a stale graph.
import type { PGlite } from '@electric-sql/pglite';
import { ownScenes } from '@heimdex/shared-schema/search';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { makePictureIndex, type PictureIndex } from './picture-index.ts';
import type { PictureSource } from './search.ts';

/** Migration 0015's channel, and the prefix of a video's notice (a scene's is its id alone). */
export const PICTURE_CHANNEL = 'heimdex_pictures';
const VIDEO_NOTICE = 'video:';
/** Vectors read per statement while building: ~70 ms of a 512-d model's. */
const READ_BATCH = 1000;
/**
 * Vectors put per step, building or applying notices: ~1.3 ms each (HNSW_GRAPH), so that a step holds the worker's
 * queue ~65 ms at most, whether a library opens, a long video becomes searchable or a sync brings many scenes.
 */
const PUT_BATCH = 50;

interface Reading {
  /** Models still to read (the first is being read), with their searchable scenes' count. */
  models: { model: string; count: number }[];
  /** The last scene id read of the first model (scenes are read in id order). */
  after: string | null;
  graph: PictureIndex | null;
  /** Read, not yet put. */
  unput: { sceneId: string; vector: number[] }[];
}

export interface PictureGraphs {
  /** Where search asks for the nearest pictures. */
  source: PictureSource;
  /** One piece of work (start, read, put, apply notices); false when none is left until the next notice. */
  step(): Promise<boolean>;
  /** Resolves at the next notice (at once when one is waiting). */
  noticed(): Promise<void>;
  /** Scenes held, over every model (for the log). */
  readonly size: number;
}

export function makePictureGraphs(pg: PGlite, userId: string): PictureGraphs {
  const db = drizzle(pg);
  const rows = async <T>(query: SQL) => (await db.execute(query)).rows as T[];
  const OWN = ownScenes(userId);
  const graphs = new Map<string, PictureIndex>();
  const notices = new Set<string>();
  let started = false;
  let reading: Reading | null = null;
  /** After a failure the graphs may have missed a change: they answer nothing again until the library reopens. */
  let failed = false;
  let wake: (() => void) | null = null;

  const vectorOf = (text: string) => JSON.parse(text) as number[];
  const graphFor = async (model: string, dim: number, capacity?: number) => {
    let graph = graphs.get(model);
    if (!graph) graphs.set(model, (graph = await makePictureIndex(dim, capacity)));
    return graph;
  };

  async function start(): Promise<void> {
    // Listening, and the triggers on, before the first read: a change after it is noticed, one before it is read.
    await pg.listen(PICTURE_CHANNEL, (payload) => {
      notices.add(payload);
      wake?.();
    });
    await pg.exec(`set heimdex.pictures = 'on'`);
    const models = await rows<{ model: string; count: number }>(sql`
      select s.image_model as model, count(*)::int as count from scenes s
      where ${OWN} and s.image_vec is not null and s.image_model is not null group by 1 order by 1`);
    reading = { models, after: null, graph: null, unput: [] };
    started = true;
  }

  async function readStep(r: Reading): Promise<void> {
    if (r.unput.length > 0) {
      for (const { sceneId, vector } of r.unput.splice(0, PUT_BATCH)) r.graph!.put(sceneId, vector);
      return;
    }
    const current = r.models[0];
    if (!current) {
      reading = null;
      return;
    }
    const batch = await rows<{ scene_id: string; v: string }>(sql`
      select s.scene_id, s.image_vec::text as v from scenes s
      where ${OWN} and s.image_vec is not null and s.image_model = ${current.model}
        ${r.after === null ? sql`` : sql`and s.scene_id > ${r.after}`}
      order by s.scene_id limit ${READ_BATCH}`);
    if (batch.length === 0) {
      r.models.shift();
      Object.assign(r, { after: null, graph: null });
      return;
    }
    const unput = batch.map((b) => ({ sceneId: b.scene_id, vector: vectorOf(b.v) }));
    r.graph ??= await graphFor(current.model, unput[0]!.vector.length, current.count);
    r.unput = unput;
    r.after = batch.at(-1)!.scene_id;
  }

  /**
   * A video's notice becomes its scenes' (one statement for every video noticed); then each scene noticed leaves
   * every graph and comes back if it is searchable with a picture, PUT_BATCH scenes a step.
   */
  async function applyNotices(): Promise<void> {
    const videos = [...notices].filter((n) => n.startsWith(VIDEO_NOTICE));
    if (videos.length > 0) {
      for (const notice of videos) notices.delete(notice);
      const ids = videos.map((n) => n.slice(VIDEO_NOTICE.length));
      const scenes = await rows<{ scene_id: string }>(sql`select scene_id from scenes where video_id = any(${sql.param(ids)}::uuid[])`);
      for (const r of scenes) notices.add(r.scene_id);
      return;
    }
    const named = [...notices].slice(0, PUT_BATCH);
    for (const notice of named) notices.delete(notice);
    const current = await rows<{ scene_id: string; image_model: string; v: string }>(sql`
      select s.scene_id, s.image_model, s.image_vec::text as v from scenes s
      where ${OWN} and s.image_vec is not null and s.image_model is not null and s.scene_id = any(${sql.param(named)}::uuid[])`);
    for (const id of named) for (const graph of graphs.values()) graph.remove(id);
    for (const r of current) {
      const vector = vectorOf(r.v);
      (await graphFor(r.image_model, vector.length)).put(r.scene_id, vector);
    }
  }

  async function step(): Promise<boolean> {
    if (failed) return false;
    try {
      if (!started) await start();
      else if (reading) await readStep(reading);
      else if (notices.size > 0) await applyNotices();
      return reading !== null || notices.size > 0;
    } catch (error) {
      failed = true;
      throw error;
    }
  }

  return {
    source: {
      nearest(vector, k) {
        if (!started || failed || reading !== null || notices.size > 0) return null;
        const graph = graphs.get(vector.modelId);
        // No graph: no searchable scene has a picture of this model, as the statement would find.
        if (!graph) return [];
        return graph.dim === vector.vector.length ? graph.nearest(vector.vector, k) : null;
      },
    },
    step,
    noticed: () =>
      new Promise<void>((resolve) => {
        // A notice may have come between the last step and this call.
        if (notices.size > 0) resolve();
        else
          wake = () => {
            wake = null;
            resolve();
          };
      }),
    get size() {
      let total = 0;
      for (const graph of graphs.values()) total += graph.size;
      return total;
    },
  };
}
