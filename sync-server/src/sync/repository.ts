// All SQL of sync: per-user change numbers, per-device batch numbers, LWW row writes, pages of changes and the
// tombstone purge. Every statement names the user it acts for; callers pass a transaction where they need one.
import { devices, syncBatches, userSyncState } from '@heimdex/shared-schema';
import type { SyncChange, SyncChangeType } from '@heimdex/shared-schema/protocol';
import { and, asc, eq, gt, inArray, lte, max, min, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/types.ts';
import { KINDS, kindOf, type KindSpec, type ParentKind, PARENT_KIND } from './kinds.ts';

/** A selected row with its kind and change number, before it becomes a wire change. */
export interface StoredChange {
  type: SyncChangeType;
  serverSeq: number;
  change: SyncChange;
}

/** HLC stamps compare byte-wise ("C" collation): a locale collation would order punctuation differently. */
const olderThan = (column: PgColumn, hlc: string): SQL => sql`(${column} is null or ${column} collate "C" < ${hlc} collate "C")`;

export function makeSyncRepo(db: Db) {
  return {
    /** Creates the user's counters when missing and locks them until the transaction ends. */
    async lockUserState(userId: string): Promise<{ nextServerSeq: number; purgeWatermark: number }> {
      await db.insert(userSyncState).values({ userId }).onConflictDoNothing();
      const [row] = await db.select().from(userSyncState).where(eq(userSyncState.userId, userId)).for('update');
      return { nextServerSeq: Number(row!.nextServerSeq), purgeWatermark: Number(row!.purgeWatermark) };
    },

    async userState(userId: string): Promise<{ nextServerSeq: number; purgeWatermark: number }> {
      const [row] = await db.select().from(userSyncState).where(eq(userSyncState.userId, userId));
      return { nextServerSeq: Number(row?.nextServerSeq ?? 1), purgeWatermark: Number(row?.purgeWatermark ?? 0) };
    },

    /** The device's last applied batch, locked; null when the device is not this user's. */
    async lockDevice(userId: string, deviceId: string): Promise<{ lastBatchSeq: number } | null> {
      const [row] = await db
        .select({ lastBatchSeq: devices.lastBatchSeq })
        .from(devices)
        .where(and(eq(devices.deviceId, deviceId), eq(devices.userId, userId)))
        .for('update');
      return row ? { lastBatchSeq: Number(row.lastBatchSeq) } : null;
    },

    async touchDevice(userId: string, deviceId: string, lastBatchSeq?: number): Promise<void> {
      await db
        .update(devices)
        .set({ lastSeenAt: sql`now()`, ...(lastBatchSeq === undefined ? {} : { lastBatchSeq }) })
        .where(and(eq(devices.deviceId, deviceId), eq(devices.userId, userId)));
    },

    /** Who owns each of these ids of one parent-capable kind (ids nobody owns are absent). */
    async ownersOf(kind: ParentKind | 'segment' | 'face', ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const spec = kind === 'segment' || kind === 'face' ? kindOf(kind) : PARENT_KIND[kind];
      const keyColumn = Object.values(spec.keyColumns)[0]!;
      const rows = (await db
        .select({ id: keyColumn, userId: spec.table.userId })
        .from(spec.table)
        .where(inArray(keyColumn, ids))) as { id: string; userId: string | null }[];
      return new Map(rows.map((r) => [r.id, r.userId ?? '']));
    },

    /** Writes a change if it is newer than the row held (LWW); true when it was written. */
    async applyChange(change: SyncChange, ctx: { userId: string; deviceId: string; serverSeq: number }): Promise<boolean> {
      const kind = kindOf(change.type);
      const { table } = kind;
      const stamp = {
        hlc: change.hlc,
        serverSeq: ctx.serverSeq,
        deleted: change.row === null,
        ...(kind.touchesUpdatedAt ? { updatedAt: sql`now()` } : {}),
      };
      const newer = and(eq(table.userId, ctx.userId), olderThan(table.hlc, change.hlc));
      if (change.row === null) {
        // A tombstone for a row the server never had changes nothing: no other device can hold that row.
        const keyMatch = and(...Object.entries(kind.keyColumns).map(([field, col]) => eq(col, (change.key as Record<string, string>)[field]!)));
        const written = await db.update(table).set(stamp as never).where(and(keyMatch, newer)).returning({ seq: table.serverSeq });
        return written.length > 0;
      }
      const columns = (kind as KindSpec).toColumns(change.row as never);
      const written = await db
        .insert(table)
        .values({ ...change.key, ...columns, userId: ctx.userId, ...stamp } as never)
        .onConflictDoUpdate({ target: Object.values(kind.keyColumns), set: { ...columns, ...stamp } as never, setWhere: newer })
        .returning({ seq: table.serverSeq });
      return written.length > 0;
    },

    /** Advances the user's change number and the device's batch number, and records the batch's seq range. */
    async finishBatch(b: { userId: string; deviceId: string; batchSeq: number; firstSeq: number; nextSeq: number }): Promise<void> {
      await db.update(userSyncState).set({ nextServerSeq: b.nextSeq }).where(eq(userSyncState.userId, b.userId));
      await this.touchDevice(b.userId, b.deviceId, b.batchSeq);
      if (b.nextSeq > b.firstSeq) {
        await db.insert(syncBatches).values({ userId: b.userId, firstSeq: b.firstSeq, lastSeq: b.nextSeq - 1, deviceId: b.deviceId, batchSeq: b.batchSeq });
      }
    },

    /**
     * Where a page after `cursor` ends: the last batch boundary within `limit` change numbers, or, when one
     * batch alone is larger, that batch's end (a page never splits a batch). Null when nothing is newer.
     */
    async pageEnd(userId: string, cursor: number, limit: number): Promise<{ end: number; more: boolean } | null> {
      const after = and(eq(syncBatches.userId, userId), gt(syncBatches.lastSeq, cursor));
      const [within] = await db.select({ end: max(syncBatches.lastSeq) }).from(syncBatches).where(and(after, lte(syncBatches.lastSeq, cursor + limit)));
      let end = within?.end == null ? null : Number(within.end);
      if (end === null) {
        const [first] = await db.select({ end: min(syncBatches.lastSeq) }).from(syncBatches).where(after);
        if (first?.end == null) return null;
        end = Number(first.end);
      }
      const [later] = await db.select({ n: sql<number>`count(*)::int` }).from(syncBatches).where(and(eq(syncBatches.userId, userId), gt(syncBatches.lastSeq, end)));
      return { end, more: Number(later?.n ?? 0) > 0 };
    },

    /** Rows of one kind changed in (after, upTo]. */
    async changedRows(kind: KindSpec, userId: string, after: number, upTo: number): Promise<StoredChange[]> {
      const { table } = kind;
      const rows = (await db
        .select()
        .from(table)
        .where(and(eq(table.userId, userId), gt(table.serverSeq, after), lte(table.serverSeq, upTo)))
        .orderBy(asc(table.serverSeq))) as Record<string, unknown>[];
      return rows.map((r) => toStored(kind, r));
    },

    /** Current rows of a parent kind changed after `after` (a page's children may point at them). */
    async rowsByIds(kind: ParentKind, userId: string, ids: string[], after: number): Promise<StoredChange[]> {
      if (ids.length === 0) return [];
      const spec = PARENT_KIND[kind];
      const keyColumn = Object.values(spec.keyColumns)[0]!;
      const rows = (await db
        .select()
        .from(spec.table)
        .where(and(eq(spec.table.userId, userId), inArray(keyColumn, ids), gt(spec.table.serverSeq, after)))) as Record<string, unknown>[];
      return rows.map((r) => toStored(spec, r));
    },

    /** The newest batch end applied before `before` (what a purge may go up to). */
    async lastBatchBefore(userId: string, before: Date): Promise<number | null> {
      const [row] = await db
        .select({ end: max(syncBatches.lastSeq) })
        .from(syncBatches)
        .where(and(eq(syncBatches.userId, userId), sql`${syncBatches.createdAt} < ${before.toISOString()}`));
      return row?.end == null ? null : Number(row.end);
    },

    /**
     * Deletes the user's tombstones up to `upTo` (children first) and raises the watermark. Batch records stay
     * (a few dozen bytes a push): a device starting over still gets pages that end on batch boundaries.
     */
    async purgeTombstones(userId: string, upTo: number): Promise<number> {
      let purged = 0;
      for (const kind of [...KINDS].reverse()) {
        const gone = await db
          .delete(kind.table)
          .where(and(eq(kind.table.userId, userId), eq(kind.table.deleted, true), lte(kind.table.serverSeq, upTo)))
          .returning({ seq: kind.table.serverSeq });
        purged += gone.length;
      }
      await db
        .update(userSyncState)
        .set({ purgeWatermark: sql`greatest(${userSyncState.purgeWatermark}, ${upTo})` })
        .where(eq(userSyncState.userId, userId));
      return purged;
    },

    async usersWithSync(): Promise<string[]> {
      const rows = await db.select({ userId: userSyncState.userId }).from(userSyncState);
      return rows.map((r) => r.userId);
    },
  };
}

function toStored(kind: KindSpec, row: Record<string, unknown>): StoredChange {
  const key = Object.fromEntries(Object.keys(kind.keyColumns).map((field) => [field, row[field] as string]));
  const change = {
    type: kind.type,
    hlc: row.hlc as string,
    key,
    row: row.deleted ? null : kind.fromColumns(row),
  } as SyncChange;
  return { type: kind.type, serverSeq: Number(row.serverSeq), change };
}

export type SyncRepo = ReturnType<typeof makeSyncRepo>;
