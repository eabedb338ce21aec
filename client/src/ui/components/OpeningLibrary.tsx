import type { JSX } from 'solid-js';

/** What a page shows while the local database opens. */
export function OpeningLibrary(): JSX.Element {
  return (
    <div class="empty" aria-busy="true">
      <span class="spinner spinner--large" aria-hidden="true" />
      <p>Opening your library…</p>
    </div>
  );
}
