/** What the page's model benchmark (models.ts) hands back to bench/run.ts. */
import type { ModelTask } from '../../client/src/ml/registry.ts';

export interface ModelMeasurement {
  id: string;
  name: string;
  task: ModelTask;
  default: boolean;
  installed: boolean;
  /** Why there is no number: not installed (with the command), failed to load, no audio. */
  reason?: string;
  device?: 'webgpu' | 'wasm' | null;
  /** As the ML worker timed it (session creation; for visual, the vision tower). */
  loadMs?: number | null;
  /** OCR, faces, visual image tower: the mean over every keyframe, after the load. */
  msPerKeyframe?: number;
  /** Visual text tower: median over single queries. */
  msPerQuery?: number;
  /** Speech: audio seconds per wall second. */
  xRealTime?: number;
  /** What came out, so a number is never of an empty run. */
  found?: string;
  wallMs?: number;
}

export interface PipelineMeasurement {
  wallS: number;
  durationS: number;
  scenes: number;
  /** Seconds per stage, in pipeline order. */
  stages: Record<string, number>;
  /** Stages skipped for a missing model, with the worker's reason. */
  skipped: Record<string, string>;
}

/** One model task on the same keyframes with its skips off and on (client/src/ml/skips.ts), in one worker. */
export interface SkipTaskMeasurement {
  task: 'ocr' | 'faces';
  msPerKeyframeOff: number;
  msPerKeyframeOn: number;
  /** Keyframes that took a copy of an earlier keyframe's result instead of a model run. */
  reused: number;
  /** Keyframes whose result differs between off and on (other text; other faces, by count or person): must be 0. */
  differing: number;
  reason?: string;
}

export interface SkipsMeasurement {
  /** The fixture whose scenes repeat (cutaways.mp4), its keyframes and duration. */
  fixture: string;
  keyframes: number;
  tasks: SkipTaskMeasurement[];
  /** The whole pipeline on that fixture with the skips off and on: the mean of two runs each, models already loaded. */
  pipelineOff: PipelineMeasurement;
  pipelineOn: PipelineMeasurement;
}

export interface ModelBenchOutcome {
  keyframes: number;
  audioS: number;
  models: ModelMeasurement[];
  pipeline: PipelineMeasurement;
  skips: SkipsMeasurement | null;
}
