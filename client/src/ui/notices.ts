import { createSignal, type Accessor } from 'solid-js';
import type { ImportOutcome } from '../app/imports.ts';

/**
 * A message in the notice list. An import's notice takes the status of its outcome ('added' | 'duplicate' |
 * 'failed'); 'pending' is an import still running, 'error' an action (retry, cancel, delete) that failed,
 * 'info' the result of an action that has nothing to go wrong (e.g. what a re-index queued).
 */
export interface Notice {
  id: number;
  status: ImportOutcome['status'] | 'pending' | 'error' | 'info';
  title: string;
  /** May hold several lines (one per file that needs a word). */
  message: string;
  videoId?: string;
}

export interface NoticeOptions {
  /** Dismisses the notice by itself after this long (a later update sets the time again, or clears it). */
  dismissAfterMs?: number;
}

export interface Notices {
  list: Accessor<Notice[]>;
  push(notice: Omit<Notice, 'id'>, options?: NoticeOptions): number;
  /** Changes a notice in place (e.g. an import's progress, then its result); false when it was dismissed. */
  update(id: number, notice: Omit<Notice, 'id'>, options?: NoticeOptions): boolean;
  dismiss(id: number): void;
  dismissAll(): void;
}

export function createNotices(): Notices {
  const [list, setList] = createSignal<Notice[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;

  function dismiss(id: number) {
    clearTimeout(timers.get(id));
    timers.delete(id);
    setList((current) => current.filter((notice) => notice.id !== id));
  }

  function scheduleDismissal(id: number, options: NoticeOptions | undefined) {
    clearTimeout(timers.get(id));
    timers.delete(id);
    if (options?.dismissAfterMs !== undefined) timers.set(id, setTimeout(() => dismiss(id), options.dismissAfterMs));
  }

  return {
    list,
    push(notice, options) {
      const id = nextId++;
      setList((current) => [...current, { ...notice, id }]);
      scheduleDismissal(id, options);
      return id;
    },
    update(id, notice, options) {
      if (!list().some((shown) => shown.id === id)) return false;
      setList((current) => current.map((shown) => (shown.id === id ? { ...notice, id } : shown)));
      scheduleDismissal(id, options);
      return true;
    },
    dismiss,
    dismissAll() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      setList([]);
    },
  };
}

export { errorMessage } from '../errors.ts';
