// Runs the tombstone purge now and then, so deleted rows do not pile up forever. Safe with several server
// instances against one database: a purge is idempotent and takes each user's sync lock, so two instances
// purging at once only repeat each other's work. The timer never keeps the process alive.
import { MERGE_GIN_PENDING_LISTS } from '@heimdex/shared-schema/pglite-upkeep';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';
import { purgeTombstones } from './pull.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A few times a day is plenty for a retention counted in days. */
export const PURGE_EVERY_MS = 6 * 60 * 60 * 1000;
/** The first run waits a little, so a starting server answers its first requests undisturbed. */
export const FIRST_PURGE_AFTER_MS = 60 * 1000;

export type Purge = (olderThan: Date) => Promise<{ users: number; purged: number }>;

export interface PurgeScheduleOptions {
  purge: Purge;
  /** Tombstones of pushes older than this many days are deleted. */
  retentionDays: number;
  log: (line: string) => void;
  everyMs?: number;
  firstAfterMs?: number;
  now?: () => number;
}

export interface PurgeSchedule {
  /** No further runs; resolves when a run in progress has finished (call before closing the database). */
  stop(): Promise<void>;
}

/** Each run is scheduled when the previous one ends, so a slow purge never overlaps the next. */
export function schedulePurge({ purge, retentionDays, log, everyMs = PURGE_EVERY_MS, firstAfterMs = FIRST_PURGE_AFTER_MS, now = Date.now }: PurgeScheduleOptions): PurgeSchedule {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = async () => {
    const olderThan = new Date(now() - retentionDays * DAY_MS);
    try {
      const { users, purged } = await purge(olderThan);
      if (purged > 0) log(`tombstone purge: removed ${purged} tombstones (rows deleted over ${retentionDays} days ago) in ${users} accounts`);
    } catch (error) {
      // A failed run (the database briefly away) is retried at the next one; the server goes on.
      log(`tombstone purge failed (it runs again later): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const plan = (delayMs: number) => {
    timer = setTimeout(() => {
      running = run().then(() => {
        if (!stopped) plan(everyMs);
      });
    }, delayMs);
    timer.unref?.();
  };
  plan(firstAfterMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * The purge of this server's database, on the schedule above. `tidy`: VACUUM (ANALYZE) after it — for the
 * embedded PGlite, which runs no autovacuum (Postgres has its own): every push rewrites rows, and without it the
 * old versions stay in the tables and the planner keeps the row counts of an empty database. Without index cleanup,
 * as the app's (client/src/db/maintenance.ts): PGlite answers no request while it runs, and clearing index entries
 * repairs the HNSW graph around each one (30 s for 10k rewritten rows of a 100k-scene library). The GIN indexes'
 * pending lists, which that cleanup would have merged and every search reads, are merged on their own.
 */
export const scheduleTombstonePurge = (db: Db, { tidy = false, ...opts }: Omit<PurgeScheduleOptions, 'purge'> & { tidy?: boolean }): PurgeSchedule =>
  schedulePurge({
    ...opts,
    purge: async (olderThan) => {
      const purged = await purgeTombstones(db, olderThan);
      if (tidy) {
        await db.execute(sql`vacuum (analyze, index_cleanup off)`);
        await db.execute(MERGE_GIN_PENDING_LISTS);
      }
      return purged;
    },
  });
