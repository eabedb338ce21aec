// What the UI consumes: the library of this device, kept live as imports and the pipeline run.
// It opens the workers and runs the pipeline in this tab (workers.ts; one tab at a time, see the runner's
// Web Lock), imports files (imports.ts), and turns database rows and pipeline events into cards (cards.ts),
// rebuilt at a steady pace (refresh.ts) with the queue's summary (batch-progress.ts).
import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';
import { isFreshProfile } from '../db/location.ts';
import type { VideoRow } from '../db/videos.ts';
import { sweepRoomProbes } from '../files/room.ts';
import { deleteAudio, deleteVideoFiles, getExampleImage, getVideoFile, hashFile, saveExampleImage, saveVideoFile, sweepUnreferenced } from '../files/store.ts';
import { MODEL_TASKS, type ModelTask } from '../ml/registry.ts';
import { MODEL_TASK_STAGES, PIPELINE_STAGES } from '../pipeline/plan.ts';
import type { RunnerEvent } from '../pipeline/runner.ts';
import { DAMAGED_LIBRARY } from '../db/dump.ts';
import { createAccount } from './account.ts';
import { createBackup } from './backup.ts';
import { markLeftCleanly } from './clean-exit.ts';
import { makeBatchProgress } from './batch-progress.ts';
import { libraryCards, type LiveStage, type SceneCard, type VideoCard } from './cards.ts';
import { earlierPassVideos, fillableVideos, outdatedVideos } from './gaps.ts';
import { makeImports, outcomeMessage, type ImportOutcome } from './imports.ts';
import { createMeaningCatchUp } from './meaning-model.ts';
import { createModels } from './models.ts';
import { createPeople } from './people.ts';
import { vanishedHere } from './vanished.ts';
import type { QueueSummary } from './queue.ts';
import { makeRefresh } from './refresh.ts';
import { createSceneThumbnails } from './scene-thumbnails.ts';
import { createSearch } from './search.ts';
import { makeFileRemovals } from './file-removals.ts';
import { canHold, freeUpTo, makeStorage } from './storage-usage.ts';
import { createVisualModel } from './visual-model.ts';
import { createPipelineRunner, openWorkers } from './workers.ts';

export { STAGE_LABELS } from '../pipeline/plan.ts';
export type { IndexGap } from './gaps.ts';
export type { QueueSummary } from './queue.ts';

/** The cards are rebuilt at most this often (~4/s), however fast events arrive. */
const PUBLISH_INTERVAL_MS = 250;

export function createLibrary() {
  const [videos, setVideos] = createSignal<VideoCard[]>([]);
  const [ready, setReady] = createSignal(false);
  // A profile with no database yet has an empty library: shown at once (imports wait for the database),
  // instead of "Opening your library" while the database is made (about a second or more on first start).
  const [knownEmpty, setKnownEmpty] = createSignal(false);
  void isFreshProfile().then(
    (fresh) => setKnownEmpty(fresh && !ready()),
    () => undefined,
  );
  const [error, setError] = createSignal<string | null>(null);
  const [damaged, setDamaged] = createSignal(false);
  const [queue, setQueue] = createSignal<QueueSummary | null>(null);

  let rows: VideoRow[] = [];
  /** The video the runner is working on: set when one of its stages starts, kept between its stages. */
  let activeVideoId: string | null = null;
  const live = new Map<string, LiveStage>();
  const batchProgress = makeBatchProgress();
  /** Set once close() was called (see there). */
  let closing: Promise<void> | null = null;

  let fail!: (error: Error) => void;
  const fatal = new Promise<never>((_, reject) => (fail = reject));
  const workers = openWorkers((error) => fail(error));
  const { db, ml } = workers;

  const refresh = makeRefresh({
    intervalMs: PUBLISH_INTERVAL_MS,
    reload: async () => {
      // Before the database is open there is nothing to read; opening reads the rows itself.
      if (!ready()) return;
      const before = rows;
      rows = await db.listVideos();
      for (const videoId of vanishedHere(before, rows)) await forget(videoId);
    },
    publish,
  });
  const models = createModels({ ml, onInstalled: (task) => void fillGaps([task]) });
  // Videos, scenes and people from other devices arrive through sync: read the library again when they do.
  const account = createAccount(db, db.whenOpen(), () => refresh.schedule(true));
  const runner = createPipelineRunner(workers, { modelReady: models.whenReady, onEvent: onRunnerEvent });
  const visualModel = createVisualModel({
    db,
    ml,
    whenOpen: () => opened,
    onQueued: () => {
      runner.wake();
      refresh.schedule(true);
    },
  });
  const catchUpMeaning = createMeaningCatchUp({
    db,
    ml,
    onQueued: () => {
      runner.wake();
      refresh.schedule(true);
    },
  });
  const removals = makeFileRemovals();
  const imports = makeImports({
    db,
    whenOpen: () => opened,
    filesRemoved: removals.settled,
    stages: PIPELINE_STAGES,
    files: { hashFile, saveVideoFile },
    room: { canHold, freeUpTo },
    onChange: (fromDb) => refresh.schedule(fromDb),
    onQueued: () => runner.wake(),
  });

  // ---- keeping the cards live -------------------------------------------------------------

  function publish() {
    const cards = libraryCards(rows, {
      imports: imports.pending(),
      live,
      activeVideoId,
      holdsFailedFile: imports.holdsFailedFile,
      unrecorded: runner.unrecorded(),
    });
    setQueue(batchProgress.update(cards, Date.now()));
    setVideos(cards);
  }

  /** After a user action: show its effect as soon as the action resolves, not a tick later. */
  async function refreshNow() {
    rows = await db.listVideos();
    publish();
  }

  function onRunnerEvent(event: RunnerEvent) {
    switch (event.type) {
      case 'stage-started':
        activeVideoId = event.videoId;
        live.set(event.videoId, { stage: event.stage, stageProgress: 0, overallProgress: event.overallProgress });
        return refresh.schedule(true);
      case 'progress':
        live.set(event.videoId, { stage: event.stage, stageProgress: event.stageProgress, overallProgress: event.overallProgress });
        return refresh.schedule(false);
      case 'stage-finished':
        live.delete(event.videoId);
        // Speech has what it needs from the audio: the copy can give it again if speech ever runs again.
        if (event.stage === 'ASR_FAST' && event.outcome === 'done') {
          void removals.run(event.videoId, () => deleteAudio(event.videoId)).catch((err: unknown) => console.error('Could not remove the audio', err));
        }
        return refresh.schedule(true);
      case 'video-changed':
        return refresh.schedule(true);
      case 'error':
        console.error('Pipeline:', event.message);
        return;
      case 'idle':
        activeVideoId = null;
        return refresh.schedule(false);
    }
  }

  /**
   * Queues, for every indexed video, what the models of `tasks` (on this device) can now add: their stages that
   * were skipped because the model was not here, and those that did their work at an earlier pass (a stage that
   * finds more since: pipeline/plan.ts, STAGE_PASSES), which run again while the video stays searchable with what
   * it had. Run when a model arrives and at start, so nothing waits for a manual re-index; a stage is only asked
   * to run with its model here (without it, it would be skipped and show a gap).
   */
  async function fillGaps(tasks: readonly ModelTask[]) {
    await opened;
    const stages = tasks.flatMap((task) => MODEL_TASK_STAGES[task]);
    // Only videos with such a gap reach the database (this runs at every start, over the whole library).
    let queued = 0;
    for (const row of await withStoredFile(fillableVideos(rows, stages))) queued += await db.reindexVideo(row.videoId, [...stages]);
    for (const video of await withStoredFile(earlierPassVideos(rows, stages))) queued += await db.runStagesAgain(video.videoId, video.stages);
    if (queued > 0) {
      runner.wake();
      refresh.schedule(true);
    }
  }

  /**
   * Of `candidates`, those whose file is stored in this browser: stages run on the file, so a video without it (a
   * library restored from a backup without the videos) is left as it is instead of failing for want of its file.
   */
  async function withStoredFile<R extends { videoId: string }>(candidates: R[]): Promise<R[]> {
    const kept: R[] = [];
    for (const row of candidates) if (await getVideoFile(row.videoId)) kept.push(row);
    return kept;
  }

  // ---- opening ----------------------------------------------------------------------------

  const opened: Promise<void> = Promise.race([
    fatal,
    (async () => {
      await db.whenOpen();
      // Imports cut short by a reload cannot finish: their File went with the page.
      await db.failInterruptedImports();
      // Before any import or stage can write a file: what no video needs any more goes (see sweepUnreferenced).
      await sweepStoredFiles();
      rows = await db.listVideos();
      // A video indexed by an older version lacks the stages added since (e.g. grouping faces into
      // people): queue just those, so an upgrade brings the whole library up to date by itself.
      const outdated = await withStoredFile(outdatedVideos(rows, PIPELINE_STAGES));
      for (const row of outdated) await db.reindexVideo(row.videoId, [...PIPELINE_STAGES]);
      if (outdated.length > 0) rows = await db.listVideos();
      setReady(true);
      publish();
      // The chosen visual model reaches the ML worker before any stage can ask it for an embedding.
      const catchUpVisual = await visualModel.restore();
      if (closing) return; // closed while opening (handed over to another tab at once)
      runner.start();
      void catchUpVisual();
      void catchUpMeaning().catch((err: unknown) => console.error('Could not check the meaning vectors', err));
      // What a model on this device could already have done (it arrived while the tab was closed, or in
      // another tab) is filled in now; the models that ship with the app are fetched while online.
      void ml
        .status()
        .then((statuses) => fillGaps(MODEL_TASKS.filter((task) => statuses.some((m) => m.task === task && m.selected && m.present))))
        .then(() => models.installBundled())
        .catch((err: unknown) => console.error('Could not check the models', err));
      // Back online after an offline start: the models that ship with the app arrive now.
      addEventListener('online', onOnline);
      addEventListener('pagehide', onPageHide);
      // Persistent storage is asked for at the first import, where a refusal can be shown (ui/keep-library.ts).
    })(),
  ]);
  opened.catch((err: unknown) => {
    setReady(false);
    setError(outcomeMessage(err));
    setDamaged(err instanceof Error && err.name === DAMAGED_LIBRARY);
  });

  function onOnline() {
    if (!closing) void models.installBundled().catch(() => undefined);
  }

  /** A normal close: the stage cut short here is not counted as a crash where the library opens next. */
  function onPageHide() {
    if (!closing) markLeftCleanly(runner.running());
  }

  // ---- closing ----------------------------------------------------------------------------

  /**
   * Closes the library in this tab, e.g. to hand it over to another tab: imports already running
   * finish (their files exist only in this tab), the running stage stops unrecorded (it resumes
   * wherever the library opens next), the database is flushed and closed, the workers end.
   */
  function close(): Promise<void> {
    closing ??= (async () => {
      removeEventListener('online', onOnline);
      removeEventListener('pagehide', onPageHide);
      markLeftCleanly(runner.running());
      await imports.settled();
      await runner.stop().catch(() => undefined);
      account.dispose();
      await workers.close();
      refresh.stop();
    })();
    return closing;
  }

  if (getOwner()) onCleanup(() => void close());

  /** Deletes a video with its stored files (a re-import of the same file waits for them: file-removals.ts). */
  function forget(videoId: string): Promise<void> {
    return removals.run(videoId, async () => {
      await runner.remove(videoId);
      live.delete(videoId);
      imports.forget(videoId);
      await deleteVideoFiles(videoId).catch((err: unknown) => console.error('Could not delete the stored files', err));
    });
  }

  /** Files a closed tab left behind (a delete or a copy cut short, a room check's scratch file). Never stops the library opening. */
  async function sweepStoredFiles() {
    try {
      const freed = await sweepUnreferenced(await db.filesInUse());
      await sweepRoomProbes();
      if (freed > 0) console.info(`Removed ${freed} bytes of stored files no video needs any more.`);
    } catch (err) {
      console.error('Could not tidy the stored files', err);
    }
  }

  return {
    /** Every video of the library, newest first, with imports in progress on top. */
    videos: videos as Accessor<VideoCard[]>,
    /** True once the database is open. */
    ready: ready as Accessor<boolean>,
    /** True while a new profile's database is being made: the library is known to be empty meanwhile. */
    knownEmpty: () => knownEmpty() && !ready() && error() === null,
    /** Why the library cannot be used in this tab (e.g. it is open in another tab). */
    error: error as Accessor<string | null>,
    /** True when the stored library itself could not be opened (not another tab, not a full disk): see `backup`. */
    damaged: damaged as Accessor<boolean>,
    /** How far the current run of work has got ("Indexing 2 of 5 — about 40 s left"); null when nothing is in progress. */
    queue: queue as Accessor<QueueSummary | null>,

    close,
    /** The account this library syncs with, and where sync stands. */
    account,

    /**
     * Imports files, all at once: each appears as a card immediately, is hashed (a file already
     * in the library is reported, not added twice), copied into the browser's storage and queued
     * for the pipeline. Bad files are not refused here: they fail at validation, visibly; a file the browser's
     * storage has no room for is refused before anything is stored, saying how much it needs and how much is free.
     */
    async importFiles(files: File[]): Promise<ImportOutcome[]> {
      return imports.importFiles(files);
    },

    async scenes(videoId: string): Promise<SceneCard[]> {
      await opened;
      return db.listScenes(videoId);
    },

    /** An object URL of the stored file for the player (revoke it when done), or null if it is gone. */
    async videoFileUrl(videoId: string): Promise<string | null> {
      const file = await getVideoFile(videoId);
      if (!file) return null;
      const mime = rows.find((r) => r.videoId === videoId)?.mime;
      return URL.createObjectURL(mime && !file.type ? new Blob([file], { type: mime }) : file);
    },

    /**
     * The part [startS, endS] of a video's stored file, cut without re-encoding (see the media worker's
     * exportClip); the Blob's type says its container. `onProgress` gets 0..1.
     */
    async exportClip(videoId: string, startS: number, endS: number, onProgress?: (fraction: number) => void): Promise<Blob> {
      const file = await getVideoFile(videoId);
      if (!file) throw new Error('The video file is not stored on this device, so no clip can be cut from it.');
      // Stored files are named by id: give it the original name, whose extension picks the clip's container.
      const fileName = rows.find((row) => row.videoId === videoId)?.fileName ?? file.name;
      const clip = await workers.clipMedia().exportClip(new File([file], fileName, { type: file.type }), startS, endS, onProgress);
      return new Blob([clip.bytes as Uint8Array<ArrayBuffer>], { type: clip.mime });
    },

    /**
     * Stops an import or the video's processing; the video ends FAILED "Cancelled" (retry resumes), or stays
     * indexed when a run again had written nothing yet (jobs.ts cancelVideo).
     */
    async cancel(videoId: string): Promise<void> {
      if (imports.cancel(videoId)) return;
      await opened;
      await runner.cancel(videoId);
      await refreshNow();
    },

    /** Runs the stages an indexed video skipped (a model was missing) or lacks; returns how many. */
    async reindex(videoId: string): Promise<number> {
      await opened;
      const queued = await db.reindexVideo(videoId, [...PIPELINE_STAGES]);
      if (queued > 0) runner.wake();
      await refreshNow();
      return queued;
    },

    /** What the library keeps in this browser, the quota, and whether the browser keeps it (app/storage-usage.ts). */
    storage: makeStorage({ db, whenOpen: () => opened }),

    /** The models of this device: list, download with progress, remove (app/models.ts). */
    models,

    /** Backup and restore of this device's library; for a damaged one, its raw data and starting over (app/backup.ts). */
    backup: createBackup({
      dumpDatabase: async () => {
        await opened;
        return db.dumpDatabase();
      },
      close,
    }),

    /** People grouped from the videos' faces, and what the user does with them (app/people.ts). */
    people: createPeople(db, () => opened),

    /** The visual model for images and queries: choose it (the library is re-embedded in the background), follow the re-embedding. */
    visualModel: { choose: visualModel.choose, progress: visualModel.progress, coverage: visualModel.coverage },

    /** Search: a typed query, an example image or "more like this" (app/search.ts). */
    search: createSearch({
      db,
      ml,
      whenOpen: () => opened,
      examples: { save: saveExampleImage, get: getExampleImage },
      remote: {
        wanted: () => navigator.onLine && account.account() != null && !account.status().pulledAll,
        search: (raw, vector, meaning) => db.serverSearch(raw, vector, meaning),
      },
    }),

    /** The thumbnails of the scenes shown (search cards, the scene strip), read as they come into view (app/scene-thumbnails.ts). */
    thumbnails: createSceneThumbnails({
      local: async (sceneIds) => {
        await opened;
        return db.sceneThumbnails(sceneIds);
      },
      remote: (sha256) => db.serverThumbnail(sha256),
    }),

    /** Runs the failed or cancelled stages again (an unfinished import is imported again from this tab). */
    async retry(videoId: string): Promise<void> {
      if (imports.retryUnsaved(videoId)) return;
      await opened;
      if (await runner.retry(videoId)) return refreshNow();
      if (imports.retryFailed(videoId)) return;
      const video = await db.getVideo(videoId);
      if (video?.state === 'FAILED' && video.jobs.length === 0) {
        throw new Error('This import did not finish. Import the file again.');
      }
      throw new Error('There is nothing to retry for this video.');
    },

    /** Deletes a video: state DELETED, its scenes and stored files gone. */
    async remove(videoId: string): Promise<void> {
      const stored = await imports.remove(videoId);
      if (stored === null) return;
      await opened;
      await forget(stored);
      await refreshNow();
    },
  };
}
