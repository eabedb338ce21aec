// PGlite is single-threaded and its transactions are exclusive, but two multi-statement operations
// of ours could still interleave between their awaits. Every call of the exposed API therefore
// waits for the previous one to settle: one queue, first come first served.

type AsyncApi = Record<string, (...args: never[]) => Promise<unknown>>;

/** Wraps every method of `api` so that calls run one at a time, in call order. */
export function serialise<T extends AsyncApi>(api: T): T {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(api)) {
    queued[name] = (...args: never[]) => {
      const run = tail.then(() => fn(...args));
      tail = run.catch(() => undefined); // a failed call must not block the ones behind it
      return run;
    };
  }
  return queued as T;
}
