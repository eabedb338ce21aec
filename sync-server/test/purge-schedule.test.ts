// @vitest-environment node
// The tombstone purge's timer: when it runs, with which cut-off, never overlapping, surviving a failed run,
// and stopping cleanly before the database closes. (The purge itself is tested on real databases in sync.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MERGE_GIN_PENDING_LISTS } from '@heimdex/shared-schema/pglite-upkeep';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/open.ts';
import { selectRows } from '../src/db/rows.ts';
import { schedulePurge, scheduleTombstonePurge, type Purge } from '../src/sync/purge-schedule.ts';

const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('tombstone purge schedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('first runs after a short wait, then at every interval, purging what is older than the retention', async () => {
    const cutoffs: number[] = [];
    const lines: string[] = [];
    const purge: Purge = async (olderThan) => {
      cutoffs.push(olderThan.getTime());
      return { users: 2, purged: cutoffs.length === 1 ? 7 : 0 };
    };
    const schedule = schedulePurge({ purge, retentionDays: 30, log: (l) => lines.push(l), firstAfterMs: 60_000, everyMs: 3_600_000 });

    await vi.advanceTimersByTimeAsync(59_999);
    expect(cutoffs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(cutoffs).toEqual([START + 60_000 - 30 * DAY]);
    expect(lines).toEqual(['tombstone purge: removed 7 tombstones (rows deleted over 30 days ago) in 2 accounts']);

    await vi.advanceTimersByTimeAsync(3_600_000 * 2);
    expect(cutoffs).toEqual([START + 60_000 - 30 * DAY, START + 3_660_000 - 30 * DAY, START + 7_260_000 - 30 * DAY]);
    expect(lines).toHaveLength(1); // runs that found nothing stay quiet
    await schedule.stop();
  });

  it('never overlaps a slow run, and keeps going after a failed one', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    const lines: string[] = [];
    const purge: Purge = async () => {
      calls++;
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 5_000)); // longer than the interval
      active--;
      if (calls === 1) throw new Error('database unreachable');
      return { users: 1, purged: 1 };
    };
    const schedule = schedulePurge({ purge, retentionDays: 1, log: (l) => lines.push(l), firstAfterMs: 0, everyMs: 1_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(most).toBe(1);
    expect(calls).toBe(4); // each run starts 1 s after the previous one ended: at 0, 6, 12 and 18 s
    expect(lines[0]).toBe('tombstone purge failed (it runs again later): database unreachable');
    expect(lines[1]).toMatch(/^tombstone purge: removed 1 tombstones/);
    const stopping = schedule.stop(); // the run started at 18 s ends at 23 s
    await vi.advanceTimersByTimeAsync(5_000);
    await stopping;
  });

  it('stops: no run after stop(), and stop() waits for the run in progress', async () => {
    let finished = false;
    let calls = 0;
    const purge: Purge = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      finished = true;
      return { users: 0, purged: 0 };
    };
    const schedule = schedulePurge({ purge, retentionDays: 30, log: () => {}, firstAfterMs: 10, everyMs: 100 });
    await vi.advanceTimersByTimeAsync(10); // the run has started
    const stopping = schedule.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });

  it('tidies the embedded database after the purge (VACUUM, ANALYZE, GIN pending lists: PGlite has no autovacuum)', async () => {
    vi.useRealTimers();
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      // Pushed scenes wait in the full-text and trigram indexes' pending lists, which every search reads.
      await database.db.execute(sql`
        with u as (insert into users (email) values ('tidy@example.com') returning user_id),
        v as (insert into videos (user_id, title, file_name, size_bytes, content_sha256)
              select user_id, 'v', 'v.mp4', 1, 'sha' from u returning video_id, user_id)
        insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text)
        select v.video_id, v.user_id, g, g, g + 1, 'the harbor festival opens at noon ' || g, 'TICKETS ' || g
        from v, generate_series(0, 199) g`);
      const counts = async () =>
        (await selectRows<{ vacuumed: number; analysed: number }>(database.db, sql`
          select vacuum_count::int as vacuumed, analyze_count::int as analysed from pg_stat_user_tables where relname = 'scenes'`))[0]!;
      expect(await counts()).toEqual({ vacuumed: 0, analysed: 0 });
      const schedule = scheduleTombstonePurge(database.db, { retentionDays: 30, log: () => {}, firstAfterMs: 0, tidy: true });
      await vi.waitFor(async () => expect(await counts()).toEqual({ vacuumed: 1, analysed: 1 }), { timeout: 10_000 });
      await schedule.stop();
      // Merged by the tidy: nothing is left to merge.
      const [merged] = await selectRows<{ pages: number }>(database.db, MERGE_GIN_PENDING_LISTS);
      expect(merged!.pages).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('does not keep the process alive', () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const schedule = schedulePurge({ purge: async () => ({ users: 0, purged: 0 }), retentionDays: 30, log: () => {} });
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    spy.mockRestore();
    void schedule.stop();
  });
});
