// What an indexed video cannot be searched for because a model was missing when it was indexed, and which videos
// Re-index can bring up to date. Pure: unit-tested in Node. One derivation for the card and the Video page.
import type { JobStage, VideoState } from '@heimdex/shared-schema';
import type { JobRow } from '../db/jobs.ts';
import type { VideoRow } from '../db/videos.ts';
import type { ModelTask } from '../ml/registry.ts';
import { MODEL_TASK_STAGES, STAGE_DEPENDENTS, stagePass } from '../pipeline/plan.ts';

/** The model task whose absence leaves each model stage's work undone (the pipeline's own map, inverted). */
export const STAGE_TASKS: Partial<Record<JobStage, ModelTask>> = Object.fromEntries(
  (Object.entries(MODEL_TASK_STAGES) as [ModelTask, readonly JobStage[]][]).flatMap(([task, stages]) => stages.map((stage) => [stage, task])),
);

/** What is missing, in plain words, and the action that fills it in. */
export const GAP_TEXTS: Record<ModelTask, { missing: string; action: string }> = {
  speech: { missing: 'Spoken words are not searchable', action: 'Download the speech model' },
  visual: { missing: 'Searching by what is shown is not available', action: 'Download the visual model' },
  ocr: { missing: 'On-screen text is not searchable', action: 'Download the text-reading model' },
  faces: { missing: 'People are not recognised', action: 'Download the face model' },
  meaning: { missing: 'Searching by meaning is not available', action: 'Download the meaning model' },
};

export interface IndexGap {
  task: ModelTask;
  missing: string;
  action: string;
}

/** The gaps of a video: only an INDEXED one has them (elsewhere the stages may still run); one per task, in stage order. */
export function gapsOf(
  state: VideoState,
  stages: readonly { stage: JobStage; state: string; skippedReason: string | null; fillable: boolean }[],
): IndexGap[] {
  if (state !== 'INDEXED') return [];
  const tasks: ModelTask[] = [];
  for (const stage of stages) {
    const task = STAGE_TASKS[stage.stage];
    if (!task || stage.state !== 'COMPLETED' || stage.skippedReason === null || !stage.fillable) continue;
    if (!tasks.includes(task)) tasks.push(task);
  }
  return tasks.map((task) => ({ task, ...GAP_TEXTS[task] }));
}

type IndexedRow = Pick<VideoRow, 'state' | 'deviceId'> & { jobs: readonly Pick<JobRow, 'stage' | 'skippedReason' | 'fillable'>[] };

/**
 * Indexed here: only this device's videos are ever indexed again here. One synced from another device has no
 * jobs and no file on this one (re-indexing it would fail it, and send the failure back to its device).
 */
const indexedHere = (r: IndexedRow) => r.state === 'INDEXED' && r.deviceId === null;

/** Indexed videos with one of `stages` skipped for want of its model: installing the model fills them in. */
export function fillableVideos<R extends IndexedRow>(rows: readonly R[], stages: readonly JobStage[]): R[] {
  return rows.filter((r) => indexedHere(r) && r.jobs.some((j) => j.fillable && j.skippedReason !== null && stages.includes(j.stage)));
}

/** Indexed videos without a job for one of `stages`: indexed by an older version, before those stages existed. */
export function outdatedVideos<R extends IndexedRow>(rows: readonly R[], stages: readonly JobStage[]): R[] {
  return rows.filter((r) => indexedHere(r) && stages.some((s) => !r.jobs.some((j) => j.stage === s)));
}

type PassedRow = Omit<IndexedRow, 'jobs'> & {
  videoId: string;
  jobs: readonly Pick<JobRow, 'stage' | 'state' | 'skippedReason' | 'fillable' | 'pass'>[];
};

/**
 * Indexed videos with one of `stages` done at an earlier pass than this version's (pipeline/plan.ts,
 * STAGE_PASSES): each with the stages to run again, those and the ones built on them, in stage order.
 */
export function earlierPassVideos(rows: readonly PassedRow[], stages: readonly JobStage[]): { videoId: string; stages: JobStage[] }[] {
  const found: { videoId: string; stages: JobStage[] }[] = [];
  for (const row of rows) {
    if (!indexedHere(row)) continue;
    const stale = row.jobs.filter((j) => stages.includes(j.stage) && j.state === 'COMPLETED' && j.skippedReason === null && j.pass < stagePass(j.stage));
    const again = new Set(stale.flatMap((j) => [j.stage, ...(STAGE_DEPENDENTS[j.stage] ?? [])]));
    if (again.size > 0) found.push({ videoId: row.videoId, stages: row.jobs.map((j) => j.stage).filter((stage) => again.has(stage)) });
  }
  return found;
}
