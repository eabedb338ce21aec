// All SQL of sync: per-user change numbers, per-device batch numbers, LWW row writes, pages of changes and the
// tombstone purge. Every statement names the user it acts for; callers pass a transaction where they need one.
import { devices, syncBatches, userSyncState } from '@heimdex/shared-schema';
import type { SyncChange, SyncChangeType } from '@heimdex/shared-schema/protocol';
import { and, asc, eq, getTableColumns, gt, inArray, lte, max, min, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/types.ts';
import { KINDS, kindOf, type KindSpec, type ParentKind, PARENT_KIND } from '@heimdex/shared-schema/sync';

/** A selected row with its kind and change number, before it becomes a wire change. */
export interface StoredChange {
  type: SyncChangeType;
  serverSeq: number;
  change: SyncChange;
}

/** HLC stamps compare byte-wise ("C" collation): a locale collation would order punctuation differently. */
const olderThan = (column: PgColumn, hlc: string | SQL): SQL => sql`(${column} is null or ${column} collate "C" < ${hlc} collate "C")`;

/** Postgres takes at most 65535 parameters a statement: rows per statement for this many columns a row. */
const PARAMETER_LIMIT = 65_535;
function chunks<T>(items: T[], parametersPerItem: number): T[][] {
  const size = Math.max(1, Math.floor(PARAMETER_LIMIT / parametersPerItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A row's key as one text, fields in the kind's key order (the same for a wire key and a selected row). */
export const keyOf = (kind: KindSpec, key: Record<string, string>) => Object.keys(kind.keyColumns).map((field) => key[field]).join('/');

/** Tombstones for rows this user holds, each only where its stamp is newer than the row's. */
async function writeTombstones(db: Db, kind: KindSpec, userId: string, changes: { change: SyncChange; serverSeq: number }[]): Promise<number> {
  if (changes.length === 0) return 0;
  const { table } = kind;
  const keyEntries = Object.entries(kind.keyColumns);
  const values = sql.join(
    changes.map(({ change, serverSeq }) => {
      const key = change.key as Record<string, string>;
      return sql`(${sql.join(keyEntries.map(([field]) => sql`${key[field]}::uuid`), sql`, `)}, ${change.hlc}::text, ${serverSeq}::bigint)`;
    }),
    sql`, `,
  );
  const keyNames = keyEntries.map(([, column]) => sql.raw(quoted(column.name)));
  const matches = keyEntries.map(([, column]) => sql`${column} = incoming.${sql.raw(quoted(column.name))}`);
  const result = await db.execute(sql`
    update ${table}
    set ${sql.raw(quoted(table.hlc.name))} = incoming.hlc, ${sql.raw(quoted(table.serverSeq.name))} = incoming.seq, ${sql.raw(quoted(table.deleted.name))} = true
      ${kind.touchesUpdatedAt ? sql`, "updated_at" = now()` : sql``}
    from (values ${values}) as incoming(${sql.join(keyNames, sql`, `)}, hlc, seq)
    where ${sql.join(matches, sql` and `)} and ${table.userId} = ${userId} and ${olderThan(table.hlc, sql`incoming.hlc`)}
    returning ${table.serverSeq}`);
  return rowCount(result);
}

/** Rows a statement returned, from either driver's result (PGlite: `{ rows }`; postgres.js: an array). */
const rowCount = (result: unknown): number => (Array.isArray(result) ? result.length : ((result as { rows: unknown[] }).rows?.length ?? 0));

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

    /** False when the user has no such device. */
    async touchDevice(userId: string, deviceId: string, lastBatchSeq?: number): Promise<boolean> {
      const touched = await db
        .update(devices)
        .set({ lastSeenAt: sql`now()`, ...(lastBatchSeq === undefined ? {} : { lastBatchSeq }) })
        .where(and(eq(devices.deviceId, deviceId), eq(devices.userId, userId)))
        .returning({ deviceId: devices.deviceId });
      return touched.length > 0;
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

    /**
     * The stamps this user's rows of one kind hold, by key (see `keyOf`): what a change must be newer than to
     * win. Rows the user does not hold are absent; a row without a stamp maps to null (any change wins).
     */
    async heldStamps(kind: KindSpec, userId: string, keys: Record<string, string>[]): Promise<Map<string, string | null>> {
      if (keys.length === 0) return new Map();
      const fields = Object.keys(kind.keyColumns);
      const [firstField] = fields;
      const selection = Object.fromEntries([...Object.entries(kind.keyColumns), ['hlc', kind.table.hlc]]);
      // Narrowed by the first key column (a link's other column is matched here); the user scope is in SQL.
      const rows = (await db
        .select(selection)
        .from(kind.table)
        .where(and(eq(kind.table.userId, userId), inArray(kind.keyColumns[firstField!]!, [...new Set(keys.map((k) => k[firstField!]!))])))) as Record<
        string,
        string | null
      >[];
      const wanted = new Set(keys.map((k) => keyOf(kind, k)));
      const held = new Map<string, string | null>();
      for (const row of rows) {
        const key = keyOf(kind, row as Record<string, string>);
        if (wanted.has(key)) held.set(key, row.hlc ?? null);
      }
      return held;
    },

    /**
     * Writes changes of one kind that won against the stamps held, each with its change number, in as few
     * statements as the database's parameter limit allows: tombstones as one UPDATE … FROM (VALUES …), rows as
     * one multi-row INSERT … ON CONFLICT DO UPDATE. The LWW test and the user scope stay in the SQL, so a row
     * that changed since the stamps were read is left alone. Answers how many rows were written.
     */
    async writeChanges(kind: KindSpec, userId: string, changes: { change: SyncChange; serverSeq: number }[]): Promise<number> {
      const deletions = changes.filter((c) => c.change.row === null);
      const upserts = changes.filter((c) => c.change.row !== null);
      let written = 0;
      for (const part of chunks(deletions, Object.keys(kind.keyColumns).length + 2)) written += await writeTombstones(db, kind, userId, part);
      if (upserts.length > 0) {
        const rows = upserts.map(({ change, serverSeq }) => ({
          ...change.key,
          ...kind.toColumns(change.row as never),
          userId,
          hlc: change.hlc,
          serverSeq,
          deleted: false,
          ...(kind.touchesUpdatedAt ? { updatedAt: sql`now()` } : {}),
        }));
        const columns = getTableColumns(kind.table);
        const keyFields = new Set(Object.keys(kind.keyColumns));
        // Every written field but the key and the owner takes the incoming row's value.
        const set = Object.fromEntries(
          Object.keys(rows[0]!)
            .filter((field) => !keyFields.has(field) && field !== 'userId')
            .map((field) => [field, field === 'updatedAt' ? sql`now()` : sql.raw(`excluded.${quoted(columns[field]!.name)}`)]),
        );
        for (const part of chunks(rows, Object.keys(rows[0]!).length)) {
          const done = await db
            .insert(kind.table)
            .values(part as never)
            .onConflictDoUpdate({
              target: Object.values(kind.keyColumns),
              set: set as never,
              setWhere: and(eq(kind.table.userId, userId), olderThan(kind.table.hlc, sql.raw(`excluded.${quoted(kind.table.hlc.name)}`))),
            })
            .returning({ seq: kind.table.serverSeq });
          written += done.length;
        }
      }
      return written;
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
