// Failures the full storage kept from the database (pipeline/runner.ts): their jobs are still RUNNING there, so a
// page that closes before it could write them leaves a note for the next start, which then marks the video FAILED
// with its reason instead of running the stage again as if it had merely been interrupted. Kept in localStorage:
// a few hundred bytes written synchronously, outside the database that just refused (a refusal here too leaves the
// failure in the page's memory only: the runner says so in the console).
import type { UnrecordedFailure, UnrecordedStore } from '../pipeline/runner.ts';

const KEY = 'heimdex-unrecorded-failures';

function isFailure(value: unknown): value is UnrecordedFailure {
  const f = value as Partial<UnrecordedFailure> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.videoId === 'string' &&
    typeof f.stage === 'string' &&
    typeof f.reason === 'string' &&
    (f.details === null || typeof f.details === 'string') &&
    typeof f.retryable === 'boolean' &&
    typeof f.claimed === 'boolean'
  );
}

export const unrecordedFailures: UnrecordedStore = {
  load() {
    try {
      const kept: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      return Array.isArray(kept) ? kept.filter(isFailure) : [];
    } catch {
      return []; // unreadable: the stages run again at this start, as interrupted ones do
    }
  },

  save(failures) {
    if (failures.length === 0) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(failures));
  },
};
