import type { JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { createDocumentTitle } from '../reactive.ts';

export function NotFoundPage(): JSX.Element {
  createDocumentTitle(() => 'Not found');
  return (
    <section class="page">
      <div class="empty">
        <h1 tabIndex={-1}>Nothing here</h1>
        <p>This page does not exist.</p>
        <A href="/" class="btn">
          Go to the library
        </A>
      </div>
    </section>
  );
}
