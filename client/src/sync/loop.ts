// The background sync of the DB worker: a round (push, pull, images) when the library changes, every so often,
// when the network comes back and on "Sync now"; one round at a time; after a failure it waits longer each time
// (up to BACKOFF_MAX_MS). It never holds the database between its short transactions, so indexing and search go
// on while it runs. Its status says in plain words where things stand.
import type { Db } from '../db/types.ts';
import { syncRound, DEFAULT_SYNC_LIMITS, type SyncLimits } from './engine.ts';
import { outboxSize } from './outbox.ts';
import { SyncError, type SyncServer } from './server-api.ts';
import type { Session } from './session.ts';

export type SyncPhase = 'signed-out' | 'synced' | 'syncing' | 'offline' | 'error';

export interface SyncStatus {
  phase: SyncPhase;
  /** Changes made here and not yet on the server. */
  waiting: number;
  /** Epoch ms of the last round that finished. */
  lastSyncedAt: number | null;
  /** What went wrong (error, offline) or why the session ended (signed-out), in plain words. */
  message: string | null;
  /** Changes from other devices applied here so far (it grows: the app reloads what it shows). */
  received: number;
  /** Everything on the server was pulled by the last round (until then, search asks the server too). */
  pulledAll: boolean;
}

export interface SyncLoopOptions {
  db: Db;
  session: Session;
  server: SyncServer;
  userId: string;
  /** A round this often even when nothing changed here (to pull what other devices did). */
  intervalMs?: number;
  /** How often the outbox is looked at for new local changes. */
  watchMs?: number;
  limits?: SyncLimits;
}

const BACKOFF_FIRST_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export function startSyncLoop(opts: SyncLoopOptions) {
  const intervalMs = opts.intervalMs ?? 30_000;
  const watchMs = opts.watchMs ?? 2_000;
  let status: SyncStatus = { phase: 'signed-out', waiting: 0, lastSyncedAt: null, message: null, received: 0, pulledAll: false };
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let failures = 0;
  let nextRoundAt = 0;
  let stopped = false;

  const set = (change: Partial<SyncStatus>) => (status = { ...status, ...change });

  async function round(): Promise<void> {
    if (stopped) return;
    if (!(await opts.session.account())) {
      set({ phase: 'signed-out', waiting: 0, message: opts.session.endedBecause(), pulledAll: false });
      return;
    }
    set({ phase: 'syncing', waiting: await outboxSize(opts.db) });
    try {
      const done = await syncRound(opts.db, opts.server, opts.userId, opts.limits ?? DEFAULT_SYNC_LIMITS);
      failures = 0;
      nextRoundAt = Date.now() + intervalMs;
      set({ phase: 'synced', lastSyncedAt: Date.now(), message: null, waiting: await outboxSize(opts.db), received: status.received + done.pulled + done.blobs, pulledAll: true });
    } catch (error) {
      failures += 1;
      nextRoundAt = Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (failures - 1));
      const waiting = await outboxSize(opts.db).catch(() => status.waiting);
      if (error instanceof SyncError && error.kind === 'unknown-device') {
        await opts.session.deviceRemoved().catch(() => undefined);
        set({ phase: 'signed-out', waiting, message: opts.session.endedBecause() });
      } else if (error instanceof SyncError && error.kind === 'signed-out') {
        set({ phase: 'signed-out', waiting, message: opts.session.endedBecause() ?? error.message });
      } else if (error instanceof SyncError && error.kind === 'offline') {
        set({ phase: 'offline', waiting, message: error.message });
      } else if (error instanceof SyncError && error.kind === 'update-required') {
        nextRoundAt = Number.POSITIVE_INFINITY; // nothing will change until the app is updated
        set({ phase: 'error', waiting, message: error.message });
      } else {
        set({ phase: 'error', waiting, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /**
   * Runs a round now, or right after the one running (which may have started before the change that asks for
   * it); resolves when that round has ended. Calls meanwhile share the one queued round.
   */
  function syncNow(): Promise<void> {
    if (running) {
      queued ??= running.then(() => {
        queued = null;
        return syncNow();
      });
      return queued;
    }
    running = round().finally(() => (running = null));
    return running;
  }

  async function tick(): Promise<void> {
    if (stopped || running) return;
    const hasAccount = (await opts.session.account()) !== null;
    if (!hasAccount) {
      if (status.phase !== 'signed-out') set({ phase: 'signed-out', waiting: 0, message: opts.session.endedBecause(), pulledAll: false });
      return;
    }
    const waiting = await outboxSize(opts.db);
    if (waiting !== status.waiting && status.phase !== 'syncing') set({ waiting });
    const due = Date.now() >= nextRoundAt;
    // A local change goes out at once unless the last round failed (then it waits for its backoff).
    if (due || (waiting > 0 && failures === 0)) await syncNow();
  }

  const timer = setInterval(() => void tick().catch(() => undefined), watchMs);
  const online = () => {
    failures = 0;
    nextRoundAt = 0;
    void syncNow();
  };
  globalThis.addEventListener?.('online', online);
  void tick();

  return {
    status: (): SyncStatus => status,
    syncNow: async (): Promise<SyncStatus> => {
      failures = 0;
      await syncNow();
      return status;
    },
    /** No round after this one; resolves when the running round (if any) has ended, so the database can close. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      globalThis.removeEventListener?.('online', online);
      await running?.catch(() => undefined);
    },
  };
}

export type SyncLoop = ReturnType<typeof startSyncLoop>;
