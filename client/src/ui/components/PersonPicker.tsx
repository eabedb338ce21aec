import { createMemo, createSignal, For, onMount, Show, type JSX } from 'solid-js';
import type { PersonSummary } from '../../app/people.ts';
import { personLabel } from '../../person-label.ts';
import { FaceCrop } from './PersonFace.tsx';

export interface PickerChoice {
  person: PersonSummary;
  /** Why this person cannot be picked (shown instead of acting); null when it can. */
  disabledReason?: string | null;
  /** A short note beside the name (e.g. "marked — pick to remove"). */
  note?: string | null;
}

/**
 * Chooses a person: a filter box (focused on open) over a list of people with their best face. Escape
 * or Cancel closes it. `onNew`, when given, offers "New person" first.
 */
export function PersonPicker(props: {
  title: string;
  choices: PickerChoice[];
  onPick: (personId: string) => void;
  onNew?: () => void;
  onCancel: () => void;
  busy?: boolean;
  testId?: string;
}): JSX.Element {
  const [filter, setFilter] = createSignal('');
  let input: HTMLInputElement | undefined;
  let container: HTMLDivElement | undefined;
  // Keyboard users land on the filter, or on the first person when the list is short.
  onMount(() => (input ?? container?.querySelector<HTMLButtonElement>('.person-option:not(:disabled)'))?.focus());
  const shown = createMemo(() => {
    const words = filter().trim().toLowerCase();
    return words === '' ? props.choices : props.choices.filter((c) => personLabel(c.person).toLowerCase().includes(words));
  });

  return (
    <div
      ref={container}
      class="person-picker"
      role="group"
      aria-label={props.title}
      data-testid={props.testId ?? 'person-picker'}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <div class="person-picker-header">
        <p class="person-picker-title">{props.title}</p>
        <button type="button" class="btn btn--small btn--ghost" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
      <Show when={props.choices.length > 4}>
        <input
          ref={input}
          class="person-picker-filter"
          type="search"
          placeholder="Filter by name"
          aria-label="Filter people by name"
          value={filter()}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
      </Show>
      <ul class="person-picker-list" role="list">
        <Show when={props.onNew}>
          {(onNew) => (
            <li>
              <button
                type="button"
                class="person-option person-option--new"
                data-testid="person-option-new"
                disabled={props.busy}
                onClick={() => onNew()()}
              >
                <span class="person-option-plus" aria-hidden="true">
                  +
                </span>
                <span class="person-option-name">New person</span>
              </button>
            </li>
          )}
        </Show>
        <For each={shown()} fallback={<li class="muted person-picker-empty">No one matches “{filter()}”.</li>}>
          {(choice) => (
            <li>
              <button
                type="button"
                class="person-option"
                data-testid="person-option"
                data-person-id={choice.person.personId}
                data-name={personLabel(choice.person)}
                disabled={props.busy || Boolean(choice.disabledReason)}
                title={choice.disabledReason ?? undefined}
                onClick={() => props.onPick(choice.person.personId)}
              >
                <FaceCrop bytes={choice.person.crops[0]} class="person-option-crop" />
                <span class="person-option-name">{personLabel(choice.person)}</span>
                <span class="person-option-note">
                  {choice.disabledReason ?? choice.note ?? `${choice.person.sceneCount} ${choice.person.sceneCount === 1 ? 'scene' : 'scenes'}`}
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
