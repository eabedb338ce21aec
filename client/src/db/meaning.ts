// Search by meaning on this device's side of the database: the per-model nearest-neighbour index over scenes'
// text_vec (what a scene says and shows, as one sentence embedding), the scenes' texts TEXT_INDEX embeds, and the
// re-embedding of videos whose text vectors are of another model than the chosen one (or missing, after their
// text changed). Composed into the DB worker's repository by makeDbApi (api.ts); the search reads the index
// through nearestMeaningQuery.
import { scenes, type JobStage, type Scene } from '@heimdex/shared-schema';
import { checkDim, cosineNearestQuery, hashTag, HNSW_BUILD, literal, type ModelVector } from '@heimdex/shared-schema/search';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { requeueStages } from './jobs.ts';
import { staleVectorVideos, type VectorKind } from './stale-vectors.ts';
import type { Db, Executor } from './types.ts';

// ---- per-model vector index ----------------------------------------------------------------------------------

export function textVectorIndexName(modelId: string, dim: number): string {
  return `scenes_text_vec_${checkDim(dim)}_${hashTag(modelId)}`;
}

/** The expression the per-model HNSW index is built on; queries must use exactly this to be served by it. */
const textVecOf = (alias: string, dim: number) => sql.raw(`(${alias}.text_vec::vector(${checkDim(dim)}))`);

/**
 * Creates (once) the HNSW index of one meaning model: partial, on the model id as a literal, since text_vec has no
 * fixed size and two models' vectors must never be compared. Called when a model's vectors are stored.
 */
export async function ensureTextVectorIndex(q: Executor, modelId: string, dim: number): Promise<string> {
  const name = textVectorIndexName(modelId, dim);
  await q.execute(sql`
    create index if not exists ${sql.identifier(name)} on scenes
    using hnsw (${textVecOf('scenes', dim)} vector_cosine_ops) ${HNSW_BUILD}
    where text_model = ${literal(modelId)}`);
  return name;
}

/**
 * Scenes nearest a query's sentence embedding by cosine, of the same meaning model only; rows of scene_id and
 * distance, nearest first (up to relaxed_order). The vector expression and the model predicate are the index's own;
 * `readsVideo` as cosineNearestQuery's.
 */
export function nearestMeaningQuery(vector: ModelVector, where: SQL, readsVideo = true): SQL {
  const dim = checkDim(vector.vector.length);
  return cosineNearestQuery(vector.vector, textVecOf('s', dim), sql`${where} and s.text_model = ${literal(vector.modelId)}`, { dim, readsVideo });
}

// ---- what a scene means ----------------------------------------------------------------------------------------

/** The text of a scene that its sentence embedding stands for: what was said, then what is written on screen. */
export function meaningTextOf(scene: Pick<Scene, 'transcript' | 'ocrText'>): string {
  return [scene.transcript, scene.ocrText]
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .filter((t) => t !== '')
    .join('\n');
}

/** TEXT_INDEX embeds the scene texts; FINALIZE brings the video back to INDEXED. */
const REEMBED_STAGES: JobStage[] = ['TEXT_INDEX', 'FINALIZE'];

/** Text vectors: only scenes with something said or written have one. */
const MEANING_VECTORS: VectorKind = {
  stage: 'TEXT_INDEX',
  modelColumn: 'text_model',
  sceneHasInput: sql`(btrim(s.transcript) <> '' or btrim(s.ocr_text) <> '')`,
};

export function makeMeaningQueries(db: Db, userId: string) {
  /**
   * Videos of this device with a scene whose text has no vector of `modelId` (another model's, or none since its
   * text changed): indexed ones, and ones still processing whose TEXT_INDEX already ran; `except` left out.
   */
  const staleMeaningVideos = (modelId: string, except: string[] = []) =>
    staleVectorVideos(db, userId, MEANING_VECTORS, modelId, except);

  return {
    /** Each live scene's index and the text its meaning vector stands for (see meaningTextOf), in order. */
    async listSceneTexts(videoId: string): Promise<{ idx: number; text: string }[]> {
      const rows = await db
        .select({ idx: scenes.idx, transcript: scenes.transcript, ocrText: scenes.ocrText })
        .from(scenes)
        .where(and(eq(scenes.videoId, videoId), eq(scenes.userId, userId), eq(scenes.deleted, false)))
        .orderBy(asc(scenes.idx));
      return rows.map((r) => ({ idx: r.idx, text: meaningTextOf(r) }));
    },

    staleMeaningVideos,

    /**
     * Queues TEXT_INDEX, then FINALIZE, for every video staleMeaningVideos finds for `modelId`. A video keeps its
     * old vectors (which search leaves out: another model's) until the new ones are written. Returns the ids queued.
     */
    async queueMeaningReembed(modelId: string, except: string[] = []): Promise<string[]> {
      const stale = await staleMeaningVideos(modelId, except);
      if (stale.length === 0) return [];
      return db.transaction(async (tx) => {
        for (const videoId of stale) {
          await requeueStages(tx, userId, videoId, REEMBED_STAGES);
        }
        return stale;
      });
    },
  };
}
