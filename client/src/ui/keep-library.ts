// Persistent storage, asked for at the first import of a tab (the moment the library starts to hold something
// worth keeping), not at every start. Chromium answers without a prompt, from how the site is used; when the
// browser refuses, the person is told once, ever, why it matters and where to ask again (Settings → Storage).
import type { LibraryStorage } from '../app/storage-usage.ts';
import type { Notices } from './notices.ts';

/** Set once the refusal was shown, so that it is never shown again (Settings keeps saying it). */
const TOLD_KEY = 'heimdex.storage.toldNotKept';

export const NOT_KEPT_NOTICE = {
  status: 'info',
  title: 'Your browser may clear this library',
  message:
    'When this device runs low on space, the browser may delete the library and its index. ' +
    'To keep it, choose “Keep my library on this device” in Settings → Storage.',
} as const;

/** Returns what to call at each import: it asks once per tab, and tells once, ever. */
export function makeKeepLibrary(storage: Pick<LibraryStorage, 'isPersisted' | 'askToPersist'>, notices: Pick<Notices, 'push'>, remember: Pick<globalThis.Storage, 'getItem' | 'setItem'> = localStorage) {
  let asked: Promise<void> | null = null;
  async function ask(): Promise<void> {
    if ((await storage.isPersisted()) !== false) return; // kept already, or the browser does not say
    if (await storage.askToPersist()) return;
    if (remember.getItem(TOLD_KEY)) return;
    remember.setItem(TOLD_KEY, new Date().toISOString());
    notices.push(NOT_KEPT_NOTICE);
  }
  return (): Promise<void> => (asked ??= ask().catch(() => undefined));
}
