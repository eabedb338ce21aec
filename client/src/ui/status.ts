/**
 * What a video's state reads as for people, what the library header counts, and the queue's one-line
 * summary. Pure: unit-tested in Node. The database enum stays on the badge as data-state for tests;
 * nothing here ever says UPLOADING (a local import uploads nothing).
 */
import type { VideoCard } from '../app/cards.ts';
import type { QueueSummary } from '../app/queue.ts';
import { formatTimeLeft, ordinal, toPercent } from './format.ts';
import { STAGE_LABELS } from './labels.ts';

export type StatusTone = 'importing' | 'queued' | 'running' | 'indexed' | 'gaps' | 'failed';

export interface VideoStatus {
  /** The badge: "Adding to library", "Queued (2nd)", "Indexing", "Indexed", "Indexed with gaps", "Failed". */
  label: string;
  tone: StatusTone;
  /** The step under way with its progress, "Finding scenes 40%"; null when nothing runs. */
  step: string | null;
}

export type StatusInput = Pick<VideoCard, 'state' | 'running' | 'queuePosition' | 'stage' | 'stageProgress' | 'gaps'>;

export function statusOf(video: StatusInput): VideoStatus {
  switch (video.state) {
    case 'UPLOADING':
      return { label: 'Adding to library', tone: 'importing', step: `Copying ${toPercent(video.stageProgress)}%` };
    case 'VALIDATING':
    case 'PROCESSING':
      if (video.queuePosition !== null && !video.running) {
        return { label: `Queued (${ordinal(video.queuePosition)})`, tone: 'queued', step: null };
      }
      return {
        label: 'Indexing',
        tone: 'running',
        step: video.stage ? `${STAGE_LABELS[video.stage]} ${toPercent(video.stageProgress)}%` : null,
      };
    case 'INDEXED':
      return video.gaps.length > 0
        ? { label: 'Indexed with gaps', tone: 'gaps', step: null }
        : { label: 'Indexed', tone: 'indexed', step: null };
    case 'FAILED':
    case 'DELETED':
      return { label: video.state === 'FAILED' ? 'Failed' : 'Deleted', tone: 'failed', step: null };
  }
}

export interface LibraryCounts {
  total: number;
  indexed: number;
  inProgress: number;
  failed: number;
}

/** The library's videos counted apart: a failed import is never counted as part of the indexed library. */
export function countsOf(videos: readonly Pick<VideoCard, 'state'>[]): LibraryCounts {
  const counts: LibraryCounts = { total: videos.length, indexed: 0, inProgress: 0, failed: 0 };
  for (const { state } of videos) {
    if (state === 'INDEXED') counts.indexed++;
    else if (state === 'FAILED') counts.failed++;
    else if (state !== 'DELETED') counts.inProgress++;
  }
  return counts;
}

/** "Indexing 2 of 5 — about 40 s left"; the time only once there is a basis for it. */
export function queueText(summary: QueueSummary): string {
  if (!summary.indexing) return `Adding ${summary.importing} ${summary.importing === 1 ? 'video' : 'videos'} to the library`;
  const what = summary.total === 1 ? 'Indexing 1 video' : `Indexing ${summary.current} of ${summary.total}`;
  const left = formatTimeLeft(summary.secondsLeft);
  return left ? `${what} — ${left}` : what;
}
