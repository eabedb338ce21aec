// @vitest-environment node
// The runner against a real in-memory PGlite, with small real stages of the test's own (the media
// worker cannot run in Node): they write the same kinds of results as the app's stages.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { CANCELLED_REASON } from '../db/jobs.ts';
import { openTestDatabase } from '../db/testing.ts';

import { STORAGE_FULL_MESSAGE, storageFull } from '../storage-full.ts';
import { WorkerCrashed } from '../worker-crash.ts';
import {
  createRunner,
  MAX_STAGE_ATTEMPTS,
  stalledFailure,
  type PipelineStage,
  type Runner,
  type RunnerEvent,
  type RunnerOptions,
  type StageResult,
  type StageRun,
  type UnrecordedFailure,
} from './runner.ts';
import { STALL_MS } from './stall-watchdog.ts';
import { stagePass } from './plan.ts';

/** The runner is generic: these tests run a pipeline of the media stages' names with stages of their own. */
const TEST_STAGES = ['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'KEYFRAMES', 'THUMBNAILS', 'FINALIZE'] as const satisfies readonly JobStage[];

const SCENES = [
  { idx: 0, startS: 0, endS: 4 },
  { idx: 1, startS: 4, endS: 9 },
  { idx: 2, startS: 9, endS: 12 },
];

type Behaviour = (run: StageRun) => Promise<StageResult>;

let pg: PGlite;
let db: DbApi;
let runners: Runner[];

beforeEach(async () => {
  pg = await openTestDatabase();
  db = makeDbApi(pg);
  runners = [];
});
afterEach(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await pg.close();
});

/** Rejects when the run is aborted, like a media call whose worker was terminated. */
function untilAborted(run: StageRun): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(new Error('ffmpeg terminated'));
    if (run.signal.aborted) abort();
    run.signal.addEventListener('abort', abort);
  });
}

/** Working stages of the test's own; `overrides` replaces some; `calls` counts runs per stage. */
function makeStages(overrides: Partial<Record<JobStage, Behaviour>> = {}) {
  const calls: Partial<Record<JobStage, number>> = {};
  const working: Record<(typeof TEST_STAGES)[number], Behaviour> = {
    UPLOAD_VALIDATE: async () => ({
      status: 'done',
      writes: [{ kind: 'probe', probe: { durationS: 12, width: 320, height: 180, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' } }],
    }),
    AUDIO_EXTRACT: async () => ({ status: 'skipped', reason: 'No audio stream' }),
    SCENE_DETECT: async (run) => {
      run.onProgress(0.5);
      run.onProgress(1);
      return { status: 'done', writes: [{ kind: 'scenes', scenes: SCENES }] };
    },
    KEYFRAMES: async (run) => {
      const scenes = await db.listSceneTimes(run.videoId);
      return { status: 'done', writes: [{ kind: 'keyframes', keyframes: scenes.map((s) => ({ idx: s.idx, keyframeS: (s.startS + s.endS) / 2 })) }] };
    },
    THUMBNAILS: async (run) => {
      const scenes = await db.listSceneTimes(run.videoId);
      return { status: 'done', writes: [{ kind: 'thumbnails', thumbnails: scenes.map((s) => ({ idx: s.idx, jpeg: new Uint8Array([0xff, 0xd8, s.idx]) })) }] };
    },
    FINALIZE: async () => ({ status: 'done' }),
  };
  const stages: PipelineStage<StageRun>[] = TEST_STAGES.map((stage) => ({
    stage,
    run: (run) => {
      calls[stage] = (calls[stage] ?? 0) + 1;
      return (overrides[stage] ?? working[stage])(run);
    },
  }));
  return { stages, calls };
}

type ExtraOptions = Pick<RunnerOptions<StageRun>, 'abortWork' | 'leftCleanly' | 'freeSpace' | 'unrecordedStore' | 'unrecordedRetryMs' | 'stallMs'> & {
  db?: RunnerOptions<StageRun>['db'];
};

function startRunner(stages: PipelineStage<StageRun>[], extra: ExtraOptions = {}) {
  const events: RunnerEvent[] = [];
  const waiting: { match: (e: RunnerEvent) => boolean; resolve: (e: RunnerEvent) => void }[] = [];
  const runner = createRunner<StageRun>({
    db,
    stages,
    prepare: async (run) => run,
    onEvent: (event) => {
      events.push(event);
      for (const w of waiting.filter((w) => w.match(event))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(event);
      }
    },
    progressWriteIntervalMs: 0,
    errorBackoffMs: 10,
    ...extra,
  });
  runners.push(runner);
  runner.start();
  const next = (match: (e: RunnerEvent) => boolean) => new Promise<RunnerEvent>((resolve) => waiting.push({ match, resolve }));
  const started = (videoId: string, stage: JobStage) =>
    next((e) => e.type === 'stage-started' && e.videoId === videoId && e.stage === stage);
  return { runner, events, started };
}

let shaCounter = 0;
async function importVideo(title = 'Clip'): Promise<string> {
  const created = await db.createVideo({ title, fileName: `${title}.mp4`, sizeBytes: 100, mime: 'video/mp4', contentSha256: `sha-${++shaCounter}` });
  await db.queueVideo(created.videoId, [...TEST_STAGES]);
  return created.videoId;
}

async function jobStates(videoId: string) {
  return Object.fromEntries((await db.listStages(videoId)).map((j) => [j.stage, j.state]));
}

async function sceneRows(videoId: string) {
  const rows = await pg.query<{ idx: number }>('select idx from scenes where video_id = $1 order by idx', [videoId]);
  return rows.rows.map((r) => r.idx);
}

describe('runner', () => {
  it('runs a video through every stage to INDEXED, with per-stage and overall progress', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages();
    const { runner, events } = startRunner(stages);
    await runner.settled();

    const video = await db.getVideo(videoId);
    expect(video).toMatchObject({ state: 'INDEXED', error: null, durationS: 12 });
    expect(video?.thumbnail).toEqual(new Uint8Array([0xff, 0xd8, 0]));
    expect((await db.listScenes(videoId)).map((s) => s.keyframeS)).toEqual([2, 6.5, 10.5]);
    expect(await jobStates(videoId)).toEqual(Object.fromEntries(TEST_STAGES.map((s) => [s, 'COMPLETED'])));

    const finished = events.filter((e) => e.type === 'stage-finished');
    expect(finished.map((e) => [e.stage, e.outcome])).toEqual(
      TEST_STAGES.map((s) => [s, s === 'AUDIO_EXTRACT' ? 'skipped' : 'done']),
    );
    const sceneProgress = events.filter((e) => e.type === 'progress' && e.stage === 'SCENE_DETECT');
    expect(sceneProgress.map((e) => e.type === 'progress' && e.stageProgress)).toEqual([0.5, 1]);
    const overall = events.flatMap((e) => (e.type === 'progress' || e.type === 'stage-started' ? [e.overallProgress] : []));
    expect(overall).toEqual([...overall].sort((a, b) => a - b));
    expect(overall[0]).toBe(0);
    expect(overall.at(-1)).toBeLessThan(1);
    expect(events.at(-1)).toEqual({ type: 'idle' });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'AUDIO_EXTRACT')?.error).toBeNull();
    // Each stage that did its work records the pass it ran at (a raised pass runs it again: app/gaps.ts).
    const { rows } = await pg.query<{ stage: JobStage; metadata: object }>('select stage, metadata from jobs where video_id = $1', [videoId]);
    const metadata = Object.fromEntries(rows.map((r) => [r.stage, r.metadata]));
    expect(metadata.SCENE_DETECT).toEqual({ outcome: 'done', pass: stagePass('SCENE_DETECT') });
    expect(metadata.AUDIO_EXTRACT).not.toHaveProperty('pass');
  });

  it('tidies the database (VACUUM, ANALYZE) after each video and when the queue drains, not while idle with nothing done', async () => {
    const lastTidied = async () =>
      (await pg.query<{ vacuumed: number; analysed: number }>(
        `select vacuum_count + autovacuum_count as vacuumed, analyze_count as analysed from pg_stat_user_tables where relname = 'scenes'`,
      )).rows[0]!;
    const idle = startRunner(makeStages().stages);
    await idle.runner.settled();
    expect(await lastTidied(), 'nothing ran: nothing to tidy').toEqual({ vacuumed: 0, analysed: 0 });
    await idle.runner.stop();

    const first = await importVideo();
    const second = await importVideo();
    const { runner } = startRunner(makeStages().stages);
    await runner.settled();
    expect((await db.getVideo(first))?.state).toBe('INDEXED');
    expect((await db.getVideo(second))?.state).toBe('INDEXED');
    // After the first video's stages, and after the second's when the queue drained.
    expect(await lastTidied()).toEqual({ vacuumed: 2, analysed: 2 });
    const [{ n }] = (await pg.query<{ n: number }>(`select n_dead_tup::int as n from pg_stat_user_tables where relname = 'scenes'`)).rows as [{ n: number }];
    expect(n, 'the scene rows the stages rewrote are vacuumed').toBe(0);
  });

  it('resumes after an interrupted RUNNING stage at the first unfinished stage, with no duplicate scenes', async () => {
    const videoId = await importVideo();
    // The page goes away while KEYFRAMES runs: the job is left RUNNING in the database.
    const first = makeStages({ KEYFRAMES: untilAborted });
    const before = startRunner(first.stages);
    await before.started(videoId, 'KEYFRAMES');
    await before.runner.stop();
    expect((await jobStates(videoId)).KEYFRAMES).toBe('RUNNING');
    expect(await sceneRows(videoId)).toEqual([0, 1, 2]);

    // After the reload: a fresh runner on the same database.
    const second = makeStages();
    const after = startRunner(second.stages);
    await after.runner.settled();
    expect(second.calls).toEqual({ KEYFRAMES: 1, THUMBNAILS: 1, FINALIZE: 1 });
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
    expect(await sceneRows(videoId)).toEqual([0, 1, 2]);
    expect((await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES')?.attempts).toBe(2);
  });

  it('a stage interrupted while detecting scenes re-runs it without duplicating scenes', async () => {
    const videoId = await importVideo();
    let interrupted = false;
    const flaky = makeStages({
      SCENE_DETECT: async (run) => {
        if (!interrupted) {
          interrupted = true;
          return untilAborted(run);
        }
        return { status: 'done', writes: [{ kind: 'scenes', scenes: SCENES }] };
      },
    });
    const before = startRunner(flaky.stages);
    await before.started(videoId, 'SCENE_DETECT');
    await before.runner.stop();
    const after = startRunner(flaky.stages);
    await after.runner.settled();
    expect(flaky.calls.SCENE_DETECT).toBe(2);
    expect(await sceneRows(videoId)).toEqual([0, 1, 2]);
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
  });

  it('a failed stage leaves earlier results intact; retry re-runs from the failed stage', async () => {
    const videoId = await importVideo();
    let keyframesWork = false;
    const { stages, calls } = makeStages({
      KEYFRAMES: async (run) => {
        if (!keyframesWork) return { status: 'failed', reason: 'Could not read frames' };
        const scenes = await db.listSceneTimes(run.videoId);
        return { status: 'done', writes: [{ kind: 'keyframes', keyframes: scenes.map((s) => ({ idx: s.idx, keyframeS: s.startS })) }] };
      },
    });
    const { runner, events } = startRunner(stages);
    await runner.settled();

    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Could not read frames', durationS: 12 });
    expect(await jobStates(videoId)).toEqual({
      UPLOAD_VALIDATE: 'COMPLETED',
      AUDIO_EXTRACT: 'COMPLETED',
      SCENE_DETECT: 'COMPLETED',
      KEYFRAMES: 'FAILED',
      THUMBNAILS: 'PENDING',
      FINALIZE: 'PENDING',
    });
    expect(await sceneRows(videoId)).toEqual([0, 1, 2]);
    expect(events).toContainEqual({ type: 'stage-finished', videoId, stage: 'KEYFRAMES', outcome: 'failed', reason: 'Could not read frames' });
    // A 'failed' result is bad input: recorded as not retryable (the UI offers no Retry; the runner still allows one).
    expect((await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES')).toMatchObject({ details: null, retryable: false });

    keyframesWork = true;
    expect(await runner.retry(videoId)).toBe(true);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    expect(calls).toEqual({ UPLOAD_VALIDATE: 1, AUDIO_EXTRACT: 1, SCENE_DETECT: 1, KEYFRAMES: 2, THUMBNAILS: 1, FINALIZE: 1 });
    expect((await db.listScenes(videoId)).map((s) => s.keyframeS)).toEqual([0, 4, 9]);
    expect(await runner.retry(videoId)).toBe(false);
  });

  it('an unexpected throw fails the stage with a readable message', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages({
      THUMBNAILS: async () => {
        throw new Error('out of memory');
      },
    });
    const { runner } = startRunner(stages);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Making thumbnails stopped unexpectedly.' });
    // The error itself goes behind "Show details"; a crash may not happen twice, so Retry is offered.
    expect((await db.listStages(videoId)).find((j) => j.stage === 'THUMBNAILS')).toMatchObject({
      state: 'FAILED',
      details: 'out of memory',
      retryable: true,
    });
    expect((await db.listScenes(videoId)).every((s) => s.keyframeS !== null)).toBe(true);
  });

  it('a crashed worker fails the stage with a plain sentence; Retry offered', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages({
      THUMBNAILS: async () => {
        throw new WorkerCrashed('media', 'RuntimeError: unreachable');
      },
    });
    const { runner } = startRunner(stages);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({
      state: 'FAILED',
      error: 'Making thumbnails stopped: the part of the app that reads the video crashed on this video. It has been restarted; Retry to try again.',
    });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'THUMBNAILS')).toMatchObject({
      details: 'The media worker stopped: RuntimeError: unreachable',
      retryable: true,
    });
  });

  it(`a stage started ${MAX_STAGE_ATTEMPTS} times without finishing (the tab crashed) is failed with why; Retry gives it its count again`, async () => {
    const videoId = await importVideo();
    // Each "tab" starts the stage and dies under it: stop() leaves the job RUNNING and notes nothing, as a crash.
    for (let start = 1; start <= MAX_STAGE_ATTEMPTS; start++) {
      const crashing = startRunner(makeStages({ KEYFRAMES: untilAborted }).stages);
      await crashing.started(videoId, 'KEYFRAMES');
      expect(crashing.runner.running()).toEqual({ videoId, stage: 'KEYFRAMES', attempt: start });
      await crashing.runner.stop();
    }
    const next = makeStages();
    const { runner, events } = startRunner(next.stages);
    await runner.settled();
    const reason = `Indexing stopped after ${MAX_STAGE_ATTEMPTS} attempts: the video made the app crash while choosing keyframes.`;
    expect(next.calls).toEqual({}); // not run a fourth time
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: reason });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES')).toMatchObject({ state: 'FAILED', retryable: true });
    expect(events).toContainEqual({ type: 'stage-finished', videoId, stage: 'KEYFRAMES', outcome: 'failed', reason });
    expect(await sceneRows(videoId)).toEqual([0, 1, 2]); // earlier results kept

    expect(await runner.retry(videoId)).toBe(true);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES')?.attempts).toBe(1);
  });

  it('a stage cut short by normal closes (reloads, hand-overs) is never counted as a crash', async () => {
    const videoId = await importVideo();
    let note: ReturnType<Runner['running']> = null;
    for (let start = 1; start <= MAX_STAGE_ATTEMPTS + 1; start++) {
      const leftCleanly = () => note;
      const closing = startRunner(makeStages({ KEYFRAMES: untilAborted }).stages, { leftCleanly });
      await closing.started(videoId, 'KEYFRAMES');
      note = closing.runner.running(); // what the page notes as it goes away (clean-exit.ts)
      await closing.runner.stop();
    }
    const { runner } = startRunner(makeStages().stages, { leftCleanly: () => note });
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES')?.attempts).toBe(1);
  });

  it('a stage stuck without any error is stopped after the stall time, failed with why, and the queue goes on', async () => {
    const stuck = await importVideo('Stuck');
    const other = await importVideo('Next');
    let aborts = 0;
    const { stages } = makeStages({
      // A decoder that never answers, not even when its worker is ended.
      SCENE_DETECT: async (run) => (run.videoId === stuck ? new Promise<never>(() => {}) : { status: 'done', writes: [{ kind: 'scenes', scenes: SCENES }] }),
    });
    const { runner } = startRunner(stages, { abortWork: () => aborts++, stallMs: 1000 });
    await runner.settled();
    expect(aborts).toBe(1);
    expect(await db.getVideo(stuck)).toMatchObject({ state: 'FAILED', error: stalledFailure('SCENE_DETECT', 1000).reason });
    expect(stalledFailure('SCENE_DETECT', STALL_MS).reason).toBe(
      'Finding scenes stopped responding on this video and was stopped after 10 minutes without progress. Retry to try again.',
    );
    expect((await db.listStages(stuck)).find((j) => j.stage === 'SCENE_DETECT')).toMatchObject({ state: 'FAILED', retryable: true });
    expect((await db.getVideo(other))?.state).toBe('INDEXED');
  });

  it('a slow stage that keeps reporting progress, or waits for a model download, is never taken for stuck', async () => {
    const videoId = await importVideo();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const { stages } = makeStages({
      SCENE_DETECT: async (run) => {
        for (let i = 1; i <= 6; i++) {
          await pause(250);
          run.onProgress(i / 6);
        }
        return { status: 'done', writes: [{ kind: 'scenes', scenes: SCENES }] };
      },
      KEYFRAMES: async (run) => {
        await run.waitOutside(pause(2500)); // a model arriving
        const scenes = await db.listSceneTimes(run.videoId);
        return { status: 'done', writes: [{ kind: 'keyframes', keyframes: scenes.map((s) => ({ idx: s.idx, keyframeS: s.startS })) }] };
      },
    });
    const { runner } = startRunner(stages, { stallMs: 1000 });
    await runner.settled();
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
  });

  it('a full storage fails the stage with that reason, not as a crash, and Retry is offered', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages({
      THUMBNAILS: async () => {
        throw new DOMException('The operation failed because it would cause the application to exceed its storage quota.', 'QuotaExceededError');
      },
    });
    const { runner } = startRunner(stages);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'THUMBNAILS')).toMatchObject({ state: 'FAILED', details: null, retryable: true });
  });

  it('results and job completion are atomic: a write that throws leaves the job not COMPLETED and nothing written', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages({
      KEYFRAMES: async () => ({
        status: 'done',
        writes: [{ kind: 'keyframes', keyframes: [{ idx: 0, keyframeS: 1 }, { idx: 9, keyframeS: 50 }] }],
      }),
    });
    const { runner } = startRunner(stages);
    await runner.settled();
    const keyframes = (await db.listStages(videoId)).find((j) => j.stage === 'KEYFRAMES');
    expect(keyframes?.state).toBe('FAILED');
    expect(keyframes?.details).toMatch(/scene 9/);
    expect((await db.listScenes(videoId)).map((s) => s.keyframeS)).toEqual([null, null, null]);
    expect((await db.getVideo(videoId))?.state).toBe('FAILED');
  });

  it('cancel aborts the running stage: job CANCELLED, video FAILED "Cancelled", and the next video still runs', async () => {
    const cancelled = await importVideo('First');
    const other = await importVideo('Second');
    let aborts = 0;
    let hang = true;
    const { stages } = makeStages({
      SCENE_DETECT: async (run) => (hang && run.videoId === cancelled ? untilAborted(run) : { status: 'done', writes: [{ kind: 'scenes', scenes: SCENES }] }),
    });
    const { runner, started } = startRunner(stages, { abortWork: () => aborts++ });
    await started(cancelled, 'SCENE_DETECT');
    await runner.cancel(cancelled);

    expect(aborts).toBe(1);
    expect(await db.getVideo(cancelled)).toMatchObject({ state: 'FAILED', error: CANCELLED_REASON, durationS: 12 });
    expect(await jobStates(cancelled)).toMatchObject({ AUDIO_EXTRACT: 'COMPLETED', SCENE_DETECT: 'CANCELLED', KEYFRAMES: 'PENDING' });
    await runner.settled();
    expect((await db.getVideo(other))?.state).toBe('INDEXED');
    expect((await db.getVideo(cancelled))?.state).toBe('FAILED');

    hang = false;
    await runner.retry(cancelled);
    await runner.settled();
    expect((await db.getVideo(cancelled))?.state).toBe('INDEXED');
    expect(await sceneRows(cancelled)).toEqual([0, 1, 2]);
  });

  it('cancel of a video waiting its turn cancels its next stage without touching the running one', async () => {
    const running = await importVideo('Running');
    const waiting = await importVideo('Waiting');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { stages } = makeStages({
      UPLOAD_VALIDATE: async (run) => {
        if (run.videoId === running) await gate;
        return { status: 'done', writes: [{ kind: 'probe', probe: { durationS: 12, width: 320, height: 180, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' } }] };
      },
    });
    const { runner, started } = startRunner(stages);
    await started(running, 'UPLOAD_VALIDATE');
    await runner.cancel(waiting);
    release();
    await runner.settled();
    expect(await db.getVideo(waiting)).toMatchObject({ state: 'FAILED', error: CANCELLED_REASON });
    expect((await jobStates(waiting)).UPLOAD_VALIDATE).toBe('CANCELLED');
    expect((await db.getVideo(running))?.state).toBe('INDEXED');
  });

  it('remove during a stage aborts it and deletes the video, its scenes and jobs', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages({ THUMBNAILS: untilAborted });
    const { runner, started } = startRunner(stages);
    await started(videoId, 'THUMBNAILS');
    expect(await runner.remove(videoId)).toBe(true);
    await runner.settled();
    expect(await db.getVideo(videoId)).toBeNull();
    expect(await sceneRows(videoId)).toEqual([]);
    expect(await db.listStages(videoId)).toEqual([]);
  });

  it('a stage the runner does not know fails with a message instead of blocking the queue', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages();
    const { runner } = startRunner(stages.filter((s) => s.stage !== 'THUMBNAILS'));
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: expect.stringContaining('Making thumbnails') });
  });

  it('runs the loop inside the exclusive section it is given (the Web Lock in the browser)', async () => {
    const videoId = await importVideo();
    const { stages } = makeStages();
    let inside = false;
    const runner = createRunner<StageRun>({
      db,
      stages,
      prepare: async (run) => {
        expect(inside).toBe(true);
        return run;
      },
      exclusive: async (body) => {
        inside = true;
        await body();
        inside = false;
      },
    });
    runners.push(runner);
    runner.start();
    await runner.settled();
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
    await runner.stop();
    expect(inside).toBe(false);
  });
});

/**
 * A disk the test fills and frees: while full, the database refuses the FAILED mark the way the DB worker reports
 * PGlite's refused growth (the database itself is real), and the thumbnails stage meets the browser's quota.
 */
function fullDisk() {
  const disk = { full: true, refusedMarks: 0, refuseClaimOf: null as JobStage | null };
  const refusing = {
    ...db,
    startStage: async (...args: Parameters<DbApi['startStage']>) => {
      if (disk.full && args[1] === disk.refuseClaimOf) throw storageFull();
      return db.startStage(...args);
    },
    failStage: async (...args: Parameters<DbApi['failStage']>) => {
      if (disk.full) {
        disk.refusedMarks++;
        throw storageFull();
      }
      return db.failStage(...args);
    },
  };
  const thumbnails: Behaviour = async (run) => {
    if (disk.full) throw new DOMException('The operation failed because it would cause the application to exceed its storage quota.', 'QuotaExceededError');
    const scenes = await db.listSceneTimes(run.videoId);
    return { status: 'done', writes: [{ kind: 'thumbnails', thumbnails: scenes.map((s) => ({ idx: s.idx, jpeg: new Uint8Array([0xff, 0xd8, s.idx]) })) }] };
  };
  return { disk, db: refusing, thumbnails };
}

/** Unrecorded failures kept as the app keeps them across page loads, here in the test's memory. */
function memoryStore() {
  let kept: UnrecordedFailure[] = [];
  return { load: () => kept, save: (failures: readonly UnrecordedFailure[]) => void (kept = [...failures]), kept: () => kept };
}

describe('runner on a full storage that refuses the FAILED mark itself', () => {
  it('frees what the stage wrote that can be made again, then writes the mark', async () => {
    const videoId = await importVideo();
    const full = fullDisk();
    const freed: unknown[] = [];
    const { runner } = startRunner(makeStages({ THUMBNAILS: full.thumbnails }).stages, {
      db: full.db,
      freeSpace: async (stage) => {
        freed.push(stage);
        full.disk.full = false;
      },
    });
    await runner.settled();
    expect(freed).toEqual([{ videoId, stage: 'THUMBNAILS' }]);
    expect(full.disk.refusedMarks).toBe(1);
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await jobStates(videoId)).THUMBNAILS).toBe('FAILED');
    expect(runner.unrecorded().size).toBe(0);
  });

  it('still refused: shows the failure from memory, starts no other stage, and writes it once there is room', async () => {
    const first = await importVideo('First');
    const second = await importVideo('Second');
    const full = fullDisk();
    const store = memoryStore();
    const { stages, calls } = makeStages({ THUMBNAILS: full.thumbnails });
    const { runner, events } = startRunner(stages, { db: full.db, freeSpace: async () => {}, unrecordedStore: store, unrecordedRetryMs: 20 });
    await runner.settled();

    const failure = { videoId: first, stage: 'THUMBNAILS', reason: STORAGE_FULL_MESSAGE, details: null, retryable: true, claimed: true };
    expect(runner.unrecorded().get(first)).toEqual(failure);
    expect(store.kept()).toEqual([failure]);
    expect(events).toContainEqual({ type: 'stage-finished', videoId: first, stage: 'THUMBNAILS', outcome: 'failed', reason: STORAGE_FULL_MESSAGE });
    expect((await jobStates(first)).THUMBNAILS).toBe('RUNNING'); // what the database could not be told
    // Tried again now and then, never starting the next video's stages meanwhile (its validation ran first, as
    // validations do); the database still answers.
    const callsBefore = { ...calls };
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(full.disk.refusedMarks).toBeGreaterThan(3);
    expect(calls).toEqual(callsBefore);
    expect(await jobStates(second)).toEqual({ ...Object.fromEntries(TEST_STAGES.map((s) => [s, 'PENDING'])), UPLOAD_VALIDATE: 'COMPLETED' });
    expect((await db.listVideos()).map((v) => v.title).sort()).toEqual(['First', 'Second']);

    full.disk.full = false;
    await expect.poll(() => runner.unrecorded().size, { interval: 10 }).toBe(0);
    await runner.settled();
    expect(await db.getVideo(first)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await db.listStages(first)).find((j) => j.stage === 'THUMBNAILS')).toMatchObject({ state: 'FAILED', retryable: true });
    expect(events).toContainEqual({ type: 'video-changed', videoId: first });
    expect(store.kept()).toEqual([]);
    expect((await db.getVideo(second))?.state).toBe('INDEXED');
  });

  it('Retry writes the failure first: refused while full, it re-runs the stage once there is room', async () => {
    const videoId = await importVideo();
    const full = fullDisk();
    const { runner } = startRunner(makeStages({ THUMBNAILS: full.thumbnails }).stages, { db: full.db, unrecordedRetryMs: 60_000 });
    await runner.settled();
    expect(runner.unrecorded().has(videoId)).toBe(true);

    await expect(runner.retry(videoId)).rejects.toMatchObject({ name: 'QuotaExceededError', message: STORAGE_FULL_MESSAGE });
    expect(runner.unrecorded().has(videoId)).toBe(true);

    full.disk.full = false;
    expect(await runner.retry(videoId)).toBe(true);
    expect(runner.unrecorded().size).toBe(0);
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'INDEXED', error: null });
  });

  it('a failure a closed page could not write is written at the next start, instead of the stage running again', async () => {
    const videoId = await importVideo();
    const full = fullDisk();
    const store = memoryStore();
    const { stages, calls } = makeStages({ THUMBNAILS: full.thumbnails });
    const closing = startRunner(stages, { db: full.db, unrecordedStore: store, unrecordedRetryMs: 60_000 });
    await closing.runner.settled();
    await closing.runner.stop();
    expect(store.kept()).toHaveLength(1);

    // Still full at the next start: the job is not queued again as an interrupted one, its failure is shown.
    const stillFull = startRunner(stages, { db: full.db, unrecordedStore: store, unrecordedRetryMs: 60_000 });
    await stillFull.runner.settled();
    expect(stillFull.runner.unrecorded().get(videoId)).toMatchObject({ stage: 'THUMBNAILS', reason: STORAGE_FULL_MESSAGE });
    expect((await jobStates(videoId)).THUMBNAILS).toBe('RUNNING');
    await stillFull.runner.stop();

    full.disk.full = false;
    const { runner } = startRunner(stages, { db: full.db, unrecordedStore: store });
    await runner.settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await jobStates(videoId)).THUMBNAILS).toBe('FAILED');
    expect(calls.THUMBNAILS).toBe(1);
    expect(store.kept()).toEqual([]);
  });

  it('a claim the full storage refuses fails the stage the same way: shown from memory, claimed and marked once there is room', async () => {
    const videoId = await importVideo();
    const full = fullDisk();
    full.disk.refuseClaimOf = 'SCENE_DETECT';
    const { stages, calls } = makeStages();
    const { runner } = startRunner(stages, { db: full.db, unrecordedRetryMs: 20 });
    await runner.settled();
    expect(runner.unrecorded().get(videoId)).toMatchObject({ stage: 'SCENE_DETECT', reason: STORAGE_FULL_MESSAGE, claimed: false });
    expect((await jobStates(videoId)).SCENE_DETECT).toBe('PENDING');
    expect(calls.SCENE_DETECT).toBeUndefined();

    full.disk.full = false;
    await expect.poll(() => runner.unrecorded().size, { interval: 10 }).toBe(0);
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'SCENE_DETECT')).toMatchObject({ state: 'FAILED', attempts: 1, retryable: true });
    expect(calls.SCENE_DETECT).toBeUndefined();
  });

  it('deleting the video forgets its unrecorded failure', async () => {
    const videoId = await importVideo();
    const full = fullDisk();
    const store = memoryStore();
    const { runner } = startRunner(makeStages({ THUMBNAILS: full.thumbnails }).stages, { db: full.db, unrecordedStore: store, unrecordedRetryMs: 60_000 });
    await runner.settled();
    expect(await runner.remove(videoId)).toBe(true);
    expect(runner.unrecorded().size).toBe(0);
    expect(store.kept()).toEqual([]);
    expect(await db.getVideo(videoId)).toBeNull();
  });
});
