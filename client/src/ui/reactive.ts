import { createComputed, createEffect, createMemo, createSignal, on, onCleanup, onMount, untrack, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { errorMessage, type Notices } from './notices.ts';

/**
 * A store that follows `source`, reconciled item by item on `key`. The library's signal hands out fresh
 * objects on every progress tick; reconciling keeps each card's DOM (and its focus, its thumbnail URL)
 * and updates only the fields that changed.
 */
export function createKeyedList<T extends object>(source: Accessor<readonly T[] | undefined>, key: keyof T & string): T[] {
  const [list, setList] = createStore<T[]>([]);
  createComputed(() => {
    const next = [...(source() ?? [])];
    setList(reconcile(next, { key }));
  });
  return list;
}

export interface Loaded<T> {
  value: Accessor<T | undefined>;
  error: Accessor<string | null>;
  loading: Accessor<boolean>;
}

/**
 * Runs `load` whenever `key` changes to a new non-null string, keeping the last good value while the
 * next one loads (no flicker, no Suspense). Results of superseded loads are dropped.
 */
export function createLoader<T>(key: Accessor<string | null>, load: () => Promise<T>): Loaded<T> {
  const [value, setValue] = createSignal<T>();
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const stableKey = createMemo(key);
  let version = 0;

  createEffect(
    on(stableKey, (current) => {
      if (current === null) return;
      const mine = ++version;
      setLoading(true);
      untrack(load).then(
        (result) => {
          if (mine !== version) return;
          setValue(() => result);
          setError(null);
          setLoading(false);
        },
        (failure: unknown) => {
          if (mine !== version) return;
          setError(errorMessage(failure));
          setLoading(false);
        },
      );
    }),
  );
  onCleanup(() => {
    version++;
  });
  return { value, error, loading };
}

/**
 * An object URL that follows `bytes`, revoked when the bytes change or the owner is disposed.
 * Equal bytes in a new array (a fresh copy from the worker) keep the same URL.
 */
export function createJpegUrl(bytes: Accessor<Uint8Array | null | undefined>): Accessor<string | null> {
  const stableBytes = createMemo(() => bytes() ?? null, null, { equals: sameBytes });
  return createMemo(() => {
    const current = stableBytes();
    if (!current || current.byteLength === 0) return null;
    // Copy into a fresh ArrayBuffer: a Blob may not be built over a view of shared memory.
    const url = URL.createObjectURL(new Blob([current.slice()], { type: 'image/jpeg' }));
    onCleanup(() => URL.revokeObjectURL(url));
    return url;
  });
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sets the document title while the caller lives. */
export function createDocumentTitle(title: Accessor<string>): void {
  createEffect(() => {
    document.title = `${title()} · Heimdex`;
  });
  onCleanup(() => {
    document.title = 'Heimdex';
  });
}

/** Whether the browser says it is online, following its online/offline events while the caller lives. */
export function createOnline(): Accessor<boolean> {
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return online;
}

/**
 * A way to tell when elements come into view of `root` (the page's viewport when none), or near it: `margin` ahead
 * (an IntersectionObserver rootMargin), so that scrolling finds them ready. One observer serves every element it
 * watches (the browser batches their changes); it is made at the first element, so `root` may be an element whose
 * ref is set just before its children's.
 */
export function createViewWatch(options: { root?: () => Element | undefined; margin: string }): () => [seen: Accessor<boolean>, ref: (el: Element) => void] {
  let watch: { observer: IntersectionObserver; seen: Map<Element, () => void> } | null = null;
  const watching = () =>
    (watch ??= (() => {
      const seenOf = new Map<Element, () => void>();
      const observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            seenOf.get(entry.target)?.();
            seenOf.delete(entry.target);
            observer.unobserve(entry.target);
          }
        },
        { root: options.root?.() ?? null, rootMargin: options.margin },
      );
      return { observer, seen: seenOf };
    })());
  /** Whether an element has come into view (or near it); it stays true from then on. Pass `ref` as its ref. */
  return () => {
    const [seen, setSeen] = createSignal(false);
    let watched: Element | null = null;
    const ref = (el: Element) => {
      const { observer, seen: seenOf } = watching();
      watched = el;
      seenOf.set(el, () => setSeen(true));
      observer.observe(el);
    };
    onCleanup(() => {
      if (!watched || !watch) return;
      watch.seen.delete(watched);
      watch.observer.unobserve(watched);
    });
    return [seen, ref];
  };
}

/**
 * Whether an element has come into view of the page, or near it (a screen's height ahead, so that scrolling finds
 * it ready); it stays true from then on. Pass the returned function as the element's ref.
 */
export const createSeen = createViewWatch({ margin: '100% 0px' });

export interface ScrollEdges {
  /** Content is hidden before the visible part (scrolled away to the left). */
  before: Accessor<boolean>;
  /** Content is hidden after the visible part (more to the right). */
  after: Accessor<boolean>;
}

/**
 * Whether a horizontally scrolling element has more to show on either side, kept up to date as it
 * scrolls, resizes, and as its children come, go or change size (thumbnails arriving, scenes found).
 */
export function createScrollEdges(element: () => HTMLElement | undefined): ScrollEdges {
  const [before, setBefore] = createSignal(false);
  const [after, setAfter] = createSignal(false);
  onMount(() => {
    const el = element();
    if (!el) return;
    const measure = () => {
      // A pixel of slack: at some zoom levels fractional widths leave scrollLeft a hair short of either end.
      setBefore(el.scrollLeft > 1);
      setAfter(el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
    };
    const resized = new ResizeObserver(measure);
    const observeChildren = () => {
      for (const child of Array.from(el.children)) resized.observe(child);
    };
    const changed = new MutationObserver(() => {
      observeChildren();
      measure();
    });
    resized.observe(el);
    observeChildren();
    changed.observe(el, { childList: true });
    el.addEventListener('scroll', measure, { passive: true });
    measure();
    onCleanup(() => {
      resized.disconnect();
      changed.disconnect();
      el.removeEventListener('scroll', measure);
    });
  });
  return { before, after };
}

/**
 * A change made from a button: `busy` while it runs (buttons disable themselves), a failure told as a notice
 * ("Could not <what>"), and `after` called either way (the page reads what changed).
 */
export function createChange(notices: Pick<Notices, 'push'>, after: () => void) {
  const [busy, setBusy] = createSignal(false);
  async function run(what: string, change: () => Promise<void>): Promise<void> {
    setBusy(true);
    try {
      await change();
    } catch (error) {
      notices.push({ status: 'error', title: `Could not ${what}`, message: errorMessage(error) });
    } finally {
      setBusy(false);
      after();
    }
  }
  return { busy, run };
}
