import { createSignal, type Accessor } from 'solid-js';
import type { ImportOutcome } from '../app/library.ts';

/**
 * A message in the notice list. Import outcomes keep their status ('added' | 'duplicate' | 'failed');
 * 'pending' is an import still running, 'error' an action (retry, cancel, delete) that failed, 'info'
 * the result of an action that has nothing to go wrong (e.g. what a re-index queued).
 */
export interface Notice {
  id: number;
  status: ImportOutcome['status'] | 'pending' | 'error' | 'info';
  title: string;
  message: string;
  videoId?: string;
}

export interface Notices {
  list: Accessor<Notice[]>;
  push(notice: Omit<Notice, 'id'>): number;
  replace(id: number, next: Omit<Notice, 'id'>[]): void;
  dismiss(id: number): void;
  dismissAll(): void;
}

export function createNotices(): Notices {
  const [list, setList] = createSignal<Notice[]>([]);
  let nextId = 1;

  return {
    list,
    push(notice) {
      const id = nextId++;
      setList((current) => [...current, { ...notice, id }]);
      return id;
    },
    /** Swap one notice (e.g. "Importing 3 files…") for its results, in the same place in the list. */
    replace(id, next) {
      const withIds = next.map((notice) => ({ ...notice, id: nextId++ }));
      setList((current) => {
        const at = current.findIndex((notice) => notice.id === id);
        if (at === -1) return [...current, ...withIds];
        return [...current.slice(0, at), ...withIds, ...current.slice(at + 1)];
      });
    },
    dismiss(id) {
      setList((current) => current.filter((notice) => notice.id !== id));
    },
    dismissAll() {
      setList([]);
    },
  };
}

export { errorMessage } from '../app/errors.ts';
