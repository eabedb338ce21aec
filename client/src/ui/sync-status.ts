// Where sync stands, in a few plain words (the top bar and Settings → Account).
import type { SyncStatus } from '../app/account.ts';

const changes = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

export function formatSyncStatus(status: SyncStatus): string {
  switch (status.phase) {
    case 'signed-out':
      return 'Not syncing: sign in to search this library from your other devices.';
    case 'syncing':
      return status.waiting > 0 ? `Syncing ${changes(status.waiting)}…` : 'Syncing…';
    case 'synced':
      return status.waiting > 0 ? `${changes(status.waiting)} waiting to sync.` : 'Synced.';
    case 'offline':
      return `Offline: ${status.waiting > 0 ? `${changes(status.waiting)} will sync` : 'this library will sync'} when the server can be reached.`;
    case 'error':
      return `Sync stopped: ${status.message ?? 'something went wrong.'}`;
  }
}

/** The top bar's few words (the full sentence is its tooltip and in Settings). */
export function syncLabel(status: SyncStatus): string {
  switch (status.phase) {
    case 'signed-out':
      return 'Signed out';
    case 'syncing':
      return status.waiting > 0 ? `Syncing ${changes(status.waiting)}` : 'Syncing…';
    case 'synced':
      return status.waiting > 0 ? `${changes(status.waiting)} to sync` : 'Synced';
    case 'offline':
      return status.waiting > 0 ? `Sync waiting: ${changes(status.waiting)}` : 'Sync waiting';
    case 'error':
      return 'Sync stopped';
  }
}
