// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isStorageFull, storageFull, STORAGE_FULL_MESSAGE } from './storage-full.ts';

/** As Drizzle wraps PostgreSQL's error (the cause's text is what PGlite on OPFS said in Chromium 156 with the quota used up). */
function failedQuery(cause: string): Error {
  return new Error('Failed query: insert into "scenes" ("scene_id") values (default)', { cause: Object.assign(new Error(cause), { name: 'error', code: 'XX000' }) });
}

describe('isStorageFull', () => {
  it('knows the browser’s refusal, its own error, and a database write refused for want of room', () => {
    expect(isStorageFull(new DOMException('quota', 'QuotaExceededError'))).toBe(true);
    expect(isStorageFull(storageFull())).toBe(true);
    expect(storageFull().message).toBe(STORAGE_FULL_MESSAGE);
    expect(isStorageFull(failedQuery('could not extend file "base/5/17308": File too large'))).toBe(true);
    expect(isStorageFull(failedQuery('could not write to file "pg_wal/xlogtemp.1": No space left on device'))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isStorageFull(failedQuery('duplicate key value violates unique constraint "scenes_pkey"'))).toBe(false);
    expect(isStorageFull(new Error('File too large'))).toBe(false);
    expect(isStorageFull('QuotaExceededError')).toBe(false);
    expect(isStorageFull(null)).toBe(false);
  });
});
