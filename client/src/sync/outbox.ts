// The outbox as the pusher reads it: the waiting entries (written by the database's triggers, see tracking.ts),
// turned into the protocol's changes from the rows as they are now, and acknowledged once the server has them.
import { syncOutbox } from '@heimdex/shared-schema';
import type { SyncChange, SyncChangeType } from '@heimdex/shared-schema/protocol';
import { KIND_RANK, KINDS, kindOf, type KindSpec } from '@heimdex/shared-schema/sync';
import { count, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/types.ts';

export interface OutboxEntry {
  kind: SyncChangeType;
  key: Record<string, string>;
  hlc: string;
}

export async function outboxSize(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(syncOutbox);
  return row?.n ?? 0;
}

/** A stable text for a key object, in the kind's key order. */
export const keyText = (kind: KindSpec, key: Record<string, unknown>) => Object.keys(kind.keyColumns).map((f) => String(key[f])).join('/');

/**
 * Up to `limit` waiting changes, parents before children (videos, people, scenes, …: the server drops a child
 * whose parent it does not hold), oldest first within a kind. A row gone from the database is sent as a
 * tombstone; a video is sent as held by `deviceId` unless it names another device.
 */
export async function takeChanges(db: Queryable, opts: { deviceId: string; limit: number }): Promise<SyncChange[]> {
  const rank = sql.join(KINDS.map((k, i) => sql`when ${k.type} then ${i}`), sql` `);
  const entries = (await db
    .select({ kind: syncOutbox.kind, key: syncOutbox.key, hlc: syncOutbox.hlc })
    .from(syncOutbox)
    .orderBy(sql`case ${syncOutbox.kind} ${rank} end`, syncOutbox.hlc)
    .limit(opts.limit)) as OutboxEntry[];
  const changes: SyncChange[] = [];
  for (const type of [...new Set(entries.map((e) => e.kind))].sort((a, b) => KIND_RANK.get(a)! - KIND_RANK.get(b)!)) {
    const kind = kindOf(type);
    const mine = entries.filter((e) => e.kind === type);
    const rows = await rowsByKey(db, kind, mine.map((e) => e.key));
    for (const entry of mine) {
      const row = rows.get(keyText(kind, entry.key));
      const wire = row && !row.deleted ? kind.fromColumns(row) : null;
      if (wire && type === 'video') Object.assign(wire, { deviceId: (row!.deviceId as string | null) ?? opts.deviceId });
      changes.push({ type, hlc: entry.hlc, key: entry.key, row: wire } as SyncChange);
    }
  }
  return changes;
}

/**
 * The rows of `keys` (narrowed by the first key column; a link's second column is matched here): whole rows, or
 * only their keys and stamps (`stampsOnly`, for last-writer-wins checks that need no vectors).
 */
export async function rowsByKey(
  db: Queryable,
  kind: KindSpec,
  keys: Record<string, string>[],
  stampsOnly = false,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  if (keys.length === 0) return found;
  const [first] = Object.keys(kind.keyColumns);
  const wanted = new Set(keys.map((k) => keyText(kind, k)));
  const selection = stampsOnly ? { ...kind.keyColumns, hlc: kind.table.hlc } : undefined;
  const rows = (await (selection ? db.select(selection) : db.select())
    .from(kind.table)
    .where(inArray(kind.keyColumns[first!]!, [...new Set(keys.map((k) => k[first!]!))]))) as Record<string, unknown>[];
  for (const row of rows) {
    const text = keyText(kind, row);
    if (wanted.has(text)) found.set(text, row);
  }
  return found;
}

/**
 * Removes the entries the server now holds — only where the stamp is still the one sent: a row changed again
 * while the push was on its way stays in the outbox with its newer stamp.
 */
export async function acknowledge(db: Queryable, changes: readonly Pick<SyncChange, 'type' | 'key' | 'hlc'>[]): Promise<void> {
  if (changes.length === 0) return;
  const sent = JSON.stringify(changes.map((c) => ({ kind: c.type, key: c.key, hlc: c.hlc })));
  await db.execute(sql`
    delete from sync_outbox o using jsonb_to_recordset(${sent}::jsonb) as x(kind text, key jsonb, hlc text)
    where o.kind = x.kind and o.key = x.key and o.hlc = x.hlc`);
}

/**
 * Queues every synced row this library holds (a library signing in for the first time, or a device the server
 * forgot): rows written before change tracking existed get their first stamp. Already-queued rows keep theirs.
 */
export async function enqueueEverything(db: Queryable): Promise<void> {
  for (const kind of KINDS) {
    const key = sql.join(Object.entries(kind.keyColumns).map(([field, column]) => sql`${field}::text, ${column}`), sql`, `);
    // Only the stamp changes: the tracking trigger records nothing for it.
    await db.execute(sql`update ${kind.table} set hlc = heimdex_hlc_next() where hlc is null`);
    await db.execute(sql`
      insert into sync_outbox (kind, key, hlc)
      select ${kind.type}::text, jsonb_build_object(${key}), hlc from ${kind.table}
      on conflict (kind, key) do nothing`);
  }
}
