import { Match, Show, Switch, type JSX } from 'solid-js';
import type { TabState } from '../../app/tab-handover.ts';
import { createDocumentTitle } from '../reactive.ts';
import { Icon, Logo } from './Icon.tsx';

/** What a tab shows while another tab has the library, with the way to bring it here. */
export function OtherTab(props: { state: TabState; onTakeOver: () => void }): JSX.Element {
  const handedOver = () => props.state === 'handed-over';
  const asking = () => props.state === 'requesting';
  createDocumentTitle(() => 'Open in another tab');

  return (
    <main class="tab-gate" data-testid="tab-gate" data-state={props.state}>
      <div class="tab-gate-brand">
        <Logo />
        <span class="brand-name">Heimdex</span>
      </div>
      <section class="empty" aria-live="polite">
        <Icon name="lock" size={36} class="empty-icon" />
        <Switch>
          <Match when={props.state === 'releasing'}>
            <h1>Handing your library over…</h1>
            <p>Heimdex is moving to the tab where you chose to use it. Imports running here finish first.</p>
            <span class="spinner spinner--large" aria-hidden="true" />
          </Match>
          <Match when={handedOver()}>
            <h1>Heimdex is now open in another tab</h1>
            <p>Your library moved to the other tab, with the work in progress. It can be open in one tab at a time.</p>
            <button type="button" class="btn btn--primary" data-testid="take-over" onClick={() => props.onTakeOver()}>
              Use it here
            </button>
          </Match>
          <Match when={true}>
            <h1>Heimdex is open in another tab</h1>
            <p>
              Your library can be open in one tab at a time. Use it here and the other tab hands it over: nothing is lost,
              and work in progress carries on here.
            </p>
            <button
              type="button"
              class="btn btn--primary"
              data-testid="take-over"
              disabled={asking()}
              onClick={() => props.onTakeOver()}
            >
              <Show when={asking()} fallback={props.state === 'unanswered' ? 'Try again' : 'Use Heimdex here'}>
                <span class="spinner" aria-hidden="true" />
                Asking the other tab…
              </Show>
            </button>
            <Show when={props.state === 'unanswered'}>
              <p class="error-text">The other tab did not answer. Close it, and Heimdex opens here.</p>
            </Show>
            <p class="empty-hint">When the other tab closes, Heimdex opens here by itself.</p>
          </Match>
        </Switch>
      </section>
    </main>
  );
}
