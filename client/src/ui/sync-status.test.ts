import { describe, expect, it } from 'vitest';
import { formatSyncStatus, syncLabel } from './sync-status.ts';

const status = (phase: Parameters<typeof formatSyncStatus>[0]['phase'], waiting = 0, message: string | null = null) => ({ phase, waiting, message, lastSyncedAt: null, received: 0, pulledAll: false });

describe('formatSyncStatus', () => {
  it('says where sync stands in plain words, with the count of waiting changes', () => {
    expect(formatSyncStatus(status('synced'))).toBe('Synced.');
    expect(formatSyncStatus(status('syncing', 1))).toBe('Syncing 1 change…');
    expect(formatSyncStatus(status('offline', 12))).toBe('Offline: 12 changes will sync when the server can be reached.');
    expect(formatSyncStatus(status('error', 0, 'The sync server needs a newer version of the app. Reload to update it.'))).toBe(
      'Sync stopped: The sync server needs a newer version of the app. Reload to update it.',
    );
    expect(formatSyncStatus(status('signed-out'))).toMatch(/sign in/);
  });
});

describe('syncLabel', () => {
  it('says it in a few words, with the count of waiting changes', () => {
    expect(syncLabel(status('syncing', 3))).toBe('Syncing 3 changes');
    expect(syncLabel(status('synced'))).toBe('Synced');
    expect(syncLabel(status('offline', 1))).toBe('Sync waiting: 1 change');
    expect(syncLabel(status('error', 0, 'x'))).toBe('Sync stopped');
  });
});
