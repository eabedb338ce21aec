// A worker that died under a call (an uncaught error, such as a WebAssembly abort in a callback) never answers it:
// its client rejects the calls in flight with WorkerCrashed and starts a fresh worker on the next call. The
// runner turns it into a plain sentence on the stage (pipeline/runner.ts).
//
// Browser tests make a worker crash on purpose: `crashRequested` reads a countdown from localStorage and is
// honoured only under automation (navigator.webdriver, which a person's own browser never sets), so no one using
// the app can trigger it.

export type WorkerKind = 'media' | 'ml';

export class WorkerCrashed extends Error {
  override readonly name = 'WorkerCrashed';

  constructor(
    readonly worker: WorkerKind,
    details: string,
  ) {
    super(`The ${worker} worker stopped: ${details || 'it crashed'}`);
  }
}

/** The localStorage key a browser test sets to the number of `call`s of `worker` that should crash it. */
export const crashRequestKey = (worker: WorkerKind, call: string) => `heimdex-test-crash:${worker}:${call}`;

/** Test-only: whether this call should crash its worker (counting the request down). Always false for a person. */
export function crashRequested(worker: WorkerKind, call: string): boolean {
  if (typeof navigator === 'undefined' || navigator.webdriver !== true || typeof localStorage === 'undefined') return false;
  const key = crashRequestKey(worker, call);
  const left = Number(localStorage.getItem(key) ?? 0);
  if (!(left > 0)) return false;
  if (left > 1) localStorage.setItem(key, String(left - 1));
  else localStorage.removeItem(key);
  return true;
}

/** In a worker: dies the way a WebAssembly abort in a callback does, by an error nothing catches. */
export function crashThisWorker(): void {
  setTimeout(() => {
    throw new Error('simulated crash (test)');
  });
}
