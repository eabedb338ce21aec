/// <reference types="vite-plugin-pwa/vanillajs" />
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

/** A tab left open for days still hears of a new version: the browser itself only checks on navigation. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * How long Reload waits for the new version to take over before reloading the page itself. It normally takes
 * over within a second or two, but Chromium sometimes leaves it waiting after it asked to take over (the shell
 * test on a busy machine, about 1 run in 15: still "installed" a minute after Reload, the old version idle). A
 * navigation makes Chromium try again: in the run caught, the new version took over within 10 ms of the reload.
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

/** sessionStorage may be unavailable (storage blocked): then a page after Reload asks again, as before. */
function inSession<T>(use: (storage: Storage) => T, otherwise: T): T {
  try {
    return use(sessionStorage);
  } catch {
    return otherwise;
  }
}

const updateChosenRecently = () => inSession((s) => Date.now() - Number(s.getItem(UPDATE_CHOSEN_KEY) ?? 0) < UPDATE_CHOSEN_FOR_MS, false);
const rememberUpdateChoice = () => inSession((s) => s.setItem(UPDATE_CHOSEN_KEY, String(Date.now())), undefined);
const forgetUpdateChoice = () => inSession((s) => s.removeItem(UPDATE_CHOSEN_KEY), undefined);
