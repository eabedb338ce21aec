// What the UI consumes: the library of this device, kept live as imports and the pipeline run.
// It opens the DB worker and the media worker, runs the pipeline in this tab (one tab at a time,
// see the runner's Web Lock), and turns database rows and pipeline events into cards.
import type { JobStage, JobState, VideoState } from '@heimdex/shared-schema';
import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';
import type { JobRow } from '../db/jobs.ts';
import type { SceneRow } from '../db/scenes.ts';
import type { VideoRow } from '../db/videos.ts';
import { openDbClient } from '../db/client.ts';
import { isFreshProfile } from '../db/location.ts';
import { deleteVideoFiles, getAudio, getKeyframes, getVideoFile, hashFile, saveAudio, saveKeyframes, saveVideoFile } from '../files/store.ts';
import { createMediaClient } from '../media/client.ts';
import { MODEL_TASK_STAGES, overallProgress, PIPELINE_STAGES } from '../pipeline/plan.ts';
import { createRunner, StageFailure, type RunnerEvent } from '../pipeline/runner.ts';
import { createMlClient } from '../ml/client.ts';
import { createVisualModel } from './visual-model.ts';
import { createSearch } from './search.ts';
import { MODEL_TASKS, type ModelTask } from '../ml/registry.ts';
import { createModels } from './models.ts';
import type { MergeResult } from '../db/people.ts';
import { PIPELINE, type PipelineContext } from '../pipeline/pipeline.ts';
import { gapsOf, type IndexGap } from './gaps.ts';
import { RECENT_WINDOW_MS, type WorkSample } from './eta.ts';
import { nextBatch, queuePositions, summarizeBatch, type Batch, type QueueSummary } from './queue.ts';
import { messageOf } from '../errors.ts';

export { STAGE_LABELS } from '../pipeline/plan.ts';
export type { IndexGap } from './gaps.ts';
export type { QueueSummary } from './queue.ts';

export interface VideoCard {
  videoId: string;
  title: string;
  fileName: string;
  sizeBytes: number;
  durationS: number | null;
  width: number | null;
  height: number | null;
  state: VideoState;
  /** Why it failed, in one short sentence. */
  error: string | null;
  /** The technical rest of the failure (behind "Show details"); null when there is none. */
  errorDetails: string | null;
  /** Retry can help: a cancelled, crashed or interrupted run, a storage error; not a bad file. */
  retryable: boolean;
  thumbnail: Uint8Array | null;
  /** The stage running or next to run (or that failed); null once indexed and while importing. */
  stage: JobStage | null;
  /** Progress of `stage`, or of the import (hashing, then copying) while UPLOADING. */
  stageProgress: number;
  overallProgress: number;
  /** The pipeline is working on this video now (between two of its stages too). */
  running: boolean;
  /** 1-based place in the pipeline's queue while waiting; null otherwise. */
  queuePosition: number | null;
  /** Every stage with its state, from the same database read as `state`, so the two always agree. */
  stages: StageStatus[];
  /** What an indexed video cannot be searched for because a model was missing (app/gaps.ts). */
  gaps: IndexGap[];
  createdAt: string;
}

export type SceneCard = SceneRow;

export interface StageStatus {
  /** Why the stage did no work (its model is not installed, the video has no sound); null when it did. */
  skippedReason: string | null;
  /** Re-index can fill this skipped stage in (its model was missing). */
  fillable: boolean;
  stage: JobStage;
  state: JobState;
  progress: number;
  error: string | null;
  attempts: number;
}

export interface ImportOutcome {
  fileName: string;
  status: 'added' | 'duplicate' | 'failed';
  videoId?: string;
  message: string;
}

/** Share of the import bar spent hashing (the rest is the copy into the browser's storage). */
const HASH_SHARE = 0.5;
/** The cards are rebuilt at most this often (~4/s), however fast events arrive. */
const PUBLISH_INTERVAL_MS = 250;
const CANCELLED = 'Cancelled';

/** An import in this tab: shown as a card from the first moment, before the database has a row. */
interface PendingImport {
  /** The card's id; becomes the video id unless the content revives an earlier video. */
  cardId: string;
  file: File;
  createdAt: string;
  /** Set once the database holds the video (state UPLOADING). */
  videoId: string | null;
  progress: number;
  /** Set when the import failed before the database had a row: the card stays, FAILED. */
  error: string | null;
  errorDetails: string | null;
  controller: AbortController;
  removed: boolean;
  /** Settles when the import has finished, one way or the other. */
  done: Promise<ImportOutcome>;
}

interface LiveStage {
  stage: JobStage;
  stageProgress: number;
  overallProgress: number;
}

function titleOf(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, '').trim() || fileName;
}

/** An import's or an action's error in words: a cancel says "Cancelled". */
function outcomeMessage(error: unknown): string {
  return error instanceof DOMException && error.name === 'AbortError' ? CANCELLED : messageOf(error);
}

/** An error of reading the picked file: a sentence for people, the browser's words as details. */
class UnreadableFile extends Error {
  constructor(readonly details: string) {
    super('The file could not be read — was it moved or deleted?');
  }
}

/** Each stage of a video for people: the running stage's progress comes live from the runner, between database reads. */
function stagesOf(jobs: readonly JobRow[], running: LiveStage | undefined): StageStatus[] {
  return jobs.map((job) => ({
    stage: job.stage,
    state: job.state,
    progress: running?.stage === job.stage && job.state === 'RUNNING' ? running.stageProgress : job.progress,
    error: job.error,
    attempts: job.attempts,
    skippedReason: job.skippedReason,
    fillable: job.fillable,
  }));
}

/** The job that stopped the video (the first failed or cancelled one), if any. */
function stoppedJob(jobs: readonly JobRow[]): JobRow | undefined {
  return jobs.find((job) => job.state === 'FAILED' || job.state === 'CANCELLED');
}

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
  const [queue, setQueue] = createSignal<QueueSummary | null>(null);

  let rows: VideoRow[] = [];
  /** The video the runner is working on: set when one of its stages starts, kept between its stages. */
  let activeVideoId: string | null = null;
  let batch: Batch | null = null;
  /** The batch's recent progress, for a time-left estimate that follows the current pace. */
  const workSamples: WorkSample[] = [];
  const imports = new Map<string, PendingImport>();
  const live = new Map<string, LiveStage>();
  /** Files of imports that failed in this tab, so that retry can import them again. */
  const failedImportFiles = new Map<string, File>();
  /** Set once close() was called (see there). */
  let closing: Promise<void> | null = null;

  let fail!: (error: Error) => void;
  const fatal = new Promise<never>((_, reject) => (fail = reject));
  const db = openDbClient((message) => fail(new Error(message)));
  const media = createMediaClient();
  /** Clip export has its own media worker, started on first use: cancelling indexing must not kill an export, nor an export wait for indexing. */
  let clipMedia: ReturnType<typeof createMediaClient> | null = null;
  const ml = createMlClient();

  const runner = createRunner<PipelineContext>({
    db,
    stages: PIPELINE,
    prepare: async (run) => {
      const file = await getVideoFile(run.videoId);
      if (!file) {
        throw new StageFailure('The video file is no longer in this browser’s storage. Delete the video and import it again.');
      }
      return { ...run, file, media, ml, reads: db, saveAudio, saveKeyframes, getKeyframes, getAudio, modelReady: models.whenReady };
    },
    abortWork: () => {
      media.abort();
      ml.abort();
    },
    onEvent: onRunnerEvent,
  });
  const models = createModels({ ml, onInstalled: (task) => void fillGaps([task]) });
  const visualModel = createVisualModel({
    db,
    ml,
    whenOpen: () => opened,
    onQueued: () => {
      runner.wake();
      schedule(true);
    },
  });

  // ---- keeping the cards live -------------------------------------------------------------

  function cardOfRow(row: VideoRow): VideoCard {
    const pending = [...imports.values()].find((p) => p.videoId === row.videoId);
    const running = live.get(row.videoId);
    const overlay = running && running.stage === row.currentStage ? running : null;
    const stages = stagesOf(row.jobs, running);
    const stopped = row.state === 'FAILED' ? stoppedJob(row.jobs) : undefined;
    return {
      videoId: row.videoId,
      title: row.title,
      fileName: row.fileName,
      sizeBytes: row.sizeBytes,
      durationS: row.durationS,
      width: row.width,
      height: row.height,
      state: row.state,
      error: row.error,
      errorDetails: stopped?.details ?? null,
      // Without a job the import itself failed: only a file this tab still holds can be imported again.
      retryable: row.state === 'FAILED' && (stopped ? stopped.state === 'CANCELLED' || stopped.retryable : failedImportFiles.has(row.videoId)),
      thumbnail: row.thumbnail,
      stage: row.currentStage,
      stageProgress: pending && row.state === 'UPLOADING' ? pending.progress : (overlay?.stageProgress ?? row.currentStageProgress),
      overallProgress: row.state === 'INDEXED' ? 1 : (overlay?.overallProgress ?? overallProgress(row.jobs)),
      running:
        (row.state === 'VALIDATING' || row.state === 'PROCESSING') &&
        (row.videoId === activeVideoId || row.jobs.some((job) => job.state === 'RUNNING')),
      queuePosition: null,
      stages,
      gaps: gapsOf(row.state, stages),
      createdAt: row.createdAt,
    };
  }

  function cardOfImport(pending: PendingImport): VideoCard {
    return {
      videoId: pending.videoId ?? pending.cardId,
      title: titleOf(pending.file.name),
      fileName: pending.file.name,
      sizeBytes: pending.file.size,
      durationS: null,
      width: null,
      height: null,
      state: pending.error ? 'FAILED' : 'UPLOADING',
      error: pending.error,
      errorDetails: pending.errorDetails,
      retryable: pending.error !== null,
      thumbnail: null,
      stage: null,
      stageProgress: pending.progress,
      overallProgress: 0,
      running: false,
      queuePosition: null,
      stages: [],
      gaps: [],
      createdAt: pending.createdAt,
    };
  }

  function publish() {
    const known = new Set(rows.map((r) => r.videoId));
    const transient = [...imports.values()]
      .filter((p) => !p.removed && !(p.videoId && known.has(p.videoId)))
      .map(cardOfImport)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const cards = [...transient, ...rows.map(cardOfRow)];
    const positions = queuePositions(cards);
    for (const card of cards) card.queuePosition = positions.get(card.videoId) ?? null;
    const now = Date.now();
    const before = batch;
    batch = nextBatch(batch, cards, now);
    if (batch !== before && (batch === null || batch.startedAtMs !== before?.startedAtMs)) workSamples.length = 0; // a new batch or clock
    const summary = summarizeBatch(batch, cards, now, workSamples);
    if (summary) {
      workSamples.push({ atMs: now, doneS: summary.doneS });
      while (workSamples.length > 0 && workSamples[0]!.atMs < now - 2 * RECENT_WINDOW_MS) workSamples.shift();
    }
    setQueue(summary);
    setVideos(cards);
  }

  let refreshWanted = false;
  let publishWanted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let flushing = false;
  let lastFlush = 0;

  /** Throttled: rebuild the cards, re-reading the database first when `fromDb`. */
  function schedule(fromDb: boolean) {
    refreshWanted ||= fromDb;
    publishWanted = true;
    if (timer || flushing) return;
    timer = setTimeout(() => void flush(), Math.max(0, lastFlush + PUBLISH_INTERVAL_MS - Date.now()));
  }

  async function flush() {
    timer = null;
    flushing = true;
    lastFlush = Date.now();
    try {
      if (refreshWanted) {
        refreshWanted = false;
        // Before the database is open there is nothing to read; opening reads the rows itself.
        if (ready()) rows = await db.listVideos();
      }
      publishWanted = false;
      publish();
    } catch (err) {
      console.error('Could not refresh the library', err);
    } finally {
      flushing = false;
      if (publishWanted || refreshWanted) schedule(refreshWanted);
    }
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
        return schedule(true);
      case 'progress':
        live.set(event.videoId, { stage: event.stage, stageProgress: event.stageProgress, overallProgress: event.overallProgress });
        return schedule(false);
      case 'stage-finished':
        live.delete(event.videoId);
        return schedule(true);
      case 'video-changed':
        return schedule(true);
      case 'error':
        console.error('Pipeline:', event.message);
        return;
      case 'idle':
        activeVideoId = null;
        return schedule(false);
    }
  }

  /**
   * Queues, for every indexed video, the stages of `tasks` that were skipped because their model was not on
   * this device: run when a model arrives and at start, so nothing waits for a manual re-index.
   */
  async function fillGaps(tasks: readonly ModelTask[]) {
    await opened;
    const stages = tasks.flatMap((task) => MODEL_TASK_STAGES[task]);
    // Only videos with such a gap reach the database (this runs at every start, over the whole library).
    const gapped = rows.filter((r) => r.state === 'INDEXED' && r.jobs.some((j) => j.fillable && j.skippedReason !== null && stages.includes(j.stage)));
    let queued = 0;
    for (const row of gapped) queued += await db.reindexVideo(row.videoId, [...stages]);
    if (queued > 0) {
      runner.wake();
      schedule(true);
    }
  }

  // ---- opening ----------------------------------------------------------------------------

  const opened: Promise<void> = Promise.race([
    fatal,
    (async () => {
      await db.whenOpen();
      // Imports cut short by a reload cannot finish: their File went with the page.
      await db.failInterruptedImports();
      rows = await db.listVideos();
      // A video indexed by an older version lacks the stages added since (e.g. grouping faces into
      // people): queue just those, so an upgrade brings the whole library up to date by itself.
      const outdated = rows.filter((r) => r.state === 'INDEXED' && PIPELINE_STAGES.some((s) => !r.jobs.some((j) => j.stage === s)));
      for (const row of outdated) await db.reindexVideo(row.videoId, [...PIPELINE_STAGES]);
      if (outdated.length > 0) rows = await db.listVideos();
      setReady(true);
      publish();
      // The chosen visual model reaches the ML worker before any stage can ask it for an embedding.
      const catchUpVisual = await visualModel.restore();
      if (closing) return; // closed while opening (handed over to another tab at once)
      runner.start();
      void catchUpVisual();
      // What a model on this device could already have done (it arrived while the tab was closed, or in
      // another tab) is filled in now; the models that ship with the app are fetched while online.
      void ml
        .status()
        .then((statuses) => fillGaps(MODEL_TASKS.filter((task) => statuses.some((m) => m.task === task && m.selected && m.present))))
        .then(() => models.installBundled())
        .catch((err: unknown) => console.error('Could not check the models', err));
      // Back online after an offline start: the models that ship with the app arrive now.
      addEventListener('online', onOnline);
      // Ask the browser not to evict the library under storage pressure (granted silently or not at all).
      void navigator.storage?.persist?.().catch(() => undefined);
    })(),
  ]);
  opened.catch((err: unknown) => {
    setReady(false);
    setError(outcomeMessage(err));
  });

  function onOnline() {
    if (!closing) void models.installBundled().catch(() => undefined);
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
      await Promise.allSettled([...imports.values()].map((pending) => pending.done));
      await runner.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      media.abort();
      clipMedia?.abort();
      ml.abort();
      if (timer) clearTimeout(timer);
    })();
    return closing;
  }

  if (getOwner()) onCleanup(() => void close());

  // ---- importing --------------------------------------------------------------------------

  function importOne(file: File): Promise<ImportOutcome> {
    const pending: PendingImport = {
      cardId: crypto.randomUUID(),
      file,
      createdAt: new Date().toISOString(),
      videoId: null,
      progress: 0,
      error: null,
      errorDetails: null,
      controller: new AbortController(),
      removed: false,
      done: Promise.resolve({ fileName: file.name, status: 'failed', message: '' }),
    };
    imports.set(pending.cardId, pending);
    schedule(false);
    pending.done = runImport(pending);
    return pending.done;
  }

  async function runImport(pending: PendingImport): Promise<ImportOutcome> {
    const { file } = pending;
    const { signal } = pending.controller;
    const title = titleOf(file.name);
    try {
      await opened;
      const sha256 = await hashFile(
        file,
        (f) => {
          pending.progress = f * HASH_SHARE;
          schedule(false);
        },
        signal,
      ).catch((err: unknown) => {
        if (signal.aborted) throw err;
        throw new UnreadableFile(outcomeMessage(err));
      });
      signal.throwIfAborted();
      const created = await db.createVideo({
        videoId: pending.cardId,
        title,
        fileName: file.name,
        sizeBytes: file.size,
        mime: file.type || null,
        contentSha256: sha256,
      });
      if (created.status === 'duplicate') {
        imports.delete(pending.cardId);
        schedule(false);
        return { fileName: file.name, status: 'duplicate', videoId: created.videoId, message: `Already in your library as “${created.title}”.` };
      }
      pending.videoId = created.videoId;
      schedule(true);
      signal.throwIfAborted();
      await saveVideoFile(
        created.videoId,
        file,
        (f) => {
          pending.progress = HASH_SHARE + f * (1 - HASH_SHARE);
          schedule(false);
        },
        signal,
      );
      signal.throwIfAborted();
      if (!(await db.queueVideo(created.videoId, [...PIPELINE_STAGES]))) throw new DOMException(CANCELLED, 'AbortError');
      imports.delete(pending.cardId);
      failedImportFiles.delete(created.videoId);
      runner.wake();
      schedule(true);
      return { fileName: file.name, status: 'added', videoId: created.videoId, message: 'Copied into your library; it is being checked and indexed.' };
    } catch (err) {
      const message = outcomeMessage(err);
      const videoId = pending.videoId;
      if (pending.removed) {
        imports.delete(pending.cardId); // remove() deletes what was stored
      } else if (videoId) {
        // The video is in the library: it stays there, FAILED with the reason.
        await db.failImport(videoId, message).catch(() => undefined);
        imports.delete(pending.cardId);
        failedImportFiles.set(videoId, file);
      } else {
        // Nothing was stored (no database, unreadable file): the card stays in this tab, FAILED.
        pending.error = message;
        pending.errorDetails = err instanceof UnreadableFile ? err.details : null;
        pending.progress = 0;
      }
      schedule(true);
      return { fileName: file.name, status: 'failed', ...(videoId ? { videoId } : {}), message };
    }
  }

  /** Deletes a video with its stored files. */
  async function forget(videoId: string) {
    await runner.remove(videoId);
    live.delete(videoId);
    failedImportFiles.delete(videoId);
    await deleteVideoFiles(videoId).catch((err: unknown) => console.error('Could not delete the stored files', err));
  }

  const importFor = (videoId: string) =>
    [...imports.values()].find((p) => p.cardId === videoId || p.videoId === videoId);

  return {
    /** Every video of the library, newest first, with imports in progress on top. */
    videos: videos as Accessor<VideoCard[]>,
    /** True once the database is open. */
    ready: ready as Accessor<boolean>,
    /** True while a new profile's database is being made: the library is known to be empty meanwhile. */
    knownEmpty: () => knownEmpty() && !ready() && error() === null,
    /** Why the library cannot be used in this tab (e.g. it is open in another tab). */
    error: error as Accessor<string | null>,
    /** How far the current run of work has got ("Indexing 2 of 5 — about 40 s left"); null when nothing is in progress. */
    queue: queue as Accessor<QueueSummary | null>,

    close,

    /**
     * Imports files, all at once: each appears as a card immediately, is hashed (a file already
     * in the library is reported, not added twice), copied into the browser's storage and queued
     * for the pipeline. Bad files are not refused here: they fail at validation, visibly.
     */
    async importFiles(files: File[]): Promise<ImportOutcome[]> {
      return Promise.all(files.map(importOne));
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
      clipMedia ??= createMediaClient();
      const clip = await clipMedia.exportClip(new File([file], fileName, { type: file.type }), startS, endS, onProgress);
      return new Blob([clip.bytes as Uint8Array<ArrayBuffer>], { type: clip.mime });
    },

    /** Stops an import or the video's processing; the video ends FAILED "Cancelled" (retry resumes). */
    async cancel(videoId: string): Promise<void> {
      const pending = importFor(videoId);
      if (pending) {
        pending.controller.abort();
        return;
      }
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

    /** The models of this device: list, download with progress, remove (app/models.ts). */
    models,

    /** People grouped from the videos' faces, and what the user does with them (db/people.ts). */
    people: {
      list: () => opened.then(() => db.listPeople()),
      get: (personId: string) => opened.then(() => db.getPerson(personId)),
      rename: (personId: string, name: string) => opened.then(() => db.renamePerson(personId, name)),
      // comlink's Remote spreads a union result into a union of promises: give the type back.
      merge: (fromId: string, intoId: string) => opened.then(() => db.mergePeople(fromId, intoId) as Promise<MergeResult>),
      /** `toPersonId` null: the face becomes a new person. Resolves to the person the face is now in. */
      moveFace: (faceId: string, toPersonId: string | null) => opened.then(() => db.moveFace(faceId, toPersonId)),
      setHidden: (personId: string, hidden: boolean) => opened.then(() => db.setPersonHidden(personId, hidden)),
      setNeverMerge: (personId: string, otherId: string, marked: boolean) =>
        opened.then(() => db.setNeverMerge(personId, otherId, marked)),
    },

    /** The visual model for images and queries: choose it (the library is re-embedded in the background), follow the re-embedding. */
    visualModel: { choose: visualModel.choose, progress: visualModel.progress },

    /** Search: a typed query, an example image or "more like this" (app/search.ts). */
    search: createSearch({ db, ml, whenOpen: () => opened }),

    /** Runs the failed or cancelled stages again (an unfinished import is imported again from this tab). */
    async retry(videoId: string): Promise<void> {
      const pending = importFor(videoId);
      if (pending?.error) {
        imports.delete(pending.cardId);
        schedule(false);
        void importOne(pending.file);
        return;
      }
      await opened;
      if (await runner.retry(videoId)) return refreshNow();
      const file = failedImportFiles.get(videoId);
      if (file) {
        failedImportFiles.delete(videoId);
        void importOne(file);
        return;
      }
      const video = await db.getVideo(videoId);
      if (video?.state === 'FAILED' && video.jobs.length === 0) {
        throw new Error('This import did not finish. Import the file again.');
      }
      throw new Error('There is nothing to retry for this video.');
    },

    /** Deletes a video: state DELETED, its scenes and stored files gone. */
    async remove(videoId: string): Promise<void> {
      const pending = importFor(videoId);
      if (pending) {
        pending.removed = true;
        pending.controller.abort();
        imports.delete(pending.cardId);
        schedule(false);
        await pending.done; // so that nothing is written for it after this
        if (!pending.videoId) return;
        videoId = pending.videoId;
      }
      await opened;
      await forget(videoId);
      await refreshNow();
    },
  };
}
