import type { JobState } from '@heimdex/shared-schema';

// Stage names for people are the pipeline's own (one list for the whole app).
export { STAGE_LABELS } from '../app/library.ts';

export const JOB_STATE_LABELS: Record<JobState, string> = {
  PENDING: 'Waiting',
  RUNNING: 'Running',
  COMPLETED: 'Done',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** States in which the pipeline is still working on a video (progress shown, Cancel offered). */
export { isInProgress } from '../app/queue.ts';
