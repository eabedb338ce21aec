// The cards of the library: one per video row, with what this tab knows beyond the database (an import's
// progress, the running stage's progress between database reads), and one per import of this tab that
// the database does not hold yet. Pure: unit-tested in Node.
import type { JobRow } from '../db/jobs.ts';
import type { SceneRow } from '../db/scenes.ts';
import type { VideoRow } from '../db/videos.ts';
import { overallProgress } from '../pipeline/plan.ts';
import type { RunnerEvent, UnrecordedFailure } from '../pipeline/runner.ts';
import { gapsOf, type IndexGap } from './gaps.ts';
import { titleOf, type PendingImport } from './imports.ts';
import { queuePositions } from './queue.ts';

/** A stage of a video for people: its job, without the failure details the card carries. */
export type StageStatus = Omit<JobRow, 'details' | 'retryable' | 'pass'>;

/** A video as the library shows it. `error`: why it failed, in one short sentence. */
export type VideoCard = Pick<
  VideoRow,
  'videoId' | 'title' | 'fileName' | 'sizeBytes' | 'durationS' | 'width' | 'height' | 'state' | 'error' | 'thumbnail' | 'createdAt' | 'firstIndexing'
> & {
  /** The device that holds the original file: null for this one (a video pulled from another device names it). */
  deviceId: VideoRow['deviceId'];
  /** The technical rest of the failure (behind "Show details"); null when there is none. */
  errorDetails: string | null;
  /** Retry can help: a cancelled, crashed or interrupted run, a storage error; not a bad file. */
  retryable: boolean;
  /** The stage running or next to run (or that failed); null once indexed and while importing. */
  stage: VideoRow['currentStage'];
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
};

export type SceneCard = SceneRow;

/** The running stage of a video, as the runner last reported it. */
export type LiveStage = Pick<Extract<RunnerEvent, { type: 'progress' }>, 'stage' | 'stageProgress' | 'overallProgress'>;

/** What this tab knows beyond the database rows. */
export interface TabView {
  imports: readonly PendingImport[];
  /** The running stage of each video, from the runner's events. */
  live: ReadonlyMap<string, LiveStage>;
  /** The video the runner is working on, also between two of its stages. */
  activeVideoId: string | null;
  /** This tab holds the file of the failed import of a video: Retry can import it again. */
  holdsFailedFile: (videoId: string) => boolean;
  /** Failures the full storage kept from the database, by video (the runner's): shown as if written. */
  unrecorded?: ReadonlyMap<string, UnrecordedFailure>;
}

/**
 * The row as it reads once the failure the full storage kept from the database is written: the stage FAILED, the
 * video FAILED with its reason. The row as it is when the database already moved on (the job is not as it was left).
 */
function withUnrecorded(row: VideoRow, failure: UnrecordedFailure | undefined): VideoRow {
  const job = failure && row.jobs.find((j) => j.stage === failure.stage && j.state === (failure.claimed ? 'RUNNING' : 'PENDING'));
  if (!failure || !job) return row;
  const failed = { ...job, state: 'FAILED' as const, error: failure.reason, details: failure.details, retryable: failure.retryable };
  return { ...row, state: 'FAILED', error: failure.reason, jobs: row.jobs.map((j) => (j === job ? failed : j)) };
}

/** Each stage of a video for people: the running stage's progress comes live from the runner, between database reads. */
export function stagesOf(jobs: readonly JobRow[], running: LiveStage | undefined): StageStatus[] {
  return jobs.map((job) => ({
    stage: job.stage,
    state: job.state,
    progress: running?.stage === job.stage && job.state === 'RUNNING' ? running.stageProgress : job.progress,
    error: job.error,
    attempts: job.attempts,
    skippedReason: job.skippedReason,
    fillable: job.fillable,
    keptEarlier: job.keptEarlier,
  }));
}

/** The job that stopped the video (the first failed or cancelled one), if any. */
function stoppedJob(jobs: readonly JobRow[]): JobRow | undefined {
  return jobs.find((job) => job.state === 'FAILED' || job.state === 'CANCELLED');
}

export function cardOfRow(stored: VideoRow, tab: TabView): VideoCard {
  const row = withUnrecorded(stored, tab.unrecorded?.get(stored.videoId));
  const pending = tab.imports.find((p) => p.videoId === row.videoId);
  const running = tab.live.get(row.videoId);
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
    firstIndexing: row.firstIndexing,
    error: row.error,
    errorDetails: stopped?.details ?? null,
    // Without a job the import itself failed: only a file this tab still holds can be imported again.
    retryable: row.state === 'FAILED' && (stopped ? stopped.state === 'CANCELLED' || stopped.retryable : tab.holdsFailedFile(row.videoId)),
    thumbnail: row.thumbnail,
    stage: row.currentStage,
    stageProgress: pending && row.state === 'UPLOADING' ? pending.progress : (overlay?.stageProgress ?? row.currentStageProgress),
    overallProgress: row.state === 'INDEXED' ? 1 : (overlay?.overallProgress ?? overallProgress(row.jobs)),
    running:
      (row.state === 'VALIDATING' || row.state === 'PROCESSING') &&
      (row.videoId === tab.activeVideoId || row.jobs.some((job) => job.state === 'RUNNING')),
    queuePosition: null,
    stages,
    gaps: gapsOf(row.state, stages),
    createdAt: row.createdAt,
    deviceId: row.deviceId,
  };
}

export function cardOfImport(pending: PendingImport): VideoCard {
  return {
    videoId: pending.videoId ?? pending.cardId,
    title: titleOf(pending.file.name),
    fileName: pending.file.name,
    sizeBytes: pending.file.size,
    durationS: null,
    width: null,
    height: null,
    state: pending.error ? 'FAILED' : 'UPLOADING',
    firstIndexing: true,
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
    deviceId: null,
  };
}

/** Every card: this tab's imports the database does not hold yet on top (newest first), then the rows; waiting videos numbered. */
export function libraryCards(rows: readonly VideoRow[], tab: TabView): VideoCard[] {
  const known = new Set(rows.map((r) => r.videoId));
  const transient = tab.imports
    .filter((p) => !p.removed && !(p.videoId && known.has(p.videoId)))
    .map(cardOfImport)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const cards = [...transient, ...rows.map((row) => cardOfRow(row, tab))];
  const positions = queuePositions(cards);
  for (const card of cards) card.queuePosition = positions.get(card.videoId) ?? null;
  return cards;
}
