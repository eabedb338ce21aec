/** What the benchmark page (main.ts) exposes to bench/run.ts as `window.heimdexBench`. */
import type { CutDetection, StillChanges } from '../../client/src/media/types.ts';
import type { ModelBenchOutcome } from './models-protocol.ts';

/** One measured operation on the file chosen in the page's file input. */
export type BenchTask = 'ffmpeg-cuts' | 'webcodecs-cuts' | 'media-stages';

/** The steps of bench/page/memory-steps.ts, in the order they must run (each builds on the ones before). */
export const MEMORY_STEPS = ['ffmpeg', 'audio', 'webcodecs-cuts', 'keyframes', 'ml-worker', 'visual', 'ocr', 'faces', 'speech'] as const;
export type MemoryStep = (typeof MEMORY_STEPS)[number];

export interface BenchOutcome {
  /** Wall time of the task, in seconds. */
  wallS: number;
  cuts: CutDetection;
  /** media-stages only: seconds per stage, in the pipeline's order. */
  stages?: Record<string, number>;
  /** media-stages only: what the search for changes between similar stills found and what it cost. */
  stills?: StillChanges;
}

export interface BenchApi {
  /**
   * Starts a fresh media worker and warms it up with a probe (worker start + ffmpeg.wasm load), untimed by
   * the tasks; returns its seconds.
   */
  prepare(): Promise<number>;
  /** Times one task on the prepared worker. */
  run(task: BenchTask): Promise<BenchOutcome>;
  /** Terminates the worker, so that one run's memory does not carry into the next. */
  dispose(): void;
  /** Every model of models.json, then the whole pipeline, on the files in #file (bench/page/models.ts). */
  models(): Promise<ModelBenchOutcome>;
  /** Installs the served models into the profile, before the memory steps. */
  prepareMemorySteps(): Promise<void>;
  /** One step of the indexing pipeline on the file in #file, its parts kept alive; answers what it found. */
  memoryStep(step: MemoryStep): Promise<string>;
  /** Ends the workers the memory steps started. */
  disposeMemorySteps(): void;
}

declare global {
  interface Window {
    heimdexBench?: BenchApi;
  }
}
