// The library's videos: registering an import, the rows the library shows, and deleting. A video's
// state is set here only for the import itself (UPLOADING, a failed import) and for deletion; the
// pipeline's jobs decide the rest (jobs.ts).
import { jobs, scenes, transcriptSegments, videos } from '@heimdex/shared-schema';
import type { JobStage, Video } from '@heimdex/shared-schema';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { jobsOf, type JobRow } from './jobs.ts';
import { forgetVideoFaces } from './people.ts';
import { ownVideo } from './scope.ts';
import type { ProbeRecord } from './stage-writes.ts';
import type { Db, Queryable } from './types.ts';

export const INTERRUPTED_IMPORT_REASON =
  'The import was interrupted before the file was saved. Import the file again.';

export type NewVideoInput = Pick<Video, 'title' | 'fileName' | 'sizeBytes' | 'mime' | 'contentSha256'> & {
  /** Id to use when a new row is created (lets the UI keep the card it showed while hashing). */
  videoId?: string;
};

export type CreateVideoResult =
  /** A new row, or a DELETED (or never imported) video of the same content brought back empty. */
  | { status: 'created' | 'revived'; videoId: string }
  | { status: 'duplicate'; videoId: string; title: string };

export type VideoRow = Pick<
  Video,
  'videoId' | 'title' | 'fileName' | 'sizeBytes' | 'mime' | 'durationS' | 'width' | 'height' | 'fps' | 'state' | 'error' | 'deviceId' | 'firstIndexing'
> & {
  /** Thumbnail of the first scene that has one. */
  thumbnail: Uint8Array | null;
  /** First stage not COMPLETED (running, pending, failed or cancelled), in stage order. */
  currentStage: JobStage | null;
  currentStageProgress: number;
  /** Every job of the video, in stage order. */
  jobs: JobRow[];
  /** ISO timestamps: rows cross the worker boundary as plain data. */
  createdAt: string;
  updatedAt: string;
};

// Subqueries name the outer column in full ("videos"."video_id"), for the reason given in jobs.ts.

const iso = (d: Date) => d.toISOString();

export function makeVideoQueries(db: Db, userId: string) {
  /** Removes every derived row of a video (scenes and what hangs off them, transcript, jobs). */
  async function clearVideoResults(q: Queryable, videoId: string): Promise<void> {
    await forgetVideoFaces(q, userId, videoId);
    await q.delete(scenes).where(eq(scenes.videoId, videoId));
    await q.delete(transcriptSegments).where(eq(transcriptSegments.videoId, videoId));
    await q.delete(jobs).where(eq(jobs.videoId, videoId));
  }

  async function selectVideos(videoId?: string): Promise<VideoRow[]> {
    const rows = await db
      .select({
        videoId: videos.videoId,
        title: videos.title,
        fileName: videos.fileName,
        sizeBytes: videos.sizeBytes,
        mime: videos.mime,
        durationS: videos.durationS,
        width: videos.width,
        height: videos.height,
        fps: videos.fps,
        state: videos.state,
        error: videos.error,
        deviceId: videos.deviceId,
        firstIndexing: videos.firstIndexing,
        createdAt: videos.createdAt,
        updatedAt: videos.updatedAt,
        thumbnail: sql<Uint8Array | null>`(
          select s.thumbnail from scenes s
          where s.video_id = "videos"."video_id" and s.thumbnail is not null
          order by s.idx limit 1)`,
      })
      .from(videos)
      .where(
        and(
          eq(videos.userId, userId),
          eq(videos.deleted, false),
          videoId === undefined ? undefined : eq(videos.videoId, videoId),
        ),
      )
      .orderBy(desc(videos.createdAt), asc(videos.videoId));
    const jobsByVideo = await jobsOf(db, rows.map((r) => r.videoId));
    return rows.map((r) => {
      const videoJobs = jobsByVideo.get(r.videoId) ?? [];
      const current = videoJobs.find((j) => j.state !== 'COMPLETED') ?? null;
      return {
        ...r,
        thumbnail: r.thumbnail ?? null,
        currentStage: current?.stage ?? null,
        currentStageProgress: current?.progress ?? 0,
        jobs: videoJobs,
        createdAt: iso(r.createdAt),
        updatedAt: iso(r.updatedAt),
      };
    });
  }

  return {
    /**
     * Registers an imported file as a video in state UPLOADING (its bytes are being saved), or
     * reports the video that already holds the same content. A DELETED video, or one whose import
     * never finished, is revived in place: old results are cleared and the row starts afresh, so
     * the (user, content_sha256) unique index never trips.
     */
    async createVideo(input: NewVideoInput): Promise<CreateVideoResult> {
      return db.transaction(async (tx) => {
        const [existing] = await tx
          .select({
            videoId: videos.videoId,
            title: videos.title,
            state: videos.state,
            deleted: videos.deleted,
            hasJobs: sql<boolean>`exists (select 1 from jobs j where j.video_id = "videos"."video_id")`,
          })
          .from(videos)
          .where(and(eq(videos.userId, userId), eq(videos.contentSha256, input.contentSha256)));
        const fresh = {
          title: input.title,
          fileName: input.fileName,
          sizeBytes: input.sizeBytes,
          mime: input.mime,
          state: 'UPLOADING' as const,
          firstIndexing: true,
        };
        if (!existing) {
          const [row] = await tx
            .insert(videos)
            .values({ ...fresh, videoId: input.videoId, userId, contentSha256: input.contentSha256 })
            .returning({ videoId: videos.videoId });
          return { status: 'created', videoId: row!.videoId };
        }
        const unfinishedImport = existing.state === 'FAILED' && !existing.hasJobs;
        if (!existing.deleted && !unfinishedImport) {
          return { status: 'duplicate', videoId: existing.videoId, title: existing.title };
        }
        await clearVideoResults(tx, existing.videoId);
        await tx
          .update(videos)
          .set({
            ...fresh,
            deleted: false,
            error: null,
            durationS: null,
            width: null,
            height: null,
            fps: null,
            metadata: {},
            createdAt: sql`now()`,
            updatedAt: sql`now()`,
          })
          .where(ownVideo(userId, existing.videoId));
        return { status: 'revived', videoId: existing.videoId };
      });
    },

    /** Saving the file failed (or was cancelled): the video stays in the library, FAILED with why. */
    async failImport(videoId: string, reason: string): Promise<boolean> {
      const rows = await db
        .update(videos)
        .set({ state: 'FAILED', error: reason, updatedAt: sql`now()` })
        .where(and(ownVideo(userId, videoId), eq(videos.state, 'UPLOADING')))
        .returning({ videoId: videos.videoId });
      return rows.length > 0;
    },

    /** At start: imports cut short by a reload can never finish (the File is gone). */
    async failInterruptedImports(): Promise<number> {
      const rows = await db
        .update(videos)
        .set({ state: 'FAILED', error: INTERRUPTED_IMPORT_REASON, updatedAt: sql`now()` })
        // Only this device's imports: another device's video still importing there is pulled as UPLOADING too.
        .where(and(eq(videos.userId, userId), eq(videos.state, 'UPLOADING'), eq(videos.deleted, false), isNull(videos.deviceId)))
        .returning({ videoId: videos.videoId });
      return rows.length;
    },

    /** The library: every video not deleted, newest first. */
    async listVideos(): Promise<VideoRow[]> {
      return selectVideos();
    },

    async getVideo(videoId: string): Promise<VideoRow | null> {
      const [row] = await selectVideos(videoId);
      return row ?? null;
    },

    /** What UPLOAD_VALIDATE stored, for the stages after it. */
    async getProbe(videoId: string): Promise<ProbeRecord | null> {
      const [row] = await db
        .select({ probe: sql<ProbeRecord | null>`${videos.metadata} -> 'probe'` })
        .from(videos)
        .where(ownVideo(userId, videoId));
      return row?.probe ?? null;
    },

    /**
     * Deletes a video: the row stays as a tombstone (state DELETED, deleted = true) for sync;
     * its scenes, transcript, faces and jobs are removed. Returns false for an unknown video.
     */
    async deleteVideo(videoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(videos)
          .set({ state: 'DELETED', deleted: true, error: null, updatedAt: sql`now()` })
          .where(ownVideo(userId, videoId))
          .returning({ videoId: videos.videoId });
        if (rows.length === 0) return false;
        await clearVideoResults(tx, videoId);
        return true;
      });
    },
  };
}
