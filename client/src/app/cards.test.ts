import type { JobStage, JobState, VideoState } from '@heimdex/shared-schema';
import { describe, expect, it } from 'vitest';
import type { JobRow } from '../db/jobs.ts';
import type { VideoRow } from '../db/videos.ts';
import { STORAGE_FULL_MESSAGE } from '../storage-full.ts';
import { cardOfRow, libraryCards, type TabView } from './cards.ts';
import type { PendingImport } from './imports.ts';

const job = (stage: JobStage, state: JobState, over: Partial<JobRow> = {}): JobRow => ({
  stage,
  state,
  progress: state === 'COMPLETED' ? 1 : 0,
  attempts: state === 'PENDING' ? 0 : 1,
  error: null,
  skippedReason: null,
  fillable: false,
  keptEarlier: false,
  details: null,
  retryable: true,
  pass: 1,
  ...over,
});

function row(videoId: string, state: VideoState, jobs: JobRow[], over: Partial<VideoRow> = {}): VideoRow {
  const current = jobs.find((j) => j.state !== 'COMPLETED') ?? null;
  return {
    videoId,
    title: videoId,
    fileName: `${videoId}.mp4`,
    sizeBytes: 1000,
    mime: 'video/mp4',
    durationS: 10,
    width: 640,
    height: 360,
    fps: 25,
    state,
    error: null,
    deviceId: null,
    firstIndexing: state !== 'INDEXED',
    thumbnail: null,
    currentStage: current?.stage ?? null,
    currentStageProgress: current?.progress ?? 0,
    jobs,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const tab = (over: Partial<TabView> = {}): TabView => ({ imports: [], live: new Map(), activeVideoId: null, holdsFailedFile: () => false, ...over });

const pendingImport = (fileName: string, over: Partial<PendingImport> = {}): PendingImport => ({
  cardId: `card-${fileName}`,
  file: new File(['x'], fileName),
  createdAt: '2026-01-02T00:00:00.000Z',
  videoId: null,
  progress: 0.25,
  error: null,
  errorDetails: null,
  controller: new AbortController(),
  removed: false,
  done: new Promise(() => {}),
  ...over,
});

describe('cardOfRow', () => {
  it('shows the running stage at the progress the runner last reported, between database reads', () => {
    const processing = row('a', 'PROCESSING', [job('UPLOAD_VALIDATE', 'COMPLETED'), job('SCENE_DETECT', 'RUNNING', { progress: 0.2 }), job('FINALIZE', 'PENDING')]);
    const live = new Map([['a', { stage: 'SCENE_DETECT' as const, stageProgress: 0.6, overallProgress: 0.5 }]]);
    const card = cardOfRow(processing, tab({ live }));
    expect(card).toMatchObject({ stage: 'SCENE_DETECT', stageProgress: 0.6, overallProgress: 0.5, running: true, queuePosition: null });
    expect(card.stages.map((s) => [s.stage, s.state, s.progress])).toEqual([
      ['UPLOAD_VALIDATE', 'COMPLETED', 1],
      ['SCENE_DETECT', 'RUNNING', 0.6],
      ['FINALIZE', 'PENDING', 0],
    ]);
    expect(card.stages[0]).not.toHaveProperty('details');

    const stale = new Map([['a', { stage: 'UPLOAD_VALIDATE' as const, stageProgress: 0.9, overallProgress: 0.1 }]]);
    expect(cardOfRow(processing, tab({ live: stale }))).toMatchObject({ stageProgress: 0.2 });
  });

  it('is running between two of its stages while the runner is on it', () => {
    const between = row('a', 'PROCESSING', [job('UPLOAD_VALIDATE', 'COMPLETED'), job('FINALIZE', 'PENDING')]);
    expect(cardOfRow(between, tab()).running).toBe(false);
    expect(cardOfRow(between, tab({ activeVideoId: 'a' })).running).toBe(true);
  });

  it('offers Retry for a cancelled or retryable failure, not for a bad file, with the failure details', () => {
    const failedWith = (stopped: JobRow) => row('a', 'FAILED', [job('UPLOAD_VALIDATE', 'COMPLETED'), stopped], { error: 'Stopped' });
    expect(cardOfRow(failedWith(job('SCENE_DETECT', 'CANCELLED')), tab()).retryable).toBe(true);
    expect(cardOfRow(failedWith(job('SCENE_DETECT', 'FAILED', { retryable: true })), tab()).retryable).toBe(true);
    const badFile = cardOfRow(failedWith(job('SCENE_DETECT', 'FAILED', { retryable: false, details: 'moov atom not found' })), tab());
    expect(badFile).toMatchObject({ retryable: false, error: 'Stopped', errorDetails: 'moov atom not found' });
  });

  it('shows a failure the full storage kept from the database as failed, never as running', () => {
    const stillRunning = row('a', 'PROCESSING', [job('UPLOAD_VALIDATE', 'COMPLETED'), job('THUMBNAILS', 'RUNNING', { progress: 0.4 }), job('FINALIZE', 'PENDING')]);
    const failure = { videoId: 'a', stage: 'THUMBNAILS' as const, reason: STORAGE_FULL_MESSAGE, details: null, retryable: true, claimed: true };
    const live = new Map([['a', { stage: 'THUMBNAILS' as const, stageProgress: 0.5, overallProgress: 0.6 }]]);
    const card = cardOfRow(stillRunning, tab({ unrecorded: new Map([['a', failure]]), live, activeVideoId: 'a' }));
    expect(card).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE, retryable: true, running: false, stage: 'THUMBNAILS' });
    expect(card.stages.map((s) => [s.stage, s.state, s.error])).toEqual([
      ['UPLOAD_VALIDATE', 'COMPLETED', null],
      ['THUMBNAILS', 'FAILED', STORAGE_FULL_MESSAGE],
      ['FINALIZE', 'PENDING', null],
    ]);
    // Once the database moved on (the mark was written, or the video re-queued), the row says what is.
    const requeued = row('a', 'PROCESSING', [job('UPLOAD_VALIDATE', 'COMPLETED'), job('THUMBNAILS', 'PENDING'), job('FINALIZE', 'PENDING')]);
    expect(cardOfRow(requeued, tab({ unrecorded: new Map([['a', failure]]) })).state).toBe('PROCESSING');
    expect(cardOfRow(stillRunning, tab({ unrecorded: new Map([['b', { ...failure, videoId: 'b' }]]) })).state).toBe('PROCESSING');
    // A stage whose very claim was refused is still PENDING in the database: failed all the same.
    const unclaimed = cardOfRow(requeued, tab({ unrecorded: new Map([['a', { ...failure, claimed: false }]]) }));
    expect(unclaimed).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE, running: false });
    expect(unclaimed.stages.find((s) => s.stage === 'THUMBNAILS')?.state).toBe('FAILED');
  });

  it('offers Retry for an import that failed before its jobs only while this tab holds the file', () => {
    const unfinished = row('a', 'FAILED', [], { error: 'No space left' });
    expect(cardOfRow(unfinished, tab()).retryable).toBe(false);
    expect(cardOfRow(unfinished, tab({ holdsFailedFile: (id) => id === 'a' })).retryable).toBe(true);
  });

  it('shows the import progress of a video still being copied in', () => {
    const copying = row('a', 'UPLOADING', []);
    expect(cardOfRow(copying, tab({ imports: [pendingImport('a.mp4', { videoId: 'a', progress: 0.7 })] })).stageProgress).toBe(0.7);
  });

  it('is complete once indexed, and names its gaps', () => {
    const indexed = row('a', 'INDEXED', [job('OCR', 'COMPLETED', { skippedReason: 'The ocr model is not installed.', fillable: true })]);
    const card = cardOfRow(indexed, tab());
    expect(card.overallProgress).toBe(1);
    expect(card.gaps.map((g) => g.task)).toEqual(['ocr']);
  });
});

describe('libraryCards', () => {
  it("puts this tab's imports on top, newest first, until the database holds them; waiting videos are numbered", () => {
    const rows = [
      row('new', 'PROCESSING', [job('SCENE_DETECT', 'PENDING')], { createdAt: '2026-01-01T00:00:02.000Z' }),
      row('old', 'VALIDATING', [job('UPLOAD_VALIDATE', 'PENDING')], { createdAt: '2026-01-01T00:00:01.000Z' }),
      row('stored', 'UPLOADING', [], { createdAt: '2026-01-01T00:00:03.000Z' }),
    ];
    const imports = [
      pendingImport('first.mp4', { createdAt: '2026-01-02T00:00:01.000Z' }),
      pendingImport('second.mp4', { createdAt: '2026-01-02T00:00:02.000Z', error: 'The file could not be read.' }),
      pendingImport('stored.mp4', { videoId: 'stored' }),
      pendingImport('removed.mp4', { removed: true }),
    ];
    const cards = libraryCards(rows, tab({ imports }));
    expect(cards.map((c) => [c.videoId, c.state, c.queuePosition])).toEqual([
      ['card-second.mp4', 'FAILED', null],
      ['card-first.mp4', 'UPLOADING', null],
      ['new', 'PROCESSING', 2],
      ['old', 'VALIDATING', 1],
      ['stored', 'UPLOADING', null],
    ]);
    expect(cards[0]).toMatchObject({ title: 'second', fileName: 'second.mp4', retryable: true, stageProgress: 0.25, error: 'The file could not be read.' });
  });
});
