// The user's settings, and the visual model's re-embedding: which videos hold image vectors of another
// model than the chosen one, queueing VISION_EMBED (then FINALIZE) for them, and how far that has got.
// Composed into the DB worker's repository by makeDbApi (api.ts). Vectors are replaced, never cleared:
// a video keeps its old vectors (of the old model, which search leaves out) until its new ones are written.
import type { JobStage } from '@heimdex/shared-schema';
import { settings } from '@heimdex/shared-schema';
import { and, eq, sql } from 'drizzle-orm';
import { requeueStages } from './jobs.ts';
import { staleVectorVideos, type VectorKind } from './stale-vectors.ts';
import type { Db, Queryable } from './types.ts';

/** settings key of the visual model the user chose (a models.json id); absent: the manifest's default. */
export const VISUAL_MODEL_KEY = 'visual_model';
/** settings key of the last re-embedding: the model and the videos queued for it, for its progress. */
export const REEMBED_KEY = 'visual_reembed';

const REEMBED_STAGES: JobStage[] = ['VISION_EMBED', 'FINALIZE'];
const IMAGE_VECTORS: VectorKind = { stage: 'VISION_EMBED', modelColumn: 'image_model' };

interface ReembedBatch {
  modelId: string;
  videoIds: string[];
}

export interface ReembedProgress {
  modelId: string;
  /** Videos of the batch still in the library. */
  total: number;
  /** Videos whose every scene now has a vector of `modelId`. */
  done: number;
  /** Videos whose VISION_EMBED is still to run or running. */
  waiting: number;
  /** Videos that ended otherwise (the stage was skipped or failed, or the video was cancelled). */
  stopped: number;
}

export function makeVisualModelQueries(db: Db, userId: string) {
  async function readSetting<T>(q: Queryable, key: string): Promise<T | null> {
    const [row] = await q
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.userId, userId), eq(settings.key, key)));
    return row ? (row.value as T) : null;
  }

  async function writeSetting(q: Queryable, key: string, value: unknown): Promise<void> {
    await q
      .insert(settings)
      .values({ userId, key, value })
      .onConflictDoUpdate({ target: [settings.userId, settings.key], set: { value, updatedAt: sql`now()` } });
  }

  const staleVisualVideos = (modelId: string, except: string[] = []) =>
    staleVectorVideos(db, userId, IMAGE_VECTORS, modelId, except);

  return {
    /** A setting of this user, or null when never set (callers check its shape: it is stored JSON). */
    async getSetting(key: string): Promise<unknown> {
      return readSetting<unknown>(db, key);
    },

    async setSetting(key: string, value: unknown): Promise<void> {
      await writeSetting(db, key, value);
    },

    /**
     * Videos whose image vectors are not (all) of `modelId`: indexed ones, and ones still processing
     * whose VISION_EMBED already ran (with the model chosen before), except `except`.
     */
    staleVisualVideos,

    /**
     * Queues VISION_EMBED, then FINALIZE, for every video whose vectors are not of `modelId` (see
     * staleVisualVideos) and records the batch for reembedProgress. Each video's old vectors stay until
     * its new ones are written. Returns the ids queued.
     */
    async queueReembed(modelId: string, except: string[] = []): Promise<string[]> {
      const stale = await staleVisualVideos(modelId, except);
      return db.transaction(async (tx) => {
        for (const videoId of stale) {
          await requeueStages(tx, userId, videoId, REEMBED_STAGES);
        }
        const previous = await readSetting<ReembedBatch>(tx, REEMBED_KEY);
        // A batch for the same model grows; a new model starts a new batch.
        const kept = previous?.modelId === modelId ? previous.videoIds.filter((id) => !stale.includes(id)) : [];
        if (stale.length > 0 || previous?.modelId !== modelId) {
          await writeSetting(tx, REEMBED_KEY, { modelId, videoIds: [...kept, ...stale] } satisfies ReembedBatch);
        }
        return stale;
      });
    },

    /**
     * How many of the library's scenes visual search covers with `modelId`: those with a vector of that model
     * (scenes embedded by another model, here or on another device, are not compared with its vectors).
     */
    async visualCoverage(modelId: string): Promise<{ covered: number; total: number }> {
      const { rows } = await db.execute<{ covered: number; total: number }>(sql`
        select count(*) filter (where s.image_model = ${modelId})::int as covered, count(*)::int as total
        from scenes s join videos v on v.video_id = s.video_id
        where s.user_id = ${userId} and not s.deleted and not v.deleted`);
      return rows[0] ?? { covered: 0, total: 0 };
    },

    /** How far the last re-embedding has got; null when there was none. */
    async reembedProgress(): Promise<ReembedProgress | null> {
      const batch = await readSetting<ReembedBatch>(db, REEMBED_KEY);
      if (!batch) return null;
      if (batch.videoIds.length === 0) return { modelId: batch.modelId, total: 0, done: 0, waiting: 0, stopped: 0 };
      const result = await db.execute<{ status: 'done' | 'waiting' | 'stopped'; n: number }>(sql`
        select status, count(*)::int as n from (
          select case
            when not exists (select 1 from scenes s where s.video_id = v.video_id and s.user_id = ${userId} and not s.deleted
                             and s.image_model is distinct from ${batch.modelId})
              then 'done'
            when v.state in ('VALIDATING', 'PROCESSING') and exists (
                   select 1 from jobs j where j.video_id = v.video_id and j.stage = 'VISION_EMBED' and j.state in ('PENDING', 'RUNNING'))
              then 'waiting'
            else 'stopped'
          end as status
          from videos v
          where v.user_id = ${userId} and not v.deleted and v.video_id = any(${`{${batch.videoIds.join(',')}}`}::uuid[])
        ) per_video
        group by status
      `);
      const count = (status: string) => result.rows.find((r) => r.status === status)?.n ?? 0;
      const [done, waiting, stopped] = [count('done'), count('waiting'), count('stopped')];
      return { modelId: batch.modelId, total: done + waiting + stopped, done, waiting, stopped };
    },
  };
}
