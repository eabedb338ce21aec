import type { JSX } from 'solid-js';
import { toPercent } from '../format.ts';

/** A labelled progress bar (role=progressbar, 0–100) that screen readers announce and tests can read. */
export function ProgressBar(props: { value: number; label: string; testid?: string; tone?: 'stage' | 'overall' }): JSX.Element {
  const percent = () => toPercent(props.value);
  return (
    <div
      class={`progress progress--${props.tone ?? 'stage'}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent()}
      aria-valuetext={`${percent()}%`}
      data-testid={props.testid}
    >
      <div class="progress-fill" style={{ width: `${percent()}%` }} />
    </div>
  );
}
