// What the pipeline of this slice consists of, for the runner, the importer and the UI:
// the stages in order, their names for people, and how much of the work each one is.
import { jobStage, type Job, type JobStage } from '@heimdex/shared-schema';
import type { ModelTask } from '../ml/registry.ts';

export type PlannedStage = JobStage;

/**
 * The stages this version runs, in order: the job_stage enum's, which the database sorts by. FACE_EMBED runs no
 * model (face-api computes descriptors in the same pass as detection, never a model twice on one frame): it groups
 * the faces FACE_DETECT stored into people, in the database. TEXT_INDEX embeds the meaning of each scene's text
 * (the full-text tsvector needs no stage: it is a generated column).
 */
export const PIPELINE_STAGES: readonly PlannedStage[] = jobStage.enumValues;

/** The stages that run each task's model; skipped without it, filled in once it is on the device. */
export const MODEL_TASK_STAGES: Record<ModelTask, readonly JobStage[]> = {
  visual: ['VISION_EMBED'],
  ocr: ['OCR'],
  faces: ['FACE_DETECT', 'FACE_EMBED'],
  speech: ['ASR_FAST'],
  meaning: ['TEXT_INDEX'],
};

/**
 * Each model stage's pass: raised when what a stage finds changes enough that a video it already ran on is worth
 * running it on again. A completed stage records its pass (its job's metadata; none recorded reads as 1). As the
 * library opens, or the stage's model arrives, a video of this device whose stage ran at an earlier pass runs it
 * again, with the stages that build on it (STAGE_DEPENDENTS), when its file is still stored and the model is on the
 * device (app/library.ts, fillGaps). A stage without an entry is at pass 1.
 *   FACE_DETECT 2: keyframe faces are kept from a detector confidence of 0.3 instead of 0.5 (ml/faces/engine.ts,
 *   MIN_FACE_SCORE), which finds faces that no video indexed before had (a clearly visible woman of the dev
 *   corpus scored 0.33–0.42).
 */
export const STAGE_PASSES: Partial<Record<JobStage, number>> = { FACE_DETECT: 2 };

export const stagePass = (stage: JobStage): number => STAGE_PASSES[stage] ?? 1;

/** The stages that work from a stage's results: they run again after it. */
export const STAGE_DEPENDENTS: Partial<Record<JobStage, readonly JobStage[]>> = { FACE_DETECT: ['FACE_EMBED'] };

/** Every stage of the schema, named for people. */
export const STAGE_LABELS: Record<JobStage, string> = {
  UPLOAD_VALIDATE: 'Checking the file',
  AUDIO_EXTRACT: 'Extracting audio',
  ASR_FAST: 'Transcribing speech',
  SCENE_DETECT: 'Finding scenes',
  KEYFRAMES: 'Choosing keyframes',
  THUMBNAILS: 'Making thumbnails',
  VISION_EMBED: 'Understanding images',
  OCR: 'Reading on-screen text',
  FACE_DETECT: 'Finding faces',
  FACE_EMBED: 'Grouping faces into people',
  TEXT_INDEX: 'Understanding what was said',
  FINALIZE: 'Finishing',
};

/**
 * Rough share of the processing time of each stage (scene detection decodes every frame; probing
 * reads a header), so that the overall bar moves at a steadier pace than one step per stage.
 */
export const STAGE_WEIGHTS: Partial<Record<JobStage, number>> = {
  UPLOAD_VALIDATE: 0.5,
  AUDIO_EXTRACT: 2,
  SCENE_DETECT: 6,
  KEYFRAMES: 0.1,
  THUMBNAILS: 1.5,
  VISION_EMBED: 2,
  OCR: 3,
  FACE_DETECT: 3,
  FACE_EMBED: 0.2,
  ASR_FAST: 8,
  TEXT_INDEX: 0.3,
  FINALIZE: 0.1,
};

const weightOf = (stage: JobStage) => STAGE_WEIGHTS[stage] ?? 1;

/** Overall progress (0..1) of a video from its jobs: completed stages count whole, others by progress. */
export function overallProgress(jobs: readonly Pick<Job, 'stage' | 'state' | 'progress'>[]): number {
  let total = 0;
  let done = 0;
  for (const job of jobs) {
    const weight = weightOf(job.stage);
    total += weight;
    done += weight * (job.state === 'COMPLETED' ? 1 : Math.min(1, Math.max(0, job.progress)));
  }
  return total > 0 ? done / total : 0;
}

/**
 * Overall progress while `stage` runs at `stageProgress`, given the ordered stage list: every
 * stage before it has completed (the pipeline runs the first unfinished stage).
 */
export function overallProgressAt(stages: readonly JobStage[], stage: JobStage, stageProgress: number): number {
  const at = stages.indexOf(stage);
  return overallProgress(
    stages.map((s, i) => ({ stage: s, state: i < at ? 'COMPLETED' : 'PENDING', progress: i === at ? stageProgress : 0 })),
  );
}
