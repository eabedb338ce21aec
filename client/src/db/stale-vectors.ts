// Which of this device's videos hold vectors of another model than the chosen one, for one kind of vector (image
// or meaning). One query shape for both kinds, so the rule for "needs re-embedding" is written once.
import type { JobStage } from '@heimdex/shared-schema';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './types.ts';

export interface VectorKind {
  /** The stage that writes these vectors. */
  stage: JobStage;
  /** The scenes column naming the model of a scene's vector (a trusted identifier, never user input). */
  modelColumn: 'image_model' | 'text_model';
  /** Which scenes have something to embed (all of them when absent). */
  sceneHasInput?: SQL;
}

/**
 * Videos of this device with a live scene whose vector is not of `modelId`: indexed ones, and ones still
 * processing whose stage already ran (with the model chosen before); `except` left out. Oldest first.
 */
export async function staleVectorVideos(
  db: Db,
  userId: string,
  kind: VectorKind,
  modelId: string,
  except: string[] = [],
): Promise<string[]> {
  const modelColumn = sql.raw(`s.${kind.modelColumn}`);
  const result = await db.execute<{ video_id: string }>(sql`
    select v.video_id from videos v
    where v.user_id = ${userId} and not v.deleted
      -- Only this device's videos: one synced from another has no file here to embed again.
      and v.device_id is null
      and v.state in ('INDEXED', 'PROCESSING')
      and (
        exists (select 1 from jobs j where j.video_id = v.video_id and j.stage = ${kind.stage} and j.state = 'COMPLETED')
        or (v.state = 'INDEXED' and not exists (select 1 from jobs j where j.video_id = v.video_id and j.stage = ${kind.stage}))
      )
      and exists (
        select 1 from scenes s
        where s.video_id = v.video_id and s.user_id = ${userId} and not s.deleted
          and ${kind.sceneHasInput ?? sql`true`}
          and ${modelColumn} is distinct from ${modelId}
      )
      and not (v.video_id = any(${`{${except.join(',')}}`}::uuid[]))
    order by v.created_at, v.video_id
  `);
  return result.rows.map((r) => r.video_id);
}
