/**
 * What the "Update available" notice says about work in progress. Pure: no DOM, no Solid (unit-tested in Node).
 * Reloading is always the person's choice; this tells them what a reload does to what is running.
 */
import type { VideoState } from '@heimdex/shared-schema';

export function updateHint(states: readonly VideoState[]): string {
  // An import reads the picked file, which a reload takes away: it would have to be imported again.
  if (states.includes('UPLOADING')) return 'An import is still copying: reload once it is done, or import that file again after.';
  if (states.some((state) => state === 'VALIDATING' || state === 'PROCESSING')) return 'Indexing resumes after the reload.';
  return 'Reload to use the new version.';
}
