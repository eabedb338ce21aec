import { For, Show, type JSX } from 'solid-js';
import type { JobStage } from '@heimdex/shared-schema';
import type { StageStatus } from '../../app/library.ts';
import { toPercent } from '../format.ts';
import { JOB_STATE_LABELS, STAGE_LABELS } from '../labels.ts';
import { Icon } from './Icon.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * Every pipeline stage with its state, progress and error. Stage rows come from the DB; the running
 * stage's progress comes live from the card so the bar moves between DB reads.
 */
export function StageList(props: { stages: StageStatus[]; liveStage: JobStage | null; liveProgress: number }): JSX.Element {
  const progressOf = (stage: StageStatus) =>
    stage.state === 'RUNNING' && stage.stage === props.liveStage ? props.liveProgress : stage.progress;

  return (
    <ol class="stage-list">
      <For each={props.stages}>
        {(stage) => (
          <li class={`stage stage--${stage.state.toLowerCase()}`} data-testid="stage" data-stage={stage.stage} data-state={stage.state}>
            <span class="stage-icon" aria-hidden="true">
              <Show when={stage.state === 'RUNNING'} fallback={<Icon name={stage.state === 'COMPLETED' ? 'check' : stage.state === 'FAILED' ? 'alert' : stage.state === 'CANCELLED' ? 'stop' : 'dot'} size={16} />}>
                <span class="spinner" />
              </Show>
            </span>
            <div class="stage-body">
              <div class="stage-row">
                <span class="stage-name">{STAGE_LABELS[stage.stage]}</span>
                <span class="stage-state">
                  {JOB_STATE_LABELS[stage.state]}
                  <Show when={stage.state === 'RUNNING'}> · {toPercent(progressOf(stage))}%</Show>
                  <Show when={stage.attempts > 1}> · attempt {stage.attempts}</Show>
                </span>
              </div>
              <Show when={stage.state === 'RUNNING'}>
                <ProgressBar value={progressOf(stage)} label={`${STAGE_LABELS[stage.stage]}: progress`} />
              </Show>
              <Show when={stage.error}>
                <p class="error-text stage-error">{stage.error}</p>
              </Show>
            </div>
          </li>
        )}
      </For>
    </ol>
  );
}
