// PGlite is single-threaded and its transactions are exclusive, but two multi-statement operations
import { createSerialQueue } from '../serial-queue.ts';
// of ours could still interleave between their awaits. Every call of the exposed API therefore
// waits for the previous one to settle: one queue, first come first served.

type AsyncApi = Record<string, (...args: never[]) => Promise<unknown>>;

/** Wraps every method of `api` so that calls run one at a time, in call order. */
export function serialise<T extends AsyncApi>(api: T): T {
  const enqueue = createSerialQueue();
  const queued = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(api)) queued[name] = (...args: never[]) => enqueue(() => fn(...args));
  return queued as T;
}
