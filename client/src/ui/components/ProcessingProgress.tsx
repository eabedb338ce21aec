import { Show, type JSX } from 'solid-js';
import type { JobStage, VideoState } from '@heimdex/shared-schema';
import { toPercent } from '../format.ts';
import { STAGE_LABELS } from '../labels.ts';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * The current step with its own bar (a pipeline stage, or the import's hash-and-copy while
 * UPLOADING), and the whole pipeline's bar under it.
 */
export function ProcessingProgress(props: {
  state: VideoState;
  stage: JobStage | null;
  stageProgress: number;
  overallProgress: number;
}): JSX.Element {
  const stepLabel = () => {
    if (props.stage) return STAGE_LABELS[props.stage];
    return props.state === 'UPLOADING' ? 'Importing' : null;
  };
  return (
    <div class="processing">
      <Show
        when={stepLabel()}
        fallback={
          <div class="processing-row">
            <span class="processing-stage">Waiting to start</span>
          </div>
        }
      >
        {(label) => (
          <>
            <div class="processing-row">
              <span class="processing-stage" data-testid="current-stage">
                {label()}
              </span>
              <span class="processing-percent">{toPercent(props.stageProgress)}%</span>
            </div>
            <ProgressBar value={props.stageProgress} label={`${label()}: progress`} />
          </>
        )}
      </Show>
      <div class="processing-row processing-row--overall">
        <span>Overall</span>
        <span class="processing-percent">{toPercent(props.overallProgress)}%</span>
      </div>
      <ProgressBar value={props.overallProgress} label="Overall progress" tone="overall" testid="overall-progress" />
    </div>
  );
}
