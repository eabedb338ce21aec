import { For, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { IndexGap } from '../../app/library.ts';

/**
 * What an indexed video cannot be searched for, each with the way to fill it in: the model's download
 * in Settings (the query names the task, so Settings can bring that model into view).
 */
export function GapList(props: { gaps: IndexGap[] }): JSX.Element {
  return (
    <ul class="gaps" data-testid="gaps">
      <For each={props.gaps}>
        {(gap) => (
          <li class="gap" data-testid="gap" data-task={gap.task}>
            <span class="gap-missing">{gap.missing}</span>
            {' — '}
            <A href={`/settings?models=${gap.task}`} class="gap-action" data-testid="gap-action" data-task={gap.task}>
              {gap.action}
            </A>
          </li>
        )}
      </For>
    </ul>
  );
}
