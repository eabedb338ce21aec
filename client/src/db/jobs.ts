// The pipeline's jobs: one per stage of a video, and the video state they decide.
//
// Video state follows the jobs: a failed or cancelled job makes the video FAILED (with the reason);
// otherwise it is VALIDATING until UPLOAD_VALIDATE completes, PROCESSING while any stage is left and
// INDEXED once every stage has completed. Completing a stage derives the state in the same
// transaction, so the two can never disagree after a crash.
import { jobs, videos } from '@heimdex/shared-schema';
import type { Job, JobStage, JobState } from '@heimdex/shared-schema';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ownVideo } from './scope.ts';
import { applyWrite, type StageWrite } from './stage-writes.ts';
import type { Db, Queryable, Tx } from './types.ts';

export const CANCELLED_REASON = 'Cancelled';

/** A job's columns, and what its metadata says about the outcome. */
export type JobRow = Pick<Job, 'stage' | 'state' | 'progress' | 'attempts' | 'error'> & {
  /** Why a COMPLETED stage did no work (e.g. its model is not installed); null when it did. */
  skippedReason: string | null;
  /** The skip can be filled in by Re-index (a model was missing). */
  fillable: boolean;
  /**
   * A stage run again that failed or was cancelled after it had done its work once: skipped now, and what the
   * video shows is what that earlier run found (so "no faces" still means none were found, not "not looked for").
   */
  keptEarlier: boolean;
  /** Technical details of a FAILED stage (shown behind "Show details"); null when none. */
  details: string | null;
  /** Whether retrying a FAILED stage can help (false for a bad file); true for every other state. */
  retryable: boolean;
  /** The pass a stage that did its work ran at (pipeline/plan.ts, STAGE_PASSES): 1 when none was recorded. */
  pass: number;
};

/** The next stage to run: the first unfinished stage of a video, when that stage is PENDING. */
export type NextWork = Pick<Job, 'videoId' | 'stage'>;

/** A stage being run, as startStage counted it: `attempt` is its `attempts` once claimed. */
export type RunningStage = NextWork & { attempt: number };

/** What resetInterruptedJobs found at start. */
export interface InterruptedJobs {
  /** Stages put back in the queue. */
  requeued: number;
  /**
   * Stages interrupted `maxAttempts` times in a row (each start counted, a clean exit given back): most likely
   * the video makes the tab crash there. Left RUNNING for the caller to fail with its reason.
   */
  exhausted: RunningStage[];
}

export interface StageCompletion {
  outcome: 'done' | 'skipped';
  /** Why a stage was skipped (kept in the job's metadata). */
  reason?: string;
  /** The skip can be filled in later (its model was missing): Re-index runs such stages again. */
  fillable?: boolean;
  /** The pass of the stage that did its work (pipeline/plan.ts, STAGE_PASSES), kept in the job's metadata. */
  pass?: number;
  writes?: StageWrite[];
}

// Correlated subqueries name the outer column in full ("videos"."video_id"): drizzle renders a
// column of the statement's own table unqualified, which inside a subquery would bind to the
// subquery's table instead.

const STOPPED_JOB_STATES: JobState[] = ['FAILED', 'CANCELLED'];

/** A COMPLETED job's metadata when its stage did no work: why, and whether installing something would fill it in. */
const skippedMetadata = (reason: string, fillable: boolean) => ({ outcome: 'skipped', reason, fillable });

/**
 * A stage queued again on an indexed video (runStagesAgain, reindexVideo): `again`, so that its failure or
 * cancellation keeps the video's earlier results (failStage, cancelVideo) instead of failing the video; `hadResults`
 * when it had done its work before (see JobRow.keptEarlier).
 */
const againMetadata = (hadResults: boolean) => ({ again: true, hadResults });

/** A stage run again that stopped without writing (see againMetadata): skipped, the earlier results kept. */
const keptMetadata = (reason: string, queued: Record<string, unknown>) => ({
  ...skippedMetadata(`${reason} The earlier results are kept.`, false),
  keptEarlier: queued.hadResults === true,
});

/**
 * Puts these stages of a video back in the queue (a fresh PENDING job each, whatever they were) and derives its
 * state again: how a model change, Re-index or a raised pass runs stages again. Inside the caller's transaction.
 * Each is marked run again (againMetadata; `hadResults` when the stages had done their work, see JobRow.keptEarlier),
 * so that one failing or cancelled before it writes keeps what the video had instead of failing it.
 */
export async function requeueStages(tx: Tx, userId: string, videoId: string, stages: readonly JobStage[], hadResults = false): Promise<void> {
  const metadata = againMetadata(hadResults);
  await tx
    .insert(jobs)
    .values(stages.map((stage) => ({ videoId, stage, jobMetadata: metadata })))
    .onConflictDoUpdate({
      target: [jobs.videoId, jobs.stage],
      set: { state: 'PENDING', progress: 0, attempts: 0, error: null, jobMetadata: metadata, updatedAt: sql`now()` },
    });
  await syncVideoState(tx, userId, videoId);
}

/**
 * Derives the video state from its jobs (see the header) unless it is FAILED or DELETED; the first time every stage
 * has completed, the video's first indexing is over (search reads it from then on, see videos.firstIndexing).
 */
export async function syncVideoState(q: Queryable, userId: string, videoId: string): Promise<void> {
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
      first_indexing = v.first_indexing and exists (select 1 from jobs j where j.video_id = v.video_id and j.state <> 'COMPLETED'),
      error = null,
      updated_at = now()
    where v.video_id = ${videoId} and v.user_id = ${userId} and not v.deleted
      and exists (select 1 from jobs j where j.video_id = v.video_id)
      and not exists (select 1 from jobs j where j.video_id = v.video_id and j.state in ('FAILED', 'CANCELLED'))
  `);
}

/** Every job of each video, in stage order; the caller has scoped `videoIds` to its user. */
export async function jobsOf(q: Queryable, videoIds: string[]): Promise<Map<string, JobRow[]>> {
  const byVideo = new Map<string, JobRow[]>();
  if (videoIds.length === 0) return byVideo;
  const rows = await q
    .select({
      videoId: jobs.videoId,
      stage: jobs.stage,
      state: jobs.state,
      progress: jobs.progress,
      attempts: jobs.attempts,
      error: jobs.error,
      skippedReason: sql<string | null>`case when ${jobs.jobMetadata} ->> 'outcome' = 'skipped' then ${jobs.jobMetadata} ->> 'reason' end`,
      fillable: sql<boolean>`coalesce((${jobs.jobMetadata} ->> 'fillable')::boolean, false)`,
      keptEarlier: sql<boolean>`coalesce((${jobs.jobMetadata} ->> 'keptEarlier')::boolean, false)`,
      details: sql<string | null>`case when ${jobs.state} = 'FAILED' then ${jobs.jobMetadata} ->> 'details' end`,
      retryable: sql<boolean>`${jobs.state} <> 'FAILED' or coalesce((${jobs.jobMetadata} ->> 'retryable')::boolean, true)`,
      pass: sql<number>`coalesce((${jobs.jobMetadata} ->> 'pass')::int, 1)`,
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

export function makeJobQueries(db: Db, userId: string) {
  /** The user's video is INDEXED (not busy, failed or gone): only then are its stages run again. */
  const isIndexed = async (tx: Tx, videoId: string) => {
    const [video] = await tx
      .select({ state: videos.state })
      .from(videos)
      .where(and(ownVideo(userId, videoId), eq(videos.deleted, false)));
    return video?.state === 'INDEXED';
  };

  return {
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
          .where(and(ownVideo(userId, videoId), eq(videos.state, 'UPLOADING'), eq(videos.deleted, false)))
          .returning({ videoId: videos.videoId });
        if (!video) return false;
        await tx.delete(jobs).where(eq(jobs.videoId, videoId));
        if (stages.length > 0) await tx.insert(jobs).values(stages.map((stage) => ({ videoId, stage })));
        await syncVideoState(tx, userId, videoId);
        return true;
      });
    },

    /** Every stage of a video with its state, in stage order. */
    async listStages(videoId: string): Promise<JobRow[]> {
      return (await jobsOf(db, [videoId])).get(videoId) ?? [];
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
            ? skippedMetadata(completion.reason ?? '', completion.fillable === true)
            : { outcome: 'done', ...(completion.pass === undefined ? {} : { pass: completion.pass }) };
        const done = await tx
          .update(jobs)
          .set({ state: 'COMPLETED', progress: 1, error: null, jobMetadata: metadata, updatedAt: sql`now()` })
          .where(and(eq(jobs.videoId, videoId), eq(jobs.stage, stage), eq(jobs.state, 'RUNNING')))
          .returning({ jobId: jobs.jobId });
        if (done.length === 0) return false;
        for (const write of completion.writes ?? []) await applyWrite(tx, userId, videoId, write);
        await syncVideoState(tx, userId, videoId);
        return true;
      });
    },

    /**
     * A RUNNING stage failed: the job is FAILED and the video FAILED with the human reason (its details
     * and whether a retry can help kept in the job's metadata); the results of earlier stages stay as
     * they are. A stage run again on an indexed video (runStagesAgain, reindexVideo) is kept as skipped instead, with
     * the reason, and the video goes on with what it had. Returns false when the job was not RUNNING.
     */
    async failStage(
      videoId: string,
      stage: JobStage,
      reason: string,
      failure: { details?: string | null; retryable?: boolean } = {},
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const running = and(eq(jobs.videoId, videoId), eq(jobs.stage, stage), eq(jobs.state, 'RUNNING'));
        const [job] = await tx.select({ metadata: jobs.jobMetadata }).from(jobs).where(running);
        if (job?.metadata.again === true) {
          // Run again on an indexed video, the stage wrote nothing: the video keeps what it had and stays
          // searchable, instead of failing for work it had already done once or a gap it had before.
          await tx
            .update(jobs)
            .set({ state: 'COMPLETED', progress: 1, error: null, jobMetadata: keptMetadata(reason, job.metadata), updatedAt: sql`now()` })
            .where(running);
          await syncVideoState(tx, userId, videoId);
          return true;
        }
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
          .where(and(ownVideo(userId, videoId), eq(videos.deleted, false)));
        return true;
      });
    },

    /**
     * Cancels a video's processing: its first unfinished stage (running or pending) becomes
     * CANCELLED and the video FAILED with "Cancelled". Earlier results stay. Returns false when
     * nothing was left to cancel.
     *
     * Stages run again on an indexed video (runStagesAgain, reindexVideo) that have written nothing yet are kept as skipped
     * instead ("Cancelled. The earlier results are kept."), and the video stays indexed and searchable: stopping a
     * catch-up the person never asked for must not take the video out of search. Once one of them has written its
     * results (faces detected anew, not yet embedded), the video is cancelled as any other, and Retry finishes it;
     * search still reads it meanwhile, on what it has (its first indexing is over: ownScenes, migration 0016).
     */
    async cancelVideo(videoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const unfinished = sql`j.video_id = ${videoId} and j.state in ('PENDING', 'RUNNING')`;
        const first = sql`select j.job_id from jobs j join videos v on v.video_id = j.video_id
            where ${unfinished} and v.user_id = ${userId} and not v.deleted and v.state in ('VALIDATING', 'PROCESSING')
            order by j.stage limit 1`;
        const [untouched] = (
          await tx.execute<{ job_id: string }>(sql`
            select j.job_id from jobs j where j.job_id = (${first}) and j.metadata->>'again' = 'true'
              and not exists (select 1 from jobs other where other.video_id = j.video_id
                and other.state in ('PENDING', 'RUNNING') and other.metadata->>'again' is distinct from 'true')
              and not exists (select 1 from jobs done where done.video_id = j.video_id and done.state = 'COMPLETED'
                and done.updated_at > (select min(a.updated_at) from jobs a where a.video_id = j.video_id
                  and a.state in ('PENDING', 'RUNNING') and a.metadata->>'again' = 'true'))`)
        ).rows;
        if (untouched) {
          const again = and(eq(jobs.videoId, videoId), inArray(jobs.state, ['PENDING', 'RUNNING']), sql`${jobs.jobMetadata}->>'again' = 'true'`);
          for (const job of await tx.select({ stage: jobs.stage, metadata: jobs.jobMetadata }).from(jobs).where(again)) {
            await tx
              .update(jobs)
              .set({ state: 'COMPLETED', progress: 1, error: null, jobMetadata: keptMetadata(`${CANCELLED_REASON}.`, job.metadata), updatedAt: sql`now()` })
              .where(and(eq(jobs.videoId, videoId), eq(jobs.stage, job.stage)));
          }
          await syncVideoState(tx, userId, videoId);
          return true;
        }
        const cancelled = await tx.execute<{ job_id: string }>(sql`
          update jobs set state = 'CANCELLED', error = ${CANCELLED_REASON}, updated_at = now()
          where job_id = (${first})
          returning job_id
        `);
        if (cancelled.rows.length === 0) return false;
        await tx
          .update(videos)
          .set({ state: 'FAILED', error: CANCELLED_REASON, updatedAt: sql`now()` })
          .where(ownVideo(userId, videoId));
        return true;
      });
    },

    /**
     * Retry: FAILED and CANCELLED stages become PENDING again, their attempts counted from 0 (the user asked
     * for another go: a stage stopped after crashing the tab gets its full count again); the video goes back
     * to VALIDATING (validation had not passed) or PROCESSING. Completed stages are kept, so the pipeline
     * resumes at the stage that failed. Returns false when there was nothing to retry.
     */
    async retryVideo(videoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const retried = await tx
          .update(jobs)
          .set({ state: 'PENDING', progress: 0, attempts: 0, error: null, updatedAt: sql`now()` })
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
        await syncVideoState(tx, userId, videoId);
        return true;
      });
    },

    /**
     * Fills in what an indexed video lacks: each of `stages` skipped in a way that can be filled in (its model was absent)
     * or that the video has no job for (indexed by an older version) runs again, then TEXT_INDEX (it embeds the text
     * the stages before it write) and FINALIZE. The video stays searchable meanwhile with what it had, and keeps it
     * if one of them fails or is cancelled (see againMetadata): a model that arrives, or an update, must not take a
     * video out of search. Returns the number of stages queued; 0 when there is nothing to fill in or the video is busy.
     */
    async reindexVideo(videoId: string, stages: JobStage[]): Promise<number> {
      return db.transaction(async (tx) => {
        if (!(await isIndexed(tx, videoId))) return 0;
        const existing = await tx.select({ stage: jobs.stage, metadata: jobs.jobMetadata }).from(jobs).where(eq(jobs.videoId, videoId));
        const missing = stages.filter((stage) => !existing.some((j) => j.stage === stage));
        const skipped = existing
          .filter((j) => stages.includes(j.stage) && j.metadata.outcome === 'skipped' && j.metadata.fillable === true)
          .map((j) => j.stage);
        const queued = [...missing, ...skipped];
        if (queued.length === 0) return 0;
        const after = existing.filter((j) => (j.stage === 'TEXT_INDEX' || j.stage === 'FINALIZE') && !queued.includes(j.stage));
        await requeueStages(tx, userId, videoId, queued);
        for (const hadResults of [true, false]) {
          const again = after.filter((j) => (j.metadata.outcome === 'done') === hadResults).map((j) => j.stage);
          if (again.length > 0) await requeueStages(tx, userId, videoId, again, hadResults);
        }
        return queued.length;
      });
    },

    /**
     * Runs `stages` of an indexed video again although they did their work (a stage's pass was raised: see
     * pipeline/plan.ts, STAGE_PASSES), then FINALIZE; the video stays searchable meanwhile with what it had, and
     * keeps it if one of them fails (failStage: the stage is kept as skipped, with why, and the video indexed). Only
     * stages that completed having done their work: a skipped one waits for its model (reindexVideo). Returns the
     * number of stages queued; 0 when the video is not INDEXED (busy, failed, gone).
     */
    async runStagesAgain(videoId: string, stages: JobStage[]): Promise<number> {
      return db.transaction(async (tx) => {
        if (!(await isIndexed(tx, videoId))) return 0;
        const done = await tx
          .select({ stage: jobs.stage })
          .from(jobs)
          .where(
            and(eq(jobs.videoId, videoId), inArray(jobs.stage, stages), eq(jobs.state, 'COMPLETED'), sql`${jobs.jobMetadata} ->> 'outcome' = 'done'`),
          );
        if (done.length === 0) return 0;
        await requeueStages(tx, userId, videoId, [...done.map((j) => j.stage), 'FINALIZE'], true);
        return done.length;
      });
    },

    /**
     * At start: stages that were RUNNING when the page went away run again from the beginning, unless they were
     * started `maxAttempts` times without finishing (returned as `exhausted`, still RUNNING, for the runner to
     * fail with its reason). `leftCleanly`: the stage a page was running when it closed normally (a reload, a
     * hand-over to another tab), whose start is given back: only a crash counts against a stage.
     */
    async resetInterruptedJobs(
      options: { maxAttempts?: number; leftCleanly?: RunningStage | null } = {},
    ): Promise<InterruptedJobs> {
      const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
      const ownJob = sql`exists (select 1 from videos v where v.video_id = "jobs"."video_id" and v.user_id = ${userId})`;
      return db.transaction(async (tx) => {
        const clean = options.leftCleanly;
        if (clean) {
          await tx
            .update(jobs)
            .set({ attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
            .where(
              and(
                eq(jobs.videoId, clean.videoId),
                eq(jobs.stage, clean.stage),
                eq(jobs.state, 'RUNNING'),
                eq(jobs.attempts, clean.attempt),
                ownJob,
              ),
            );
        }
        const interrupted = await tx
          .select({ videoId: jobs.videoId, stage: jobs.stage, attempt: jobs.attempts })
          .from(jobs)
          .where(and(eq(jobs.state, 'RUNNING'), ownJob))
          .orderBy(asc(jobs.videoId), asc(jobs.stage));
        const exhausted = interrupted.filter((job) => job.attempt >= maxAttempts);
        const requeued = interrupted.filter((job) => job.attempt < maxAttempts);
        for (const job of requeued) {
          await tx
            .update(jobs)
            .set({ state: 'PENDING', progress: 0, updatedAt: sql`now()` })
            .where(and(eq(jobs.videoId, job.videoId), eq(jobs.stage, job.stage), eq(jobs.state, 'RUNNING')));
        }
        return { requeued: requeued.length, exhausted };
      });
    },
  };
}
