import { Show, type JSX } from 'solid-js';
import type { VideoCard } from '../../app/cards.ts';
import { toPercent } from '../format.ts';
import { STAGE_LABELS } from '../labels.ts';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * The step under way with its own bar (a pipeline stage, or copying the file into the library), and
 * for indexing the whole pipeline's bar under it. Only for a video something is happening to: a
 * queued video shows its place in the queue instead (StateBadge), never a stage at 0%.
 */
export function ProcessingProgress(props: Pick<VideoCard, 'state' | 'stage' | 'stageProgress' | 'overallProgress'>): JSX.Element {
  const importing = () => props.state === 'UPLOADING';
  const stepLabel = () => (importing() ? 'Copying' : props.stage ? STAGE_LABELS[props.stage] : null);
  return (
    <div class="processing">
      <Show when={stepLabel()}>
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
      <Show when={!importing()}>
        <div class="processing-row processing-row--overall">
          <span>Overall</span>
          <span class="processing-percent">{toPercent(props.overallProgress)}%</span>
        </div>
        <ProgressBar value={props.overallProgress} label="Overall progress" tone="overall" testid="overall-progress" />
      </Show>
    </div>
  );
}
