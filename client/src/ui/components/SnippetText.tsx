import { For, Show, type JSX } from 'solid-js';
import type { Snippet } from '@heimdex/shared-schema/search';

const SOURCE_LABELS: Record<Snippet['source'], string> = { speech: 'Said', text: 'On screen' };

/** A snippet of what matched, the matching words marked. Built from text parts, never from HTML. */
export function SnippetText(props: { snippet: Snippet }): JSX.Element {
  return (
    <p class="snippet" classList={{ 'snippet--speech': props.snippet.source === 'speech' }} data-testid="hit-snippet" data-source={props.snippet.source}>
      <span class="snippet-source">{SOURCE_LABELS[props.snippet.source]}</span>
      <span class="snippet-text">
        <For each={props.snippet.parts}>
          {(part) => (
            <Show when={part.highlight} fallback={part.text}>
              <mark>{part.text}</mark>
            </Show>
          )}
        </For>
      </span>
    </p>
  );
}
