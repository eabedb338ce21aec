// The repository of the browser app: every SQL statement of the client lives here.
// It runs inside the DB worker (behind comlink and one queue) and, unchanged, in Node tests against
// an in-memory PGlite. Everything it returns is plain structured-clonable data: numbers, strings,
// ISO timestamps and Uint8Array for bytea.
//
// Video state follows the jobs: a failed or cancelled job makes the video FAILED (with the reason);
// otherwise it is VALIDATING until UPLOAD_VALIDATE completes, PROCESSING while any stage is left and
// INDEXED once every stage has completed. Completing a stage derives the state in the same
// transaction, so the two can never disagree after a crash.
import type { PGlite } from '@electric-sql/pglite';
import { faces, jobs, scenes, transcriptSegments, videos } from '@heimdex/shared-schema';
import type { JobStage, JobState, VideoState } from '@heimdex/shared-schema';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import type { ProbeInfo } from '../media/types.ts';
import { clusterVideoFaces, forgetVideoFaces } from './people.ts';
import { makeVisualModelQueries } from './visual-model.ts';
import { ensureVectorIndex } from './search.ts';
import type { Db, Queryable, Tx } from './types.ts';

/** The one user of a device until sync signs in. */
export const LOCAL_USER_ID = '00000000-0000-4000-8000-000000000000';

export const CANCELLED_REASON = 'Cancelled';
export const INTERRUPTED_IMPORT_REASON =
  'The import was interrupted before the file was saved. Import the file again.';

/** What UPLOAD_VALIDATE learnt about the file, as the media worker reported it. */
export type ProbeRecord = ProbeInfo;

export interface NewVideoInput {
  /** Id to use when a new row is created (lets the UI keep the card it showed while hashing). */
  videoId?: string;
  title: string;
  fileName: string;
  sizeBytes: number;
  mime: string | null;
  contentSha256: string;
}

export type CreateVideoResult =
  /** A new row, or a DELETED (or never imported) video of the same content brought back empty. */
  | { status: 'created' | 'revived'; videoId: string }
  | { status: 'duplicate'; videoId: string; title: string };

export interface JobRow {
  stage: JobStage;
  state: JobState;
  progress: number;
  attempts: number;
  error: string | null;
  /** Why a COMPLETED stage did no work (e.g. its model is not installed); null when it did. */
  skippedReason: string | null;
  /** The skip can be filled in by Re-index (a model was missing). */
  fillable: boolean;
  /** Technical details of a FAILED stage (shown behind "Show details"); null when none. */
  details: string | null;
  /** Whether retrying a FAILED stage can help (false for a bad file); true for every other state. */
  retryable: boolean;
}

export interface VideoRow {
  videoId: string;
  title: string;
  fileName: string;
  sizeBytes: number;
  mime: string | null;
  durationS: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  state: VideoState;
  error: string | null;
  /** Thumbnail of the first scene that has one. */
  thumbnail: Uint8Array | null;
  /** First stage not COMPLETED (running, pending, failed or cancelled), in stage order. */
  currentStage: JobStage | null;
  currentStageProgress: number;
  /** Every job of the video, in stage order. */
  jobs: JobRow[];
  createdAt: string;
  updatedAt: string;
}

export interface SceneRow {
  sceneId: string;
  idx: number;
  startS: number;
  endS: number;
  keyframeS: number | null;
  thumbnail: Uint8Array | null;
  transcript: string;
  ocrText: string;
  faceCount: number;
  /** The people grouped from the scene's faces (hidden people left out), by name or "Person N". */
  people: { personId: string; name: string }[];
  hasImageVector: boolean;
}

/** Scene timing, for stages that need the spans. */
export type SceneTimes = Pick<SceneRow, 'sceneId' | 'idx' | 'startS' | 'endS' | 'keyframeS'>;

/** The next stage to run: the first unfinished stage of a video, when that stage is PENDING. */
export interface NextWork {
  videoId: string;
  stage: JobStage;
}

/** The results a stage writes together with its job's completion. */
export type StageWrite =
  | { kind: 'probe'; probe: ProbeRecord }
  | { kind: 'audio'; audio: { sampleRate: number; samples: number } | null }
  /** Replaces every scene of the video, so a re-run never duplicates rows. */
  | { kind: 'scenes'; scenes: { idx: number; startS: number; endS: number }[] }
  | { kind: 'keyframes'; keyframes: { idx: number; keyframeS: number }[] }
  | { kind: 'thumbnails'; thumbnails: { idx: number; jpeg: Uint8Array }[] }
  /** L2-normalised keyframe embeddings, stored with the model that made them. */
  | { kind: 'imageVectors'; modelId: string; vectors: { idx: number; vector: ArrayLike<number> }[] }
  | { kind: 'ocrText'; texts: { idx: number; text: string }[] }
  /** Replaces every face of the video (a re-run never duplicates rows). */
  | { kind: 'faces'; modelId: string; faces: SceneFace[] }
  /** Groups the video's unplaced faces into people (people.ts, clusterVideoFaces). */
  | { kind: 'people' }
  /** Replaces the video's transcript segments and sets each scene's transcript. */
  | { kind: 'transcript'; language: string; segments: { startS: number; endS: number; text: string }[]; sceneTexts: { idx: number; text: string }[] };

export interface SceneFace {
  idx: number;
  box: { x: number; y: number; w: number; h: number };
  score: number;
  descriptor: ArrayLike<number>;
  crop: Uint8Array | null;
}

export interface StageCompletion {
  outcome: 'done' | 'skipped';
  /** Why a stage was skipped (kept in the job's metadata). */
  reason?: string;
  /** The skip can be filled in later (its model was missing): Re-index runs such stages again. */
  fillable?: boolean;
  writes?: StageWrite[];
}

// Correlated subqueries name the outer column in full ("videos"."video_id"): drizzle renders a
// column of the statement's own table unqualified, which inside a subquery would bind to the
// subquery's table instead.

const STOPPED_JOB_STATES: JobState[] = ['FAILED', 'CANCELLED'];

const iso = (d: Date) => d.toISOString();

export function makeDbApi(pg: PGlite, userId: string = LOCAL_USER_ID) {
  const db: Db = drizzle(pg);

  const ownVideo = (videoId: string) => and(eq(videos.videoId, videoId), eq(videos.userId, userId));
  const liveScenesOf = (videoId: string) => and(eq(scenes.videoId, videoId), eq(scenes.userId, userId), eq(scenes.deleted, false));

  /** Derives the video state from its jobs (see the header) unless it is FAILED or DELETED. */
  async function syncVideoState(q: Queryable, videoId: string): Promise<void> {
    await q.execute(sql`
      update videos v set
        state = case
          when not exists (select 1 from jobs j where j.video_id = v.video_id and j.state <> 'COMPLETED')
            then 'INDEXED'::video_state
          when exists (select 1 from jobs j where j.video_id = v.video_id
                       and j.stage = 'UPLOAD_VALIDATE' and j.state <> 'COMPLETED')
            then 'VALIDATING'::video_state
          else 'PROCESSING'::video_state
        end,
        error = null,
        updated_at = now()
      where v.video_id = ${videoId} and v.user_id = ${userId} and not v.deleted
        and exists (select 1 from jobs j where j.video_id = v.video_id)
        and not exists (select 1 from jobs j where j.video_id = v.video_id and j.state in ('FAILED', 'CANCELLED'))
    `);
  }

  /** Removes every derived row of a video (scenes and what hangs off them, transcript, jobs). */
  async function clearVideoResults(q: Queryable, videoId: string): Promise<void> {
    await forgetVideoFaces(q, userId, videoId);
    await q.delete(scenes).where(eq(scenes.videoId, videoId));
    await q.delete(transcriptSegments).where(eq(transcriptSegments.videoId, videoId));
    await q.delete(jobs).where(eq(jobs.videoId, videoId));
  }

  async function applyWrite(tx: Tx, videoId: string, write: StageWrite): Promise<void> {
    switch (write.kind) {
      case 'probe': {
        const { durationS, width, height, fps } = write.probe;
        await tx
          .update(videos)
          .set({
            durationS,
            width,
            height,
            fps,
            metadata: sql`${videos.metadata} || jsonb_build_object('probe', ${JSON.stringify(write.probe)}::jsonb)`,
            updatedAt: sql`now()`,
          })
          .where(ownVideo(videoId));
        return;
      }
      case 'audio':
        await tx
          .update(videos)
          .set({
            metadata: sql`${videos.metadata} || jsonb_build_object('audio', ${JSON.stringify(write.audio)}::jsonb)`,
            updatedAt: sql`now()`,
          })
          .where(ownVideo(videoId));
        return;
      case 'scenes':
        await forgetVideoFaces(tx, userId, videoId);
        await tx.delete(scenes).where(eq(scenes.videoId, videoId));
        if (write.scenes.length > 0) {
          await tx
            .insert(scenes)
            .values(write.scenes.map((s) => ({ videoId, userId, idx: s.idx, startS: s.startS, endS: s.endS })));
        }
        return;
      case 'keyframes':
        for (const k of write.keyframes) await updateScene(tx, videoId, k.idx, 'keyframe', { keyframeS: k.keyframeS });
        return;
      case 'imageVectors':
        for (const v of write.vectors) {
          await updateScene(tx, videoId, v.idx, 'image vector', { imageVec: Array.from(v.vector), imageModel: write.modelId });
        }
        // The model's first vectors create its nearest-neighbour index; later writes keep it up to date.
        if (write.vectors[0]) await ensureVectorIndex(tx, write.modelId, write.vectors[0].vector.length);
        return;
      case 'ocrText':
        for (const t of write.texts) await updateScene(tx, videoId, t.idx, 'on-screen text', { ocrText: t.text });
        return;
      case 'faces': {
        await forgetVideoFaces(tx, userId, videoId);
        if (write.faces.length === 0) return;
        const sceneIds = new Map(
          (await tx.select({ idx: scenes.idx, sceneId: scenes.sceneId }).from(scenes).where(eq(scenes.videoId, videoId))).map(
            (r) => [r.idx, r.sceneId] as const,
          ),
        );
        await tx.insert(faces).values(
          write.faces.map((f) => {
            const sceneId = sceneIds.get(f.idx);
            if (!sceneId) throw new Error(`face for scene ${f.idx}, which does not exist`);
            return {
              sceneId,
              videoId,
              userId,
              bbox: f.box,
              score: f.score,
              embedding: Array.from(f.descriptor),
              faceModel: write.modelId,
              crop: f.crop,
            };
          }),
        );
        return;
      }
      case 'people':
        await clusterVideoFaces(tx, userId, videoId);
        return;
      case 'transcript': {
        await tx.delete(transcriptSegments).where(eq(transcriptSegments.videoId, videoId));
        if (write.segments.length > 0) {
          await tx.insert(transcriptSegments).values(write.segments.map((s) => ({ videoId, ...s })));
        }
        await tx.update(scenes).set({ transcript: '', updatedAt: sql`now()` }).where(eq(scenes.videoId, videoId));
        for (const t of write.sceneTexts) await updateScene(tx, videoId, t.idx, 'transcript', { transcript: t.text });
        await tx
          .update(videos)
          .set({ metadata: sql`${videos.metadata} || jsonb_build_object('language', ${write.language}::text)` })
          .where(ownVideo(videoId));
        return;
      }
      case 'thumbnails':
        for (const t of write.thumbnails) await updateScene(tx, videoId, t.idx, 'thumbnail', { thumbnail: t.jpeg });
        return;
    }
  }

  /** Sets columns of one scene of the video; a result for a scene that does not exist fails the whole write. */
  async function updateScene(tx: Tx, videoId: string, idx: number, what: string, values: Partial<typeof scenes.$inferInsert>) {
    const updated = await tx
      .update(scenes)
      .set({ ...values, updatedAt: sql`now()` })
      .where(and(eq(scenes.videoId, videoId), eq(scenes.idx, idx)))
      .returning({ sceneId: scenes.sceneId });
    if (updated.length === 0) throw new Error(`${what} for scene ${idx}, which does not exist`);
  }

  async function jobsOf(videoIds: string[]): Promise<Map<string, JobRow[]>> {
    const byVideo = new Map<string, JobRow[]>();
    if (videoIds.length === 0) return byVideo;
    const rows = await db
      .select({
        videoId: jobs.videoId,
        stage: jobs.stage,
        state: jobs.state,
        progress: jobs.progress,
        attempts: jobs.attempts,
        error: jobs.error,
        skippedReason: sql<string | null>`case when ${jobs.jobMetadata} ->> 'outcome' = 'skipped' then ${jobs.jobMetadata} ->> 'reason' end`,
        fillable: sql<boolean>`coalesce((${jobs.jobMetadata} ->> 'fillable')::boolean, false)`,
        details: sql<string | null>`case when ${jobs.state} = 'FAILED' then ${jobs.jobMetadata} ->> 'details' end`,
        retryable: sql<boolean>`${jobs.state} <> 'FAILED' or coalesce((${jobs.jobMetadata} ->> 'retryable')::boolean, true)`,
      })
      .from(jobs)
      .where(inArray(jobs.videoId, videoIds))
      .orderBy(asc(jobs.videoId), asc(jobs.stage));
    for (const { videoId, ...job } of rows) {
      const list = byVideo.get(videoId) ?? [];
      list.push(job);
      byVideo.set(videoId, list);
    }
    return byVideo;
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
    const jobsByVideo = await jobsOf(rows.map((r) => r.videoId));
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
    /** Settings and the visual model's re-embedding (visual-model.ts). */
    ...makeVisualModelQueries(db, userId, syncVideoState),

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
          .where(ownVideo(existing.videoId));
        return { status: 'revived', videoId: existing.videoId };
      });
    },

    /**
     * The file is saved: create one PENDING job per stage and hand the video to the pipeline
     * (VALIDATING). Does nothing unless the video is still UPLOADING (e.g. it was cancelled or
     * deleted meanwhile); returns whether it was queued.
     */
    async queueVideo(videoId: string, stages: JobStage[]): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [video] = await tx
          .update(videos)
          .set({ state: 'VALIDATING', error: null, updatedAt: sql`now()` })
          .where(and(ownVideo(videoId), eq(videos.state, 'UPLOADING'), eq(videos.deleted, false)))
          .returning({ videoId: videos.videoId });
        if (!video) return false;
        await tx.delete(jobs).where(eq(jobs.videoId, videoId));
        if (stages.length > 0) await tx.insert(jobs).values(stages.map((stage) => ({ videoId, stage })));
        await syncVideoState(tx, videoId);
        return true;
      });
    },

    /** Saving the file failed (or was cancelled): the video stays in the library, FAILED with why. */
    async failImport(videoId: string, reason: string): Promise<boolean> {
      const rows = await db
        .update(videos)
        .set({ state: 'FAILED', error: reason, updatedAt: sql`now()` })
        .where(and(ownVideo(videoId), eq(videos.state, 'UPLOADING')))
        .returning({ videoId: videos.videoId });
      return rows.length > 0;
    },

    /** At start: imports cut short by a reload can never finish (the File is gone). */
    async failInterruptedImports(): Promise<number> {
      const rows = await db
        .update(videos)
        .set({ state: 'FAILED', error: INTERRUPTED_IMPORT_REASON, updatedAt: sql`now()` })
        .where(and(eq(videos.userId, userId), eq(videos.state, 'UPLOADING'), eq(videos.deleted, false)))
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
        .where(ownVideo(videoId));
      return row?.probe ?? null;
    },

    /** Scenes of a video in order, with thumbnails, without vectors. */
    async listScenes(videoId: string): Promise<SceneRow[]> {
      const rows = await db
        .select({
          sceneId: scenes.sceneId,
          idx: scenes.idx,
          startS: scenes.startS,
          endS: scenes.endS,
          keyframeS: scenes.keyframeS,
          thumbnail: scenes.thumbnail,
          transcript: scenes.transcript,
          ocrText: scenes.ocrText,
          faceCount: sql<number>`(select count(*)::int from faces f where f.scene_id = "scenes"."scene_id" and not f.deleted)`,
          people: sql<{ personId: string; name: string }[]>`(
            select coalesce(json_agg(json_build_object('personId', p.person_id, 'name', coalesce(p.name, 'Person ' || p.number))
                                     order by p.name nulls last, p.number), '[]'::json)
            from scene_people sp join face_profiles p on p.person_id = sp.person_id
            where sp.scene_id = "scenes"."scene_id" and p.user_id = ${userId} and not p.deleted and not p.hidden)`,
          hasImageVector: sql<boolean>`"scenes"."image_vec" is not null`,
        })
        .from(scenes)
        .where(liveScenesOf(videoId))
        .orderBy(asc(scenes.idx));
      return rows.map((r) => ({ ...r, thumbnail: r.thumbnail ?? null }));
    },

    async listSceneTimes(videoId: string): Promise<SceneTimes[]> {
      return db
        .select({
          sceneId: scenes.sceneId,
          idx: scenes.idx,
          startS: scenes.startS,
          endS: scenes.endS,
          keyframeS: scenes.keyframeS,
        })
        .from(scenes)
        .where(liveScenesOf(videoId))
        .orderBy(asc(scenes.idx));
    },

    /** Every stage of a video with its state, in stage order. */
    async listStages(videoId: string): Promise<JobRow[]> {
      return (await jobsOf([videoId])).get(videoId) ?? [];
    },

    /**
     * The next stage to run: videos with a pending UPLOAD_VALIDATE first (a bad file is reported
     * at once, not after every earlier import), then the oldest video; within a video its first
     * unfinished stage in stage order, only when that stage is PENDING.
     */
    async nextWork(): Promise<NextWork | null> {
      const result = await db.execute<{ video_id: string; stage: JobStage }>(sql`
        select v.video_id, j.stage
        from videos v
        join lateral (
          select stage, state from jobs
          where jobs.video_id = v.video_id and jobs.state <> 'COMPLETED'
          order by stage limit 1
        ) j on true
        where v.user_id = ${userId} and not v.deleted
          and v.state in ('VALIDATING', 'PROCESSING') and j.state = 'PENDING'
        order by (j.stage = 'UPLOAD_VALIDATE') desc, v.created_at, v.video_id
        limit 1
      `);
      const row = result.rows[0];
      return row ? { videoId: row.video_id, stage: row.stage } : null;
    },

    /**
     * Claims a PENDING stage: RUNNING, attempts + 1. Returns the attempt number, or null when the
     * stage is no longer runnable (cancelled, deleted or claimed meanwhile).
     */
    async startStage(videoId: string, stage: JobStage): Promise<number | null> {
      const rows = await db
        .update(jobs)
        .set({
          state: 'RUNNING',
          attempts: sql`${jobs.attempts} + 1`,
          progress: 0,
          error: null,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(jobs.videoId, videoId),
            eq(jobs.stage, stage),
            eq(jobs.state, 'PENDING'),
            sql`exists (select 1 from videos v where v.video_id = "jobs"."video_id" and v.user_id = ${userId}
                        and not v.deleted and v.state in ('VALIDATING', 'PROCESSING'))`,
          ),
        )
        .returning({ attempts: jobs.attempts });
      return rows[0]?.attempts ?? null;
    },

    async setStageProgress(videoId: string, stage: JobStage, progress: number): Promise<void> {
      await db
        .update(jobs)
        .set({ progress: Math.min(1, Math.max(0, progress)), updatedAt: sql`now()` })
        .where(and(eq(jobs.videoId, videoId), eq(jobs.stage, stage), eq(jobs.state, 'RUNNING')));
    },

    /**
     * A stage's results and its job's completion, in ONE transaction: either both are stored or
     * neither (a throw in any write rolls everything back and the job stays RUNNING). Returns false,
     * writing nothing, when the job is not RUNNING any more.
     */
    async completeStage(videoId: string, stage: JobStage, completion: StageCompletion): Promise<boolean> {
      return db.transaction(async (tx) => {
        const metadata =
          completion.outcome === 'skipped'
            ? { outcome: 'skipped', reason: completion.reason ?? '', fillable: completion.fillable === true }
            : { outcome: 'done' };
        const done = await tx
          .update(jobs)
          .set({ state: 'COMPLETED', progress: 1, error: null, jobMetadata: metadata, updatedAt: sql`now()` })
          .where(and(eq(jobs.videoId, videoId), eq(jobs.stage, stage), eq(jobs.state, 'RUNNING')))
          .returning({ jobId: jobs.jobId });
        if (done.length === 0) return false;
        for (const write of completion.writes ?? []) await applyWrite(tx, videoId, write);
        await syncVideoState(tx, videoId);
        return true;
      });
    },

    /**
     * A RUNNING stage failed: the job is FAILED and the video FAILED with the human reason (its details
     * and whether a retry can help kept in the job's metadata); the results of earlier stages stay as
     * they are. Returns false when the job was not RUNNING.
     */
    async failStage(
      videoId: string,
      stage: JobStage,
      reason: string,
      failure: { details?: string | null; retryable?: boolean } = {},
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const metadata = { outcome: 'failed', details: failure.details ?? null, retryable: failure.retryable ?? true };
        const failed = await tx
          .update(jobs)
          .set({ state: 'FAILED', error: reason, jobMetadata: metadata, updatedAt: sql`now()` })
          .where(and(eq(jobs.videoId, videoId), eq(jobs.stage, stage), eq(jobs.state, 'RUNNING')))
          .returning({ jobId: jobs.jobId });
        if (failed.length === 0) return false;
        await tx
          .update(videos)
          .set({ state: 'FAILED', error: reason, updatedAt: sql`now()` })
          .where(and(ownVideo(videoId), eq(videos.deleted, false)));
        return true;
      });
    },

    /**
     * Cancels a video's processing: its first unfinished stage (running or pending) becomes
     * CANCELLED and the video FAILED with "Cancelled". Earlier results stay. Returns false when
     * nothing was left to cancel.
     */
    async cancelVideo(videoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const cancelled = await tx.execute<{ job_id: string }>(sql`
          update jobs set state = 'CANCELLED', error = ${CANCELLED_REASON}, updated_at = now()
          where job_id = (
            select j.job_id from jobs j join videos v on v.video_id = j.video_id
            where j.video_id = ${videoId} and v.user_id = ${userId} and not v.deleted
              and v.state in ('VALIDATING', 'PROCESSING') and j.state in ('PENDING', 'RUNNING')
            order by j.stage limit 1)
          returning job_id
        `);
        if (cancelled.rows.length === 0) return false;
        await tx
          .update(videos)
          .set({ state: 'FAILED', error: CANCELLED_REASON, updatedAt: sql`now()` })
          .where(ownVideo(videoId));
        return true;
      });
    },

    /**
     * Retry: FAILED and CANCELLED stages become PENDING again; the video goes back to VALIDATING
     * (validation had not passed) or PROCESSING. Completed stages are kept, so the pipeline
     * resumes at the stage that failed. Returns false when there was nothing to retry.
     */
    async retryVideo(videoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const retried = await tx
          .update(jobs)
          .set({ state: 'PENDING', progress: 0, error: null, updatedAt: sql`now()` })
          .where(
            and(
              eq(jobs.videoId, videoId),
              inArray(jobs.state, STOPPED_JOB_STATES),
              sql`exists (select 1 from videos v where v.video_id = "jobs"."video_id"
                          and v.user_id = ${userId} and not v.deleted)`,
            ),
          )
          .returning({ jobId: jobs.jobId });
        if (retried.length === 0) return false;
        await syncVideoState(tx, videoId);
        return true;
      });
    },

    /**
     * Fills in what an indexed video lacks: each of `stages` skipped in a way that can be filled in (its model was absent)
     * or that the video has no job for (indexed by an older version) runs again, then FINALIZE.
     * Returns the number of stages queued; 0 when there is nothing to fill in or the video is busy.
     */
    async reindexVideo(videoId: string, stages: JobStage[]): Promise<number> {
      return db.transaction(async (tx) => {
        const [video] = await tx
          .select({ state: videos.state })
          .from(videos)
          .where(and(ownVideo(videoId), eq(videos.deleted, false)));
        if (video?.state !== 'INDEXED') return 0;
        const existing = await tx.select({ stage: jobs.stage, metadata: jobs.jobMetadata }).from(jobs).where(eq(jobs.videoId, videoId));
        const known = new Set(existing.map((j) => j.stage));
        const missing = stages.filter((stage) => !known.has(stage));
        if (missing.length > 0) await tx.insert(jobs).values(missing.map((stage) => ({ videoId, stage })));
        const skipped = existing
          .filter((j) => stages.includes(j.stage) && j.metadata.outcome === 'skipped' && j.metadata.fillable === true)
          .map((j) => j.stage);
        const queued = [...missing, ...skipped];
        if (queued.length === 0) return 0;
        await tx
          .update(jobs)
          .set({ state: 'PENDING', progress: 0, error: null, jobMetadata: {}, updatedAt: sql`now()` })
          .where(and(eq(jobs.videoId, videoId), inArray(jobs.stage, [...skipped, 'FINALIZE'])));
        await syncVideoState(tx, videoId);
        return queued.length;
      });
    },

    /** At start: stages that were RUNNING when the page went away run again from the beginning. */
    async resetInterruptedJobs(): Promise<number> {
      const rows = await db
        .update(jobs)
        .set({ state: 'PENDING', progress: 0, updatedAt: sql`now()` })
        .where(
          and(
            eq(jobs.state, 'RUNNING'),
            sql`exists (select 1 from videos v where v.video_id = "jobs"."video_id" and v.user_id = ${userId})`,
          ),
        )
        .returning({ jobId: jobs.jobId });
      return rows.length;
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
          .where(ownVideo(videoId))
          .returning({ videoId: videos.videoId });
        if (rows.length === 0) return false;
        await clearVideoResults(tx, videoId);
        return true;
      });
    },
  };
}

export type DbApi = ReturnType<typeof makeDbApi>;
