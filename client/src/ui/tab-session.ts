// The page's side of the tab hand-over (app/tab-handover.ts): the browser's Web Locks and
// BroadcastChannel, the state as a signal, and the close of whichever library this tab has open.
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { createTabHandover, TAB_CHANNEL, type TabChannel, type TabState } from '../app/tab-handover.ts';

export interface TabSession {
  state: Accessor<TabState>;
  /** "Use Heimdex here". */
  takeOver(): void;
  /** The library this tab opened registers how to close it, for a hand-over. */
  setRelease(close: () => Promise<void>): void;
}

export function createTabSession(): TabSession {
  // Without Web Locks (very old browsers) there is no way to coordinate: every tab opens the library.
  if (!('locks' in navigator) || typeof BroadcastChannel === 'undefined') {
    const [state] = createSignal<TabState>('here');
    return { state, takeOver: () => {}, setRelease: () => {} };
  }
  const [state, setState] = createSignal<TabState>('waiting');
  let release: () => Promise<void> = async () => {};
  const handover = createTabHandover({
    locks: navigator.locks,
    channel: new BroadcastChannel(TAB_CHANNEL) as unknown as TabChannel,
    release: () => release(),
    onState: setState,
  });
  const onPageHide = () => handover.leaving();
  window.addEventListener('pagehide', onPageHide);
  onCleanup(() => {
    window.removeEventListener('pagehide', onPageHide);
    handover.dispose();
  });
  return {
    state,
    takeOver: () => handover.takeOver(),
    setRelease: (close) => (release = close),
  };
}
