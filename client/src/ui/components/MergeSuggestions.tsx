import { For, Show, type JSX } from 'solid-js';
import type { PersonSummary } from '../../app/people.ts';
import { personLabel } from '../../person-label.ts';
import { useApp } from '../context.tsx';
import { createChange, createLoader } from '../reactive.ts';
import { FaceCrop } from './PersonFace.tsx';

/**
 * People who may be one person split in two, as questions above the People grid: "Is this Alex Morgan?" with
 * both faces, answered by Merge or Not the same person (a "never merge" mark, so it is not asked again).
 */
/** `version` changes whenever the people may have changed (an edit here, the pipeline, a sync). */
export function MergeSuggestions(props: { people: PersonSummary[]; version: string; onChanged: () => void }): JSX.Element {
  const { library, notices } = useApp();
  const suggestions = createLoader(
    () => props.version,
    () => library.people.suggestMerges(),
  );
  const personOf = (id: string) => props.people.find((p) => p.personId === id);
  // Only pairs whose two people are both on the page (the list may be a moment behind a change).
  const shown = () =>
    (suggestions.value() ?? []).flatMap((s) => {
      const person = personOf(s.personId);
      const into = personOf(s.intoId);
      return person && into ? [{ ...s, person, into }] : [];
    });

  /** Runs a change, reports a failure as a notice, and refreshes the people either way. */
  const { busy, run: answer } = createChange(notices, () => props.onChanged());

  return (
    <Show when={shown().length > 0}>
      <section class="merge-suggestions" aria-labelledby="merge-suggestions-heading" data-testid="merge-suggestions">
        <h2 id="merge-suggestions-heading">Maybe the same person</h2>
        <ul role="list">
          <For each={shown()}>
            {(s) => (
              <li
                class="merge-suggestion"
                data-testid="merge-suggestion"
                data-person-id={s.personId}
                data-into-id={s.intoId}
                data-person={personLabel(s.person)}
                data-into={personLabel(s.into)}
              >
                <div class="merge-suggestion-faces">
                  <FaceCrop bytes={s.person.crops[0]} alt={`Face of ${personLabel(s.person)}`} class="merge-suggestion-face" />
                  <FaceCrop bytes={s.into.crops[0]} alt={`Face of ${personLabel(s.into)}`} class="merge-suggestion-face" />
                </div>
                <p class="merge-suggestion-question">
                  Is {personLabel(s.person)} <strong>{personLabel(s.into)}</strong>?{' '}
                  <span class="merge-suggestion-closeness">Faces {s.percent}% alike</span>
                </p>
                <div class="merge-suggestion-actions">
                  <button
                    type="button"
                    class="btn btn--small"
                    data-testid="suggestion-merge"
                    disabled={busy()}
                    onClick={() =>
                      void answer('merge these people', async () => {
                        const result = await library.people.merge(s.personId, s.intoId);
                        if (result.status === 'refused') throw new Error(result.reason);
                      })
                    }
                  >
                    Merge
                  </button>
                  <button
                    type="button"
                    class="btn btn--small btn--ghost"
                    data-testid="suggestion-not-same"
                    disabled={busy()}
                    onClick={() => void answer('keep these people apart', () => library.people.setNeverMerge(s.personId, s.intoId, true))}
                  >
                    Not the same person
                  </button>
                </div>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
