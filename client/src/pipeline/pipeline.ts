// The whole pipeline: the stages that work on the file, then the models, then FINALIZE.
import type { PipelineStage } from './runner.ts';
import { FINALIZE_STAGE, MEDIA_STAGES } from './stages.ts';
import { UNDERSTANDING_STAGES, type UnderstandingContext } from './understanding.ts';

export type PipelineContext = UnderstandingContext;

/** In the order of PIPELINE_STAGES (plan.ts), which a test checks against the database's enum order. */
export const PIPELINE: readonly PipelineStage<PipelineContext>[] = [...MEDIA_STAGES, ...UNDERSTANDING_STAGES, FINALIZE_STAGE];
