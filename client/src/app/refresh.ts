// The library's cards are rebuilt at most once per interval however fast events arrive (import progress,
// stage progress): requests in between are coalesced, and the database is read again only if one of them
// asked for it.

export interface RefreshOptions {
  intervalMs: number;
  /** Reads the database again. */
  reload: () => Promise<void>;
  /** Rebuilds the cards from what is known. */
  publish: () => void;
}

export function makeRefresh({ intervalMs, reload, publish }: RefreshOptions) {
  let refreshWanted = false;
  let publishWanted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let flushing = false;
  let lastFlush = 0;

  /** Throttled: rebuild the cards, re-reading the database first when `fromDb`. */
  function schedule(fromDb: boolean) {
    refreshWanted ||= fromDb;
    publishWanted = true;
    if (timer || flushing) return;
    timer = setTimeout(() => void flush(), Math.max(0, lastFlush + intervalMs - Date.now()));
  }

  async function flush() {
    timer = null;
    flushing = true;
    lastFlush = Date.now();
    try {
      if (refreshWanted) {
        refreshWanted = false;
        await reload();
      }
      publishWanted = false;
      publish();
    } catch (err) {
      console.error('Could not refresh the library', err);
    } finally {
      flushing = false;
      if (publishWanted || refreshWanted) schedule(refreshWanted);
    }
  }

  return {
    schedule,
    /** Drops the rebuild waiting for its turn: the library is closing. */
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
