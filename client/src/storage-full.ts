// "The browser's storage is full", the one way, for every layer: the file store raises it, the pipeline fails a
// stage with it as the reason (not as a crash), and it keeps its name across a worker boundary (comlink copies
// an Error's name and message), so a stage in any worker is told the same.

const NAME = 'QuotaExceededError';

export const STORAGE_FULL_MESSAGE =
  'This browser’s storage is full. Free some space (Settings → Storage shows what uses it), then try again.';

/**
 * The database's words for a write the browser refused (PGlite on OPFS: the refused growth of a file reaches
 * PostgreSQL as "File too large"; a real disk says "No space left on device").
 */
const DATABASE_FULL = /could not (extend|write to) file .*(File too large|No space left on device)/i;

/**
 * True for the browser's QuotaExceededError, for storageFull()'s error wherever it was thrown, and for a database
 * write refused for want of room (however deep its layers wrapped it: Drizzle keeps PostgreSQL's error as `cause`).
 */
export function isStorageFull(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error || e instanceof DOMException; e = (e as Error).cause, depth++) {
    if (e.name === NAME || DATABASE_FULL.test(e.message)) return true;
    if (depth >= 5) break;
  }
  return false;
}

export function storageFull(): Error {
  const error = new Error(STORAGE_FULL_MESSAGE);
  error.name = NAME;
  return error;
}

/**
 * The localStorage key a browser test sets ('1') while the database must refuse every FAILED mark of the pipeline as
 * a full disk would (app/workers.ts): whether PostgreSQL needs new room for one small update depends on how full its
 * pages happen to be, so a full quota alone cannot make that refusal happen on cue.
 */
export const REFUSE_FAILURE_MARKS_KEY = 'heimdex-test-refuse-failure-marks';
