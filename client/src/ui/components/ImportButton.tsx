import type { JSX } from 'solid-js';
import { useApp } from '../context.tsx';
import { Icon } from './Icon.tsx';

/** A real button that opens the app's single file input (kept in the shell). */
export function ImportButton(props: { label?: string; class?: string }): JSX.Element {
  const { importer, library } = useApp();
  return (
    <button
      type="button"
      class={props.class ?? 'btn btn--primary'}
      disabled={library.error() !== null}
      onClick={() => importer.pickFiles()}
    >
      <Icon name="upload" />
      <span>{props.label ?? 'Import videos'}</span>
    </button>
  );
}

/** The hidden `<input type=file>` behind every Import button. There is exactly one (test hook: import-input). */
export function ImportInput(): JSX.Element {
  const { importer } = useApp();
  return (
    <input
      ref={(element) => importer.bindInput(element)}
      type="file"
      multiple
      accept="video/*,.mkv,.mov,.mp4,.webm,.m4v,.avi"
      class="visually-hidden"
      tabIndex={-1}
      aria-hidden="true"
      data-testid="import-input"
      onChange={(event) => {
        const input = event.currentTarget;
        const files = Array.from(input.files ?? []);
        // Clear it so choosing the same file again still fires `change`.
        input.value = '';
        void importer.importFiles(files);
      }}
    />
  );
}
