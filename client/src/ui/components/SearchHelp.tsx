import { For, type JSX } from 'solid-js';
import { SEARCH_SYNTAX } from '../search-format.ts';

/** What the search box understands, with an example of each. */
export function SearchHelp(): JSX.Element {
  return (
    <dl class="search-syntax" data-testid="search-help">
      <For each={SEARCH_SYNTAX}>
        {(row) => (
          <div class="search-syntax-row">
            <dt>
              <code class="code">{row.example}</code>
            </dt>
            <dd>{row.meaning}</dd>
          </div>
        )}
      </For>
    </dl>
  );
}
