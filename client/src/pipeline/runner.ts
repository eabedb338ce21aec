// The job runner: one loop that takes the next stage to run from the database, runs it and stores
// its outcome. Each stage's results and its job's completion are written in one transaction
// (DbApi.completeStage), so a reload at any moment resumes at the first unfinished stage and a
// re-run never duplicates rows. A FAILED mark the full storage refuses is kept (unrecorded()) and shown, and no
// stage starts until it is written: the job is never left looking RUNNING.
//
// The runner knows nothing of media or files: stages and what they receive (`prepare`) are
// injected, so its logic runs in Node against a real PGlite with small stages of a test's own.
import type { JobStage } from '@heimdex/shared-schema';
import type { DbApi } from '../db/api.ts';
import type { NextWork, RunningStage } from '../db/jobs.ts';
import type { StageWrite } from '../db/stage-writes.ts';
import { overallProgressAt, STAGE_LABELS, stagePass } from './plan.ts';
import { messageOf } from '../errors.ts';
import { WorkerCrashed } from '../worker-crash.ts';
import { createStallWatchdog, STALL_MS } from './stall-watchdog.ts';

/**
 * Starts of one stage without finishing (each start counted, a clean exit given back) after which the stage is
 * failed instead of run again: the video most likely makes the tab crash there, and a tab that crashes on every
 * start would otherwise never index anything else. Retry counts from 0 again.
 */
export const MAX_STAGE_ATTEMPTS = 3;
import { isStorageFull, STORAGE_FULL_MESSAGE, storageFull } from '../storage-full.ts';

/** How often the runner tries again to write a failure the full storage refused (wake() tries at once). */
export const UNRECORDED_RETRY_MS = 5_000;

/** Expected outcomes are values; only the unexpected is thrown (then the stage fails with its message). */
export type StageResult =
  | { status: 'done'; writes?: StageWrite[] }
  /** `fillable`: installing something (a model) would let the stage do its work; Re-index runs it again then. */
  | { status: 'skipped'; reason: string; fillable?: boolean; writes?: StageWrite[] }
  /**
   * Bad input: `reason` is one short sentence for the user, `details` the technical rest. Not retryable
   * unless `retryable` says so (running the same stage on the same file would fail the same way).
   */
  | { status: 'failed'; reason: string; details?: string | null; retryable?: boolean };

/** How a failed stage is recorded: the user's sentence, the details behind it, and whether Retry can help. */
export interface FailureInfo {
  reason: string;
  details: string | null;
  retryable: boolean;
}

/**
 * A failed stage whose FAILED mark the database refused for want of room: the job is still RUNNING in the database.
 * The runner keeps it (and shows it through `unrecorded()`) until a write of it succeeds.
 */
export interface UnrecordedFailure extends FailureInfo {
  videoId: string;
  stage: JobStage;
  /** False when the full storage refused even the stage's start: its job is still PENDING, claimed before the mark. */
  claimed: boolean;
}

/** Where unrecorded failures outlive the page, so the next start marks the job FAILED instead of running it again. */
export interface UnrecordedStore {
  load(): UnrecordedFailure[];
  save(failures: readonly UnrecordedFailure[]): void;
}

/**
 * An expected failure whose message is for the user (e.g. the stored file is gone). Thrown from a
 * stage or from `prepare`, it fails the stage with exactly this message; anything else thrown is
 * reported as an unexpected failure of the stage (retryable: a crash may not happen twice).
 */
export class StageFailure extends Error {
  override readonly name = 'StageFailure';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.retryable = options.retryable ?? false;
  }
}

/** What every stage run gets; `prepare` adds the rest (the file, the media worker, reads). */
export interface StageRun {
  videoId: string;
  stage: JobStage;
  /** 1 for the first run of this stage, 2 after a retry or a resume, ... */
  attempt: number;
  /** Aborted when the user cancels or deletes the video, or the runner stops. */
  signal: AbortSignal;
  /** Fraction (0..1) of this stage done. */
  onProgress: (fraction: number) => void;
  /** Waits for something outside the stage (a model download): that time never counts as the stage being stuck. */
  waitOutside<T>(work: Promise<T>): Promise<T>;
}

export interface PipelineStage<C> {
  stage: JobStage;
  run(context: C): Promise<StageResult>;
}

export type RunnerDb = Pick<
  DbApi,
  | 'nextWork'
  | 'startStage'
  | 'setStageProgress'
  | 'completeStage'
  | 'failStage'
  | 'cancelVideo'
  | 'retryVideo'
  | 'resetInterruptedJobs'
  | 'deleteVideo'
  | 'tidyTables'
>;

export type StageOutcome = 'done' | 'skipped' | 'failed' | 'cancelled' | 'interrupted';

export type RunnerEvent =
  | { type: 'stage-started'; videoId: string; stage: JobStage; attempt: number; overallProgress: number }
  | { type: 'progress'; videoId: string; stage: JobStage; stageProgress: number; overallProgress: number }
  | { type: 'stage-finished'; videoId: string; stage: JobStage; outcome: StageOutcome; reason?: string }
  /** A video changed outside a stage run (retry, cancel of a waiting video, delete). */
  | { type: 'video-changed'; videoId: string }
  /** Nothing left to run. */
  | { type: 'idle' }
  /** The loop itself hit an error (e.g. the database went away); it retries shortly. */
  | { type: 'error'; message: string };

export interface RunnerOptions<C> {
  db: RunnerDb;
  /** The stages, in pipeline order. */
  stages: readonly PipelineStage<C>[];
  /** Builds a stage's context (e.g. loads the video file). A throw fails the stage with its message. */
  prepare: (run: StageRun) => Promise<C>;
  onEvent?: (event: RunnerEvent) => void;
  /** Stops in-flight work of the current stage at once (e.g. terminates ffmpeg); the signal is aborted too. */
  abortWork?: () => void;
  /**
   * Runs the loop while holding the pipeline for this origin. Default: the Web Lock
   * "heimdex-pipeline" where the browser has Web Locks (only one tab runs stages), else directly.
   */
  exclusive?: (body: () => Promise<void>, signal: AbortSignal) => Promise<void>;
  /** Progress is written to the database at most this often (events are not throttled). */
  progressWriteIntervalMs?: number;
  /** Pause after the loop itself failed, before it tries again. */
  errorBackoffMs?: number;
  /** Starts of a stage without finishing before it is failed (default MAX_STAGE_ATTEMPTS). */
  maxAttempts?: number;
  /** A stage with no progress for this long is stopped and failed (default STALL_MS). */
  stallMs?: number;
  /**
   * Read once as the loop starts: the stage a page was running when it closed normally (a reload, a hand-over),
   * whose start is then not counted against it (clean-exit.ts). Default: none.
   */
  leftCleanly?: () => RunningStage | null;
  /**
   * Removes what the stage wrote that a run can make again (a partial audio track, keyframes), when the full storage
   * refused its FAILED mark: the mark is then tried once more. Default: nothing to remove.
   */
  freeSpace?: (stage: NextWork) => Promise<void>;
  /** Keeps unrecorded failures across page loads (default: this page's memory only). */
  unrecordedStore?: UnrecordedStore;
  /** Pause between tries of unrecorded failures (default UNRECORDED_RETRY_MS). */
  unrecordedRetryMs?: number;
}

export interface Runner {
  /** Starts the loop in the background: takes the lock, resets interrupted stages, runs until stopped. */
  start(): void;
  /** Looks for work now (call after queueing a video). */
  wake(): void;
  /** Resolves when the loop next finds nothing to run (or at once when it is not running). */
  settled(): Promise<void>;
  /** Cancels a video: its running stage is aborted, the job CANCELLED and the video FAILED "Cancelled". */
  cancel(videoId: string): Promise<void>;
  /** Re-queues the failed or cancelled stages of a video; false when there was nothing to retry. */
  retry(videoId: string): Promise<boolean>;
  /** Aborts the video's running stage, if any, then deletes it. False for an unknown video. */
  remove(videoId: string): Promise<boolean>;
  /** Aborts the running stage without recording anything (it resumes at the next start) and ends the loop. */
  stop(): Promise<void>;
  /** The stage running now, once claimed; null when none. */
  running(): RunningStage | null;
  /**
   * Failures the full storage kept from the database, by video: show them as they are (the rows still say RUNNING).
   * While there is one, the runner starts no stage (it would meet the same full storage).
   */
  unrecorded(): ReadonlyMap<string, UnrecordedFailure>;
}

type AbortCause = 'cancel' | 'delete' | 'stop' | 'stalled';

interface CurrentRun {
  videoId: string;
  /** Set once the stage is claimed. */
  claimed: RunningStage | null;
  abort(cause: AbortCause): void;
  done: Promise<void>;
}

const PIPELINE_LOCK = 'heimdex-pipeline';

/** Runs `body` holding the origin-wide pipeline lock where Web Locks exist. */
export async function withPipelineLock(body: () => Promise<void>, signal: AbortSignal): Promise<void> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return body();
  try {
    await locks.request(PIPELINE_LOCK, { signal }, body);
  } catch (error) {
    if (!signal.aborted) throw error; // stopped while waiting for another tab: not an error
  }
}


/** The parts of the app a crashed worker stands for, as the person using it would say it. */
const WORKER_PARTS = { media: 'reads the video', ml: 'runs the recognition models' } as const;

/**
 * A throw from a stage: a StageFailure as it says; a crashed worker (restarted by its client) or anything else a
 * crash, told in a sentence with the error as details.
 */
function failureOf(stage: JobStage, error: unknown): FailureInfo {
  if (error instanceof StageFailure) return { reason: error.message, details: null, retryable: error.retryable };
  if (error instanceof WorkerCrashed) {
    return {
      reason: `${STAGE_LABELS[stage]} stopped: the part of the app that ${WORKER_PARTS[error.worker]} crashed on this video. It has been restarted; Retry to try again.`,
      details: error.message,
      retryable: true,
    };
  }
  // A full disk is no crash: its own sentence says what to do; once there is room, Retry works.
  if (isStorageFull(error)) return { reason: STORAGE_FULL_MESSAGE, details: null, retryable: true };
  return { reason: `${STAGE_LABELS[stage]} stopped unexpectedly.`, details: messageOf(error), retryable: true };
}

/** A stage the watchdog stopped after `ms` without progress. */
export function stalledFailure(stage: JobStage, ms: number): FailureInfo {
  const minutes = Math.round(ms / 60_000);
  const waited = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`;
  return {
    reason: `${STAGE_LABELS[stage]} stopped responding on this video and was stopped after ${waited} without progress. Retry to try again.`,
    details: `No progress for ${Math.round(ms / 1000)} s during “${STAGE_LABELS[stage]}”; its work was ended.`,
    retryable: true,
  };
}

/** A stage that was started `attempts` times and never finished: the tab crashed each time. */
export function crashLoopFailure(stage: JobStage, attempts: number): FailureInfo {
  return {
    reason: `Indexing stopped after ${attempts} attempts: the video made the app crash while ${STAGE_LABELS[stage].toLowerCase()}.`,
    details: `The tab closed unexpectedly ${attempts} times during “${STAGE_LABELS[stage]}”. Retry to try once more.`,
    retryable: true,
  };
}

export function createRunner<C>(options: RunnerOptions<C>): Runner {
  const { db, stages, prepare, onEvent = () => {}, abortWork = () => {} } = options;
  const maxAttempts = options.maxAttempts ?? MAX_STAGE_ATTEMPTS;
  const stallMs = options.stallMs ?? STALL_MS;
  const exclusive = options.exclusive ?? withPipelineLock;
  const progressWriteIntervalMs = options.progressWriteIntervalMs ?? 500;
  const errorBackoffMs = options.errorBackoffMs ?? 2000;
  const freeSpace = options.freeSpace ?? (async () => {});
  const unrecordedRetryMs = options.unrecordedRetryMs ?? UNRECORDED_RETRY_MS;
  const stageOrder = stages.map((s) => s.stage);
  const byStage = new Map(stages.map((s) => [s.stage, s]));

  let loop: Promise<void> | null = null;
  let stopping = new AbortController();
  let current: CurrentRun | null = null;
  let woken = false;
  let wakeUp: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];
  const unrecorded = new Map<string, UnrecordedFailure>();

  const emit = (event: RunnerEvent) => {
    try {
      onEvent(event);
    } catch (error) {
      console.error('pipeline event listener failed', error); // a listener must not break the pipeline
    }
  };

  function wake() {
    woken = true;
    wakeUp?.();
  }

  /** Waits for wake() (or `ms`, when given); returns at once if woken meanwhile. */
  function sleep(ms?: number): Promise<void> {
    if (woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => wakeUp?.(), ms);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      };
    });
  }

  async function runStage(videoId: string, stage: JobStage): Promise<void> {
    const controller = new AbortController();
    // Why the run was aborted (set from cancel/remove/stop while the stage awaits).
    const aborted: { cause: AbortCause | null } = { cause: null };
    let settle!: () => void;
    const run: CurrentRun = {
      videoId,
      claimed: null,
      abort(why) {
        if (aborted.cause) return;
        aborted.cause = why;
        controller.abort(new DOMException(`Stage ${why}`, 'AbortError'));
        abortWork();
      },
      done: new Promise((resolve) => (settle = resolve)),
    };
    current = run;
    try {
      let attempt: number | null;
      try {
        attempt = await db.startStage(videoId, stage);
      } catch (error) {
        if (!isStorageFull(error)) throw error;
        // The full storage refused even the claim: the stage fails as every stage meeting it does.
        await fail(videoId, stage, failureOf(stage, error), { claimed: false });
        return;
      }
      if (attempt === null) return; // cancelled, deleted or taken meanwhile
      run.claimed = { videoId, stage, attempt };
      if (controller.signal.aborted) {
        await settleAbort(videoId, stage, aborted.cause);
        return;
      }
      const definition = byStage.get(stage);
      if (!definition) {
        await fail(videoId, stage, { reason: `This version of Heimdex cannot run the stage “${STAGE_LABELS[stage]}”.`, details: null, retryable: false });
        return;
      }
      emit({ type: 'stage-started', videoId, stage, attempt, overallProgress: overallProgressAt(stageOrder, stage, 0) });

      // A stage stuck without any error (no progress for stallMs) is ended like a cancel, then failed with why.
      let stalled!: (error: Error) => void;
      const stall = new Promise<never>((_, reject) => (stalled = reject));
      stall.catch(() => undefined);
      const watchdog = createStallWatchdog(stallMs, () => {
        run.abort('stalled');
        stalled(new DOMException('Stage stalled', 'AbortError'));
      });

      let lastWrite = 0;
      let progressWrite: Promise<void> = Promise.resolve();
      const onProgress = (fraction: number) => {
        if (controller.signal.aborted || !Number.isFinite(fraction)) return;
        watchdog.touch();
        const stageProgress = Math.min(1, Math.max(0, fraction));
        emit({ type: 'progress', videoId, stage, stageProgress, overallProgress: overallProgressAt(stageOrder, stage, stageProgress) });
        const now = Date.now();
        if (now - lastWrite < progressWriteIntervalMs) return;
        lastWrite = now;
        progressWrite = progressWrite.then(() => db.setStageProgress(videoId, stage, stageProgress)).catch(() => undefined);
      };

      try {
        const waitOutside = <T>(work: Promise<T>) => watchdog.pausedWhile(work);
        const context = await Promise.race([prepare({ videoId, stage, attempt, signal: controller.signal, onProgress, waitOutside }), stall]);
        // Raced with the watchdog: a stage stuck where ending its workers does not reach still lets the queue go on.
        const result = await Promise.race([definition.run(context), stall]);
        watchdog.stop(); // writing the results is not the stage's work: it never counts as stuck
        controller.signal.throwIfAborted();
        await progressWrite;
        if (result.status === 'failed') {
          await fail(videoId, stage, { reason: result.reason, details: result.details ?? null, retryable: result.retryable ?? false });
        } else {
          const reason = result.status === 'skipped' ? result.reason : undefined;
          const fillable = result.status === 'skipped' && result.fillable === true;
          const pass = result.status === 'done' ? stagePass(stage) : undefined;
          await db.completeStage(videoId, stage, { outcome: result.status, reason, fillable, pass, writes: result.writes });
          emit({ type: 'stage-finished', videoId, stage, outcome: result.status, reason });
        }
      } catch (error) {
        if (aborted.cause === 'stalled') {
          await fail(videoId, stage, stalledFailure(stage, stallMs));
        } else if (controller.signal.aborted) {
          await settleAbort(videoId, stage, aborted.cause);
        } else {
          await fail(videoId, stage, failureOf(stage, error));
        }
      } finally {
        watchdog.stop();
      }
    } finally {
      current = null;
      settle();
    }
  }

  async function fail(videoId: string, stage: JobStage, info: FailureInfo, { claimed = true } = {}) {
    const failure: UnrecordedFailure = { videoId, stage, ...info, claimed };
    if (!(await markFailed(failure))) {
      // The full storage refused the mark: free what this stage wrote that a run can make again, and try once more.
      await freeSpace({ videoId, stage }).catch((error: unknown) => console.error('Could not free the stage’s files', error));
      if (!(await markFailed(failure))) keepUnrecorded(failure);
    }
    emit({ type: 'stage-finished', videoId, stage, outcome: 'failed', reason: failure.reason });
  }

  /** Writes a stage's FAILED mark (claiming it first if needed); false when the full storage refused it (any other error is thrown). */
  async function markFailed(failure: UnrecordedFailure): Promise<boolean> {
    try {
      if (!failure.claimed) {
        if ((await db.startStage(failure.videoId, failure.stage)) === null) return true; // cancelled or deleted meanwhile
        failure.claimed = true;
        if (unrecorded.has(failure.videoId)) saveUnrecorded();
      }
      await db.failStage(failure.videoId, failure.stage, failure.reason, { details: failure.details, retryable: failure.retryable });
      return true;
    } catch (error) {
      if (isStorageFull(error)) return false;
      throw error;
    }
  }

  function keepUnrecorded(failure: UnrecordedFailure) {
    unrecorded.set(failure.videoId, failure);
    saveUnrecorded();
  }

  function forgetUnrecorded(videoId: string) {
    if (unrecorded.delete(videoId)) saveUnrecorded();
  }

  function saveUnrecorded() {
    try {
      options.unrecordedStore?.save([...unrecorded.values()]);
    } catch (error) {
      console.error('Could not keep the unrecorded failures', error); // they stay in this page's memory
    }
  }

  /** Writes the failures the full storage refused, oldest first; true once none is left. */
  async function writeUnrecorded(): Promise<boolean> {
    for (const failure of [...unrecorded.values()]) {
      if (!(await markFailed(failure))) return false;
      forgetUnrecorded(failure.videoId);
      emit({ type: 'video-changed', videoId: failure.videoId });
    }
    return true;
  }

  async function settleAbort(videoId: string, stage: JobStage, cause: AbortCause | null) {
    if (cause === 'cancel') {
      await db.cancelVideo(videoId);
      emit({ type: 'stage-finished', videoId, stage, outcome: 'cancelled' });
    } else {
      // 'delete': remove() deletes the rows. 'stop': the job stays RUNNING and resumes at the next start.
      emit({ type: 'stage-finished', videoId, stage, outcome: 'interrupted' });
    }
  }

  /**
   * Before the first stage: failures a page could not write are written (their jobs are still RUNNING, and must not
   * run again as if interrupted), then interrupted stages are queued again or, started too often, failed.
   */
  async function startUp(leftCleanly: RunningStage | null) {
    for (const failure of options.unrecordedStore?.load() ?? []) unrecorded.set(failure.videoId, failure);
    if (!(await writeUnrecorded())) return false;
    const { exhausted } = await db.resetInterruptedJobs({ maxAttempts, leftCleanly });
    for (const job of exhausted) await fail(job.videoId, job.stage, crashLoopFailure(job.stage, job.attempt));
    return true;
  }

  async function runLoop(signal: AbortSignal) {
    const leftCleanly = options.leftCleanly?.() ?? null;
    let started = false;
    while (!signal.aborted) {
      woken = false;
      try {
        started ||= await startUp(leftCleanly);
        // A failure the full storage kept from the database: any stage would meet the same full storage, so none
        // starts until the failure is written (space was freed), tried now and then and at every wake().
        if (!started || !(await writeUnrecorded())) {
          settleIdleWaiters();
          await sleep(unrecordedRetryMs);
          continue;
        }
        const work = await db.nextWork();
        if (signal.aborted) break;
        if (work) {
          await runStage(work.videoId, work.stage);
          untidy = true;
          if (work.stage === stageOrder.at(-1)) await tidy();
          continue;
        }
        if (untidy) await tidy();
        settleIdleWaiters();
        await sleep();
      } catch (error) {
        emit({ type: 'error', message: messageOf(error) });
        await sleep(errorBackoffMs);
      }
    }
  }

  /**
   * The database's upkeep (tidyTables: VACUUM and ANALYZE, which PGlite never runs by itself, and the GIN pending
   * lists merged) after each video's last stage and when the queue drains, so the statistics follow a library as it
   * grows video by video and searches stop reading what indexing queued (~0.9 s at 100k scenes; 1.1 s after 2000
   * rewritten scenes, `npm run bench`; the database answers nothing else meanwhile). A failure only means the tables
   * stay as they are until the next time.
   */
  let untidy = false;
  async function tidy() {
    untidy = false;
    try {
      await db.tidyTables();
    } catch (error) {
      emit({ type: 'error', message: `Tidying the library's database did not finish: ${messageOf(error)}` });
    }
  }

  /** Nothing will run for now: settled() resolves and the page hears the runner is idle. */
  function settleIdleWaiters() {
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
    emit({ type: 'idle' });
  }

  return {
    start() {
      if (loop) return;
      stopping = new AbortController();
      const signal = stopping.signal;
      loop = exclusive(() => runLoop(signal), signal).catch((error: unknown) => {
        emit({ type: 'error', message: messageOf(error) });
      });
    },

    wake,

    settled() {
      if (!loop) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },

    async cancel(videoId) {
      const run = current;
      if (run?.videoId === videoId) {
        run.abort('cancel');
        await run.done;
      }
      // Also when the stage finished just before the abort took effect, or the video was waiting.
      if (await db.cancelVideo(videoId)) {
        forgetUnrecorded(videoId); // its RUNNING job is CANCELLED now: the video is stopped, in the database
        emit({ type: 'video-changed', videoId });
      }
    },

    async retry(videoId) {
      // Its failure first (the person may have freed space): a retry re-queues FAILED stages only.
      const failure = unrecorded.get(videoId);
      if (failure) {
        if (!(await markFailed(failure))) throw storageFull();
        forgetUnrecorded(videoId);
      }
      const retried = await db.retryVideo(videoId);
      if (retried) {
        emit({ type: 'video-changed', videoId });
        wake();
      }
      return retried;
    },

    async remove(videoId) {
      const run = current;
      if (run?.videoId === videoId) {
        run.abort('delete');
        await run.done;
      }
      const removed = await db.deleteVideo(videoId);
      if (removed) {
        forgetUnrecorded(videoId);
        emit({ type: 'video-changed', videoId });
      }
      return removed;
    },

    running: () => current?.claimed ?? null,

    unrecorded: () => unrecorded,

    async stop() {
      if (!loop) return;
      stopping.abort();
      current?.abort('stop');
      wake();
      await loop;
      loop = null;
      idleWaiters.splice(0).forEach((resolve) => resolve());
    },
  };
}
