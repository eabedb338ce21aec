/// <reference types="vite-plugin-pwa/vanillajs" />
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

/** A tab left open for days still hears of a new version: the browser itself only checks on navigation. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * How long Reload waits for the new version to take over before reloading the page itself. It normally takes
 * over within a second or two. Chromium sometimes leaves it waiting for minutes: it hurries the old version away
 * only when that is running at the very moment the new one asks (seen in about 1 of 15 runs of the shell test
 * on a busy machine: the new version still "installed" a minute after Reload), and a navigation asks again.
 */
const TAKEOVER_WAIT_MS = 5_000;

/**
 * sessionStorage: when the person chose Reload in this tab. A page loaded within UPDATE_CHOSEN_FOR_MS of it
 * carries the update through instead of asking again; after that the choice is the person's again.
 */
const UPDATE_CHOSEN_KEY = 'heimdex-update-chosen-at';
const UPDATE_CHOSEN_FOR_MS = 60_000;

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
  const carryingOn = updateChosenRecently();
  let timer: ReturnType<typeof setInterval> | undefined;
  const reloadOnTakeover = () => location.reload();
  const activateWaiting = registerSW({
    onNeedRefresh() {
      if (!carryingOn) return setAvailable(true);
      void activateWaiting(true);
      // Should the new version still not take over, the choice goes back to the person.
      setTimeout(() => setAvailable(true), TAKEOVER_WAIT_MS);
    },
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      if (!registration.waiting && !registration.installing) {
        // This page runs the new version: the update is through.
        forgetUpdateChoice();
        navigator.serviceWorker.removeEventListener('controllerchange', reloadOnTakeover);
      }
      timer = setInterval(() => {
        if (navigator.onLine && !registration.installing) registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    // Without a service worker the app still works while online; there is nothing for the person to do.
    onRegisterError: (error: unknown) => console.warn('The offline copy of Heimdex could not be installed:', error),
  });
  // The registration above reloads when the version it saw waiting takes over. A page that follows Reload can
  // see the takeover before it registers (it registers after the page has loaded); it still runs the old code.
  if (carryingOn && navigator.serviceWorker?.controller) navigator.serviceWorker.addEventListener('controllerchange', reloadOnTakeover);
  onCleanup(() => clearInterval(timer));

  return {
    available,
    reload() {
      setAvailable(false);
      rememberUpdateChoice();
      void activateWaiting(true);
      setTimeout(() => location.reload(), TAKEOVER_WAIT_MS);
    },
    dismiss() {
      setAvailable(false);
    },
  };
}

// sessionStorage may be unavailable (storage blocked): then a page after Reload asks again, as before.
function updateChosenRecently(): boolean {
  try {
    return Date.now() - Number(sessionStorage.getItem(UPDATE_CHOSEN_KEY) ?? 0) < UPDATE_CHOSEN_FOR_MS;
  } catch {
    return false;
  }
}

function rememberUpdateChoice(): void {
  try {
    sessionStorage.setItem(UPDATE_CHOSEN_KEY, String(Date.now()));
  } catch {
    // see updateChosenRecently
  }
}

function forgetUpdateChoice(): void {
  try {
    sessionStorage.removeItem(UPDATE_CHOSEN_KEY);
  } catch {
    // see updateChosenRecently
  }
}
