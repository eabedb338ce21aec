// What the library keeps, as the database knows it: the bytes its pictures take inside it (scene thumbnails and
// face crops, for Settings → Storage; every stored row counts, deleted or not: a tombstone's bytes are still on
// disk), and which videos still need their files in the browser's storage (the start-up sweep removes the rest).
import { faces, jobs, scenes, videos } from '@heimdex/shared-schema';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './types.ts';

/** The videos whose files are still needed, by kind of file (the files are named by video id). */
export interface FilesInUse {
  /** The imported copy and its keyframes: every video of this device that is in the library, except an import that never finished (its copy is partial, and importing again makes a new one). */
  copies: string[];
  /** The extracted audio: those of `copies` whose speech stage has not run for good (pending, failed, or waiting for the speech model). */
  audio: string[];
}

export interface StoredImageBytes {
  thumbnailBytes: number;
  faceCropBytes: number;
}

export function makeStorageQueries(db: Db, userId: string) {
  return {
    async storedImageBytes(): Promise<StoredImageBytes> {
      const [thumbs] = await db
        .select({ bytes: sql<number>`coalesce(sum(octet_length(${scenes.thumbnail})), 0)::float8` })
        .from(scenes)
        .where(eq(scenes.userId, userId));
      const [crops] = await db
        .select({ bytes: sql<number>`coalesce(sum(octet_length(${faces.crop})), 0)::float8` })
        .from(faces)
        .where(eq(faces.userId, userId));
      return { thumbnailBytes: Number(thumbs?.bytes ?? 0), faceCropBytes: Number(crops?.bytes ?? 0) };
    },

    async filesInUse(): Promise<FilesInUse> {
      const hasJobs = sql`exists (select 1 from ${jobs} j where j.video_id = ${videos.videoId})`;
      // The speech stage is over for good when it completed with a transcript, or skipped with nothing to fill in later.
      const speechOver = sql`exists (select 1 from ${jobs} j where j.video_id = ${videos.videoId} and j.stage = 'ASR_FAST'
        and j.state = 'COMPLETED' and coalesce((j.metadata ->> 'fillable')::boolean, false) = false)`;
      const rows = await db
        .select({ videoId: videos.videoId, speechOver: sql<boolean>`${speechOver}` })
        .from(videos)
        .where(
          and(
            eq(videos.userId, userId),
            eq(videos.deleted, false),
            isNull(videos.deviceId),
            sql`not (${videos.state} = 'FAILED' and not ${hasJobs})`,
          ),
        );
      return { copies: rows.map((r) => r.videoId), audio: rows.filter((r) => !r.speechOver).map((r) => r.videoId) };
    },
  };
}
