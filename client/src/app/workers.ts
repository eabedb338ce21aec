// The workers behind the library in this tab — the DB worker, the media worker indexing uses, a second media
// worker for clip export, the ML worker — and the pipeline runner that drives them through the stages.
import { openDbClient } from '../db/client.ts';
import { getAudio, getKeyframes, getVideoFile, saveKeyframes, writeAudio } from '../files/store.ts';
import { createMediaClient, type MediaClient } from '../media/client.ts';
import { createMlClient } from '../ml/client.ts';
import type { ModelTask } from '../ml/registry.ts';
import { PIPELINE, type PipelineContext } from '../pipeline/pipeline.ts';
import { createRunner, StageFailure, type RunnerEvent } from '../pipeline/runner.ts';
import { takeLeftCleanly } from './clean-exit.ts';

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
    db,
    stages: PIPELINE,
    prepare: async (run) => {
      const file = await getVideoFile(run.videoId);
      if (!file) {
        throw new StageFailure('The video file is no longer in this browser’s storage. Delete the video and import it again.');
      }
      return { ...run, file, media, ml, reads: db, writeAudio, saveKeyframes, getKeyframes, getAudio, modelReady };
    },
    abortWork: () => {
      media.abort();
      ml.abort();
    },
    leftCleanly: takeLeftCleanly,
    onEvent,
  });
}
