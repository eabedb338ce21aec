import { For, Show, type JSX } from 'solid-js';
import type { JobStage } from '@heimdex/shared-schema';
import type { StageStatus } from '../../app/cards.ts';
import { toPercent } from '../format.ts';
import { JOB_STATE_LABELS, STAGE_LABELS } from '../labels.ts';
import { Icon, type IconName } from './Icon.tsx';
import { ProgressBar } from './ProgressBar.tsx';

const STATE_ICONS: Record<Exclude<StageStatus['state'], 'RUNNING'>, IconName> = {
  PENDING: 'dot',
  COMPLETED: 'check',
  FAILED: 'alert',
  CANCELLED: 'stop',
};

/**
 * Every pipeline stage with its state, progress and error. Stage rows come from the DB; the running
 * stage's progress comes live from the card so the bar moves between DB reads. A stage that completed
 * without doing its work (its model is not installed, the video has no sound) reads "Skipped", with why.
 */
export function StageList(props: { stages: StageStatus[]; liveStage: JobStage | null; liveProgress: number }): JSX.Element {
  const progressOf = (stage: StageStatus) =>
    stage.state === 'RUNNING' && stage.stage === props.liveStage ? props.liveProgress : stage.progress;

  return (
    <ol class="stage-list">
      <For each={props.stages}>
        {(stage) => {
          const skipped = () => stage.state === 'COMPLETED' && stage.skippedReason !== null;
          return (
            <li
              class={`stage stage--${skipped() ? 'skipped' : stage.state.toLowerCase()}`}
              data-testid="stage"
              data-stage={stage.stage}
              data-state={stage.state}
              data-skipped={skipped() ? 'true' : 'false'}
            >
              <span class="stage-icon" aria-hidden="true">
                <Show when={stage.state !== 'RUNNING'} fallback={<span class="spinner" />}>
                  <Icon name={skipped() ? 'skip' : STATE_ICONS[stage.state as keyof typeof STATE_ICONS]} size={16} />
                </Show>
              </span>
              <div class="stage-body">
                <div class="stage-row">
                  <span class="stage-name">{STAGE_LABELS[stage.stage]}</span>
                  <span class="stage-state">
                    {skipped() ? 'Skipped' : JOB_STATE_LABELS[stage.state]}
                    <Show when={stage.state === 'RUNNING'}> · {toPercent(progressOf(stage))}%</Show>
                    <Show when={stage.attempts > 1}> · attempt {stage.attempts}</Show>
                  </span>
                </div>
                <Show when={stage.state === 'RUNNING'}>
                  <ProgressBar value={progressOf(stage)} label={`${STAGE_LABELS[stage.stage]}: progress`} />
                </Show>
                <Show when={skipped() && stage.skippedReason}>
                  {(reason) => (
                    <p class="stage-note" data-testid="stage-skipped-reason">
                      {reason()}
                    </p>
                  )}
                </Show>
                <Show when={stage.error}>
                  <p class="error-text stage-error">{stage.error}</p>
                </Show>
              </div>
            </li>
          );
        }}
      </For>
    </ol>
  );
}
