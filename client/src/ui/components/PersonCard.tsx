import { For, Show, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import type { PersonSummary } from '../../app/people.ts';
import { personLabel } from '../../person-label.ts';
import { FaceCrop } from './PersonFace.tsx';

export const countOf = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One person in the People grid: their best faces, name (or "Person N") and where they were seen. */
export function PersonCard(props: { person: PersonSummary }): JSX.Element {
  const label = () => personLabel(props.person);
  const extra = () => props.person.crops.slice(1, 4);
  return (
    <A
      href={`/people/${encodeURIComponent(props.person.personId)}`}
      class={props.person.hidden ? 'card person-card person-card--hidden' : 'card person-card'}
      data-testid="person-card"
      data-person-id={props.person.personId}
      data-name={label()}
      data-scenes={props.person.sceneCount}
      data-videos={props.person.videoCount}
      data-hidden={props.person.hidden ? 'true' : 'false'}
    >
      <div class="person-card-faces">
        <FaceCrop bytes={props.person.crops[0]} alt={`Face of ${label()}`} class="person-card-main" testId="face-crop" />
        <Show when={extra().length > 0}>
          <div class="person-card-more">
            <For each={extra()}>{(crop) => <FaceCrop bytes={crop} class="person-card-small" testId="face-crop" />}</For>
          </div>
        </Show>
      </div>
      <div class="card-body">
        <div class="card-heading">
          <h2 class={props.person.name ? 'card-title' : 'card-title person-unnamed'} title={label()}>
            {label()}
          </h2>
          <Show when={props.person.hidden}>
            <span class="tag">Hidden</span>
          </Show>
        </div>
        <p class="card-meta">
          {countOf(props.person.sceneCount, 'scene', 'scenes')} · {countOf(props.person.videoCount, 'video', 'videos')}
        </p>
      </div>
    </A>
  );
}
