// The stage a page was running when it closed normally (a reload, a closed tab, a hand-over to another tab).
// A tab that crashes leaves no such note, so the runner of the next page counts only crashes against a
// stage (runner.ts, MAX_STAGE_ATTEMPTS). Kept in localStorage: written synchronously as the page goes away,
// which a database write could not promise, and shared by every tab of the origin.
import type { RunningStage } from '../db/jobs.ts';

const KEY = 'heimdex-left-cleanly';

/** Notes the stage this page leaves unfinished (nothing when none runs). */
export function markLeftCleanly(stage: RunningStage | null): void {
  if (!stage) return;
  try {
    localStorage.setItem(KEY, JSON.stringify(stage));
  } catch {
    // No storage (private mode, full): the stage's start counts as a crash, the worst being an early FAILED.
  }
}

/** The note of the last normal close, removed as it is read (each close gives back one start only). */
export function takeLeftCleanly(): RunningStage | null {
  try {
    const raw = localStorage.getItem(KEY);
    localStorage.removeItem(KEY);
    if (!raw) return null;
    const note = JSON.parse(raw) as Partial<RunningStage>;
    if (typeof note.videoId !== 'string' || typeof note.stage !== 'string' || typeof note.attempt !== 'number') return null;
    return { videoId: note.videoId, stage: note.stage, attempt: note.attempt };
  } catch {
    return null;
  }
}
