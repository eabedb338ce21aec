/// <reference types="vite-plugin-pwa/vanillajs" />
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

/** A tab left open for days still hears of a new version: the browser itself only checks on navigation. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface AppUpdate {
  /** A new version is installed and waiting for the person to reload. */
  available: Accessor<boolean>;
  /** Lets the waiting version take over; the page reloads once it controls the page. */
  reload(): void;
  /** Not now: the new version takes over when every tab of the app has been closed. */
  dismiss(): void;
}

/**
 * Registers the app's service worker (once, for the page's lifetime) and follows its updates. A new
 * version waits (it never takes over by itself, which would reload the page under running work)
 * until the person chooses to reload.
 */
export function createAppUpdate(): AppUpdate {
  const [available, setAvailable] = createSignal(false);
  let timer: ReturnType<typeof setInterval> | undefined;
  const activateWaiting = registerSW({
    onNeedRefresh: () => setAvailable(true),
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      timer = setInterval(() => {
        if (navigator.onLine && !registration.installing) registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    // Without a service worker the app still works while online; there is nothing for the person to do.
    onRegisterError: (error: unknown) => console.warn('The offline copy of Heimdex could not be installed:', error),
  });
  onCleanup(() => clearInterval(timer));

  return {
    available,
    reload() {
      setAvailable(false);
      void activateWaiting(true);
    },
    dismiss() {
      setAvailable(false);
    },
  };
}
