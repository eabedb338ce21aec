/**
 * The search box's timing, apart from the DOM so it can be tested with fake timers: a query waits out a
 * short pause in typing (debounce) before it runs, and only the newest request may show its answer — a
 * slow reply to "rev" never replaces the results of "revenue" that came back first.
 */

export type SearchPhase = 'idle' | 'searching' | 'done' | 'error';

export interface SearchView<R> {
  phase: SearchPhase;
  /** The request whose result (or error) is shown; '' when idle. */
  shownKey: string;
  /** The request waiting or running, whose answer will replace what is shown; null when none. */
  pendingKey: string | null;
  result: R | null;
  error: string | null;
}

export interface SearchRequest<R> {
  /** Names the request: the raw query, or "example:…" for a search by example. */
  key: string;
  run: () => Promise<R>;
}

export interface LatestSearch<R> {
  /** Runs `request` once typing pauses for the delay (or at once), superseding every earlier request. */
  schedule(request: SearchRequest<R>, options?: { immediate?: boolean }): void;
  /** Nothing to search: forgets what is shown and drops every request in flight. */
  clear(): void;
  /** Stops for good: pending timers are cancelled and late answers ignored. */
  dispose(): void;
}

export const IDLE_VIEW: SearchView<never> = { phase: 'idle', shownKey: '', pendingKey: null, result: null, error: null };

export function makeLatestSearch<R>(options: {
  delayMs: number;
  onChange: (view: SearchView<R>) => void;
  describeError: (error: unknown) => string;
}): LatestSearch<R> {
  let view: SearchView<R> = IDLE_VIEW;
  /** Bumped by every request and by clear(): an answer counts only while its number is still the latest. */
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const set = (next: SearchView<R>) => {
    view = next;
    options.onChange(view);
  };
  const cancelTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  function start(id: number, request: SearchRequest<R>) {
    timer = null;
    let running: Promise<R>;
    try {
      running = request.run();
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => {
        if (id === latest && !disposed) set({ phase: 'done', shownKey: request.key, pendingKey: null, result, error: null });
      },
      (error: unknown) => {
        if (id === latest && !disposed) {
          set({ phase: 'error', shownKey: request.key, pendingKey: null, result: null, error: options.describeError(error) });
        }
      },
    );
  }

  return {
    schedule(request, { immediate = false } = {}) {
      if (disposed) return;
      // The same query again while it waits (an effect re-running, a key that did not change) keeps its place.
      if (!immediate && view.pendingKey === request.key) return;
      cancelTimer();
      const id = ++latest;
      // Typed back to what is shown (or the URL caught up with an Enter): that answer stands.
      if (!immediate && view.shownKey === request.key && view.result !== null) {
        set({ ...view, phase: 'done', pendingKey: null });
        return;
      }
      // What is shown stays until the newer answer arrives (no flash of emptiness between keystrokes).
      set({ ...view, phase: 'searching', pendingKey: request.key });
      if (immediate || options.delayMs <= 0) start(id, request);
      else timer = setTimeout(() => start(id, request), options.delayMs);
    },
    clear() {
      if (disposed) return;
      cancelTimer();
      latest++;
      set(IDLE_VIEW);
    },
    dispose() {
      disposed = true;
      cancelTimer();
      latest++;
    },
  };
}
