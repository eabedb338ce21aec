// The account and sync as the pages see them: who is signed in, where sync stands (asked of the DB worker every
// second, so the top bar and Settings always tell the truth), and the account actions. The work happens in the
// DB worker (client/src/sync/); this is its reactive face.
import type { DeviceInfo } from '@heimdex/shared-schema/protocol';
import { createSignal, type Accessor } from 'solid-js';
import type { DbClient } from '../db/client.ts';
import type { SyncPhase, SyncStatus } from '../sync/loop.ts';
import type { AccountInfo } from '../sync/session.ts';

export type { AccountInfo, DeviceInfo, SyncPhase, SyncStatus };

type AccountWorker = Pick<
  DbClient,
  | 'account'
  | 'signUp'
  | 'signIn'
  | 'signOut'
  | 'syncStatus'
  | 'syncNow'
  | 'devices'
  | 'removeDevice'
  | 'renameDevice'
  | 'requestVerification'
  | 'verifyEmail'
  | 'requestPasswordReset'
  | 'resetPassword'
>;

const POLL_MS = 1000;

/** A name for this device that its owner will recognise in a list ("Chrome on Linux"); they can change it. */
export function guessDeviceName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser';
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Mac OS X/.test(userAgent) ? 'Mac' : /Windows/.test(userAgent) ? 'Windows' : /CrOS/.test(userAgent) ? 'ChromeOS' : /Linux/.test(userAgent) ? 'Linux' : 'this computer';
  return `${browser} on ${system}`;
}

/** `onReceived` runs when changes from other devices arrived (what the library shows must be read again). */
export function createAccount(worker: AccountWorker, whenOpen: Promise<unknown>, onReceived: () => void = () => {}) {
  const [account, setAccount] = createSignal<AccountInfo | null | undefined>(undefined);
  const [status, setStatus] = createSignal<SyncStatus>({ phase: 'signed-out', waiting: 0, lastSyncedAt: null, message: null, received: 0, pulledAll: false });
  const [devices, setDevices] = createSignal<DeviceInfo[]>([]);

  async function refreshDevices(): Promise<void> {
    setDevices(await worker.devices().catch(() => devices()));
  }
  async function reload(): Promise<void> {
    const current = await worker.account();
    setAccount(current);
    if (current) await refreshDevices();
    else setDevices([]);
  }

  let stopped = false;
  void whenOpen.then(async () => {
    await reload();
    while (!stopped) {
      const next = await worker.syncStatus().catch(() => null);
      if (next) {
        // Signed out by the server (or on another page): the account goes too.
        if (next.phase === 'signed-out' && account()) await reload();
        if (next.received !== status().received) {
          onReceived();
          void refreshDevices(); // a new device may have sent its first videos
        }
        setStatus(next);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }, () => undefined);

  const begin = async (start: Promise<AccountInfo>) => {
    setAccount(await start);
    await refreshDevices();
  };

  return {
    /** undefined while not known yet; null when signed out. */
    account: account as Accessor<AccountInfo | null | undefined>,
    status,
    devices,
    /** The name of the device holding a video: null when it is this one (or unknown). */
    deviceName(deviceId: string | null | undefined): string | null {
      if (!deviceId || deviceId === account()?.deviceId) return null;
      return devices().find((d) => d.deviceId === deviceId)?.name ?? 'another device';
    },
    signUp: (email: string, password: string, deviceName: string) => begin(worker.signUp(email, password, deviceName)),
    signIn: (email: string, password: string, deviceName: string) => begin(worker.signIn(email, password, deviceName)),
    async signOut(): Promise<void> {
      await worker.signOut();
      await reload();
    },
    async syncNow(): Promise<void> {
      const next = await worker.syncNow();
      if (next.received !== status().received) onReceived();
      setStatus(next);
      await refreshDevices();
    },
    refreshDevices,
    async renameDevice(deviceId: string, name: string): Promise<void> {
      await worker.renameDevice(deviceId, name);
      await reload();
    },
    async removeDevice(deviceId: string): Promise<void> {
      await worker.removeDevice(deviceId);
      await reload();
    },
    requestVerification: () => worker.requestVerification(),
    async verifyEmail(token: string): Promise<void> {
      await worker.verifyEmail(token);
      await reload();
    },
    requestPasswordReset: (email: string) => worker.requestPasswordReset(email),
    resetPassword: (token: string, newPassword: string) => worker.resetPassword(token, newPassword),
    dispose() {
      stopped = true;
    },
  };
}

export type Account = ReturnType<typeof createAccount>;
