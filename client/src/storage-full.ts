// "The browser's storage is full", the one way, for every layer: the file store raises it, the pipeline fails a
// stage with it as the reason (not as a crash), and it keeps its name across a worker boundary (comlink copies
// an Error's name and message), so a stage in any worker is told the same.

const NAME = 'QuotaExceededError';

export const STORAGE_FULL_MESSAGE =
  'This browser’s storage is full. Free some space (Settings → Storage shows what uses it), then try again.';

/** True for the browser's QuotaExceededError and for storageFull()'s error, wherever it was thrown. */
export function isStorageFull(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === NAME;
}

export function storageFull(): Error {
  const error = new Error(STORAGE_FULL_MESSAGE);
  error.name = NAME;
  return error;
}
