// Which tab has the library. The local database can be open in one tab only, so the tab that has it
// holds the Web Lock "heimdex-tab"; every other tab queues for it (and so takes over by itself when
// that tab closes) and can ask for it over a BroadcastChannel ("Use Heimdex here"): the holder then
// closes its library cleanly (the caller's `release`) and lets the lock go.
//
// Locks and channel are injected so the protocol runs in Node too; the app passes the browser's.

export type TabState =
  /** Waiting for the lock, briefly: on a reload, the page being replaced lets it go as it unloads. */
  | 'waiting'
  /** Another tab has the library. */
  | 'elsewhere'
  /** This tab asked the one with the library to hand it over and waits for it. */
  | 'requesting'
  /** The tab asked did not answer (e.g. an older version of Heimdex): only closing it frees the library. */
  | 'unanswered'
  /** This tab has the library. */
  | 'here'
  /** Another tab asked for the library: this one is closing it. */
  | 'releasing'
  /** This tab handed the library over to another one. */
  | 'handed-over';

type Message =
  | { type: 'who-has-it'; from: string }
  | { type: 'have-it'; from: string }
  | { type: 'hand-over'; from: string }
  | { type: 'handing-over'; from: string };

export interface TabChannel {
  postMessage(message: Message): void;
  addEventListener(type: 'message', listener: (event: { data: Message }) => void): void;
  close(): void;
}

export interface TabHandoverOptions {
  locks: Pick<LockManager, 'request'>;
  channel: TabChannel;
  /** Closes this tab's library, flushing the database, before another tab gets it. */
  release: () => Promise<void>;
  onState: (state: TabState) => void;
  /** How long to wait for the lock before saying another tab has the library, if no tab answered first. */
  graceMs?: number;
  /** How long to wait for the tab with the library to acknowledge a hand-over request. */
  answerMs?: number;
}

export interface TabHandover {
  state(): TabState;
  /** "Use Heimdex here": asks the tab with the library to hand it over. */
  takeOver(): void;
  /** This tab is going away (pagehide): it stops answering for the library it still holds. */
  leaving(): void;
  /** Lets the lock go and stops listening (the library must be closed first). */
  dispose(): void;
}

export const TAB_LOCK = 'heimdex-tab';
export const TAB_CHANNEL = 'heimdex-tabs';

export function createTabHandover(options: TabHandoverOptions): TabHandover {
  const { locks, channel, release, onState, graceMs = 3000, answerMs = 5000 } = options;
  const id = crypto.randomUUID();
  let state: TabState = 'waiting';
  let letGo: (() => void) | null = null;
  /** Aborts this tab's queued lock request (another tab asked for the library first: it goes ahead). */
  let queued: AbortController | null = null;
  let isLeaving = false;
  let disposed = false;
  /** The holder answered this tab's last hand-over request. */
  let acknowledged = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const post = (message: Message) => {
    if (!disposed) channel.postMessage(message);
  };
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const set = (next: TabState) => {
    if (state === next || disposed) return;
    state = next;
    onState(next);
  };

  /** Queues for the lock; granted at once when free, else when the holder lets it go. */
  function queue() {
    if (queued || letGo || disposed) return;
    const controller = new AbortController();
    queued = controller;
    locks
      .request(TAB_LOCK, { signal: controller.signal }, () => {
        queued = null;
        if (disposed) return;
        set('here');
        post({ type: 'have-it', from: id });
        return new Promise<void>((resolve) => (letGo = resolve));
      })
      .catch(() => {
        if (queued === controller) queued = null; // aborted: dispose(), or stepped aside
      });
  }

  function unqueue() {
    queued?.abort();
    queued = null;
  }

  async function handOver() {
    set('releasing');
    post({ type: 'handing-over', from: id });
    try {
      await release();
    } catch (error) {
      console.error('The library did not close cleanly before the hand-over', error);
    }
    letGo?.();
    letGo = null;
    set('handed-over');
    // Queue again (behind the tab that asked), to take the library back if that tab closes.
    queue();
  }

  channel.addEventListener('message', ({ data }) => {
    if (disposed || data.from === id) return;
    switch (data.type) {
      case 'who-has-it':
        if (state === 'here' && !isLeaving) post({ type: 'have-it', from: id });
        return;
      case 'have-it':
        if (state === 'waiting' || state === 'requesting' || state === 'unanswered') set('elsewhere');
        // A tab that stepped aside for a hand-over queues again, behind the new holder.
        queue();
        return;
      case 'hand-over':
        if (state === 'here') {
          void handOver();
        } else if (queued) {
          // Let the asking tab be first in line for the lock (Web Locks grant in request order).
          unqueue();
        }
        return;
      case 'handing-over':
        acknowledged = true;
        if (state === 'unanswered') set('requesting');
        return;
    }
  });

  queue();
  post({ type: 'who-has-it', from: id });
  later(graceMs, () => {
    if (state === 'waiting') set('elsewhere');
  });

  return {
    state: () => state,

    takeOver() {
      if (state !== 'elsewhere' && state !== 'handed-over' && state !== 'unanswered') return;
      set('requesting');
      acknowledged = false;
      queue();
      post({ type: 'hand-over', from: id });
      later(answerMs, () => {
        if (state === 'requesting' && !acknowledged) set('unanswered');
      });
    },

    leaving() {
      isLeaving = true;
    },

    dispose() {
      disposed = true;
      for (const timer of timers) clearTimeout(timer);
      unqueue();
      letGo?.();
      letGo = null;
      channel.close();
    },
  };
}
