// The workers behind the library in this tab — the DB worker, the media worker indexing uses, a second media
// worker for clip export, the ML worker — and the pipeline runner that drives them through the stages.
import { openDbClient } from '../db/client.ts';
import { deleteAudio, deleteKeyframes, getAudio, getKeyframes, getVideoFile, saveKeyframes, writeAudio } from '../files/store.ts';
import { createMediaClient, type MediaClient } from '../media/client.ts';
import { createMlClient } from '../ml/client.ts';
import type { ModelTask } from '../ml/registry.ts';
import { PIPELINE, type PipelineContext } from '../pipeline/pipeline.ts';
import { createRunner, StageFailure, type RunnerDb, type RunnerEvent } from '../pipeline/runner.ts';
import { REFUSE_FAILURE_MARKS_KEY, storageFull } from '../storage-full.ts';
import { takeLeftCleanly } from './clean-exit.ts';
import { unrecordedFailures } from './unrecorded-failures.ts';

/** `onFatal` hears of a DB worker that could not even start (its pending calls would wait forever). */
export function openWorkers(onFatal: (error: Error) => void) {
  const db = openDbClient((message) => onFatal(new Error(message)));
  const media = createMediaClient();
  let clipMedia: MediaClient | null = null;
  const ml = createMlClient();

  return {
    db,
    media,
    ml,
    /** Clip export has its own media worker, started on first use: cancelling indexing must not kill an export, nor an export wait for indexing. */
    clipMedia: (): MediaClient => (clipMedia ??= createMediaClient()),
    /** Flushes and closes the database, then ends the workers. */
    async close(): Promise<void> {
      await db.close().catch(() => undefined);
      media.abort();
      clipMedia?.abort();
      ml.abort();
    },
  };
}

export type Workers = ReturnType<typeof openWorkers>;

export interface PipelineRunnerOptions {
  /** Settles when no download of the task's model is under way (app/models.ts). */
  modelReady: (task: ModelTask) => Promise<void>;
  onEvent: (event: RunnerEvent) => void;
}

/** The pipeline of this tab: its stages run on the video file stored in this browser, with the media and ML workers. */
export function createPipelineRunner({ db, media, ml }: Workers, { modelReady, onEvent }: PipelineRunnerOptions) {
  return createRunner<PipelineContext>({
    db: refusingFailureMarksInTests(db),
    stages: PIPELINE,
    prepare: async (run) => {
      const file = await getVideoFile(run.videoId);
      if (!file) {
        throw new StageFailure('The video file is no longer in this browser’s storage. Delete the video and import it again.');
      }
      // A model download the stage waits for is not the stage being stuck (the runner's watchdog pauses).
      const modelArrived = (task: ModelTask) => run.waitOutside(modelReady(task));
      return { ...run, file, media, ml, reads: db, writeAudio, saveKeyframes, getKeyframes, getAudio, modelReady: modelArrived };
    },
    abortWork: () => {
      media.abort();
      ml.abort();
    },
    leftCleanly: takeLeftCleanly,
    // What the failed stage wrote and its next run makes again: its audio track, its analysis keyframes.
    freeSpace: async ({ videoId, stage }) => {
      if (stage === 'AUDIO_EXTRACT') await deleteAudio(videoId);
      if (stage === 'THUMBNAILS') await deleteKeyframes(videoId);
    },
    unrecordedStore: unrecordedFailures,
    onEvent,
  });
}

/**
 * Under automation only (navigator.webdriver, which a person's own browser never sets): the database refuses every
 * FAILED mark as a full disk would while a browser test sets REFUSE_FAILURE_MARKS_KEY.
 */
function refusingFailureMarksInTests(db: RunnerDb): RunnerDb {
  if (navigator.webdriver !== true) return db;
  return new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (name !== 'failStage') return value;
      const failStage = value as RunnerDb['failStage'];
      return (...args: Parameters<RunnerDb['failStage']>) =>
        localStorage.getItem(REFUSE_FAILURE_MARKS_KEY) === '1' ? Promise.reject(storageFull()) : failStage(...args);
    },
  });
}
