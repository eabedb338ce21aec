// Applying pulled changes to the app's database, last-writer-wins by the hybrid logical clock: a change wins
// over a row held with an older stamp (or none), and over a local change still waiting in the outbox with an
// older stamp (that change is then dropped: the other device's newer one is the row now). A tombstone deletes the
// row (its children go with it); a change stamped after a local deletion brings the row back. Rows keep the
// stamps they came with and are not sent back (tracking.ts).
import { deviceSyncState, faces, scenes, syncOutbox } from '@heimdex/shared-schema';
import type { SyncChange, SyncChangeType } from '@heimdex/shared-schema/protocol';
import { KINDS, kindOf, parseHlc, PARENT_KIND, vectorModelsIn, type KindSpec, type ParentRef } from '@heimdex/shared-schema/sync';
import { and, eq, getTableColumns, getTableName, inArray, sql, type SQL } from 'drizzle-orm';
import { ensureTextVectorIndex } from '../db/meaning.ts';
import { ensureVectorIndex } from '../db/search.ts';
import type { Queryable } from '../db/types.ts';
import { keyText, rowsByKey } from './outbox.ts';
import { APPLYING_REMOTE } from './tracking.ts';

export interface ApplyResult {
  applied: number;
  /** Lost to a newer stamp held here. */
  ignored: number;
  /** Children whose video, scene or person is not here (deleted here with a newer stamp). */
  orphaned: number;
}

/** Applies `changes` (one pull page, in server order) inside the caller's transaction. */
export async function applyRemoteChanges(tx: Queryable, userId: string, changes: readonly SyncChange[]): Promise<ApplyResult> {
  await tx.execute(sql.raw(APPLYING_REMOTE));
  const result: ApplyResult = { applied: 0, ignored: 0, orphaned: 0 };
  // Parents first (a scene needs its video); within a kind, a row's latest change only.
  for (const kind of KINDS) {
    const latest = new Map<string, SyncChange>();
    for (const change of changes) {
      if (change.type !== kind.type) continue;
      const text = keyText(kind, change.key);
      const held = latest.get(text);
      if (!held || held.hlc < change.hlc) latest.set(text, change);
    }
    if (latest.size === 0) continue;
    const winners = await newerThanHeld(tx, kind, [...latest.values()]);
    result.ignored += latest.size - winners.length;
    const placed = await withParentsHere(tx, kind, winners);
    result.orphaned += winners.length - placed.length;
    for (const change of placed) if (change.row === null) await deleteRow(tx, kind, change.key);
    await upsertRows(tx, kind, userId, placed.filter((c) => c.row !== null));
    // A local change that lost (or that the server now holds in the same state) is not pushed any more.
    await dropWaiting(tx, kind.type, placed);
    result.applied += placed.length;
  }
  // Another device's vectors are searched through the same per-model indexes as this device's own; a model
  // this device never ran has none yet.
  for (const model of vectorModelsIn(changes)) {
    if (model.kind === 'image') await ensureVectorIndex(tx, model.modelId, model.dim);
    else await ensureTextVectorIndex(tx, model.modelId, model.dim);
  }
  await receiveStamps(tx, changes.map((c) => c.hlc));
  return result;
}

async function newerThanHeld(tx: Queryable, kind: KindSpec, changes: SyncChange[]): Promise<SyncChange[]> {
  const rows = await rowsByKey(tx, kind, changes.map((c) => c.key as Record<string, string>), true);
  const waiting = await waitingStamps(tx, kind.type, changes);
  return changes.filter((change) => {
    const text = keyText(kind, change.key);
    const held = [rows.get(text)?.hlc as string | null | undefined, waiting.get(text)].filter((s): s is string => typeof s === 'string');
    return held.every((stamp) => stamp < change.hlc);
  });
}

async function waitingStamps(tx: Queryable, type: SyncChangeType, changes: SyncChange[]): Promise<Map<string, string>> {
  const kind = kindOf(type);
  const rows = await tx
    .select({ key: syncOutbox.key, hlc: syncOutbox.hlc })
    .from(syncOutbox)
    .where(and(eq(syncOutbox.kind, type), inArray(syncOutbox.key, changes.map((c) => c.key as Record<string, string>))));
  return new Map(rows.map((r) => [keyText(kind, r.key), r.hlc]));
}

async function dropWaiting(tx: Queryable, type: SyncChangeType, changes: SyncChange[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.delete(syncOutbox).where(and(eq(syncOutbox.kind, type), inArray(syncOutbox.key, changes.map((c) => c.key as Record<string, string>))));
}

/** The changes whose parents are here and live (the app keeps a deleted video's row; a tombstone has no parents). */
async function withParentsHere(tx: Queryable, kind: KindSpec, changes: SyncChange[]): Promise<SyncChange[]> {
  const refs = changes.flatMap((c) => kind.parents(c as never));
  if (refs.length === 0) return changes;
  const here = new Set<string>();
  for (const parentKind of new Set(refs.map((r) => r.kind))) {
    const spec = PARENT_KIND[parentKind];
    const column = Object.values(spec.keyColumns)[0]!;
    const ids = [...new Set(refs.filter((r) => r.kind === parentKind).map((r) => r.id))];
    const rows = (await tx.select({ id: column }).from(spec.table).where(and(inArray(column, ids), eq(spec.table.deleted, false)))) as { id: string }[];
    for (const row of rows) here.add(`${parentKind}:${row.id}`);
  }
  const isHere = (ref: ParentRef) => here.has(`${ref.kind}:${ref.id}`);
  return changes.filter((c) => kind.parents(c as never).every(isHere));
}

const keyMatch = (kind: KindSpec, key: Record<string, string>): SQL =>
  and(...Object.entries(kind.keyColumns).map(([field, column]) => eq(column, key[field]!)))!;

async function deleteRow(tx: Queryable, kind: KindSpec, key: Record<string, string>): Promise<void> {
  await tx.delete(kind.table).where(keyMatch(kind, key));
}

/** Blob bytes kept here for a hash: cleared when the row now points at other bytes (fetched again later). */
const BLOB_BYTES: Partial<Record<SyncChangeType, { bytes: string; sha: string }>> = {
  scene: { bytes: getTableColumns(scenes).thumbnail.name, sha: getTableColumns(scenes).thumbnailSha256.name },
  face: { bytes: getTableColumns(faces).crop.name, sha: getTableColumns(faces).cropSha256.name },
};

/** Bound parameters per statement stay under PostgreSQL's 65535. */
const MAX_PARAMETERS = 30_000;

/** Inserts or overwrites the rows, many to a statement (one statement per row was 9× slower than the pull itself). */
async function upsertRows(tx: Queryable, kind: KindSpec, userId: string, changes: SyncChange[]): Promise<void> {
  if (changes.length === 0) return;
  const rows = changes.map((change) => ({ ...change.key, ...kind.toColumns(change.row as never), userId, hlc: change.hlc, deleted: false }));
  const columns = getTableColumns(kind.table);
  const keyFields = new Set(Object.keys(kind.keyColumns));
  const set: Record<string, unknown> = Object.fromEntries(
    Object.keys(rows[0]!)
      .filter((field) => !keyFields.has(field))
      .map((field) => [field, sql.raw(`excluded."${columns[field]!.name}"`)]),
  );
  const blob = BLOB_BYTES[kind.type];
  if (blob) {
    const table = sql.raw(`"${getTableName(kind.table)}"`);
    set[propertyOf(columns, blob.bytes)] = sql`case when ${table}."${sql.raw(blob.sha)}" is distinct from excluded."${sql.raw(blob.sha)}" then null else ${table}."${sql.raw(blob.bytes)}" end`;
  }
  if ('updatedAt' in columns) set.updatedAt = sql`now()`;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += perStatement) {
    await tx.insert(kind.table).values(rows.slice(i, i + perStatement) as never).onConflictDoUpdate({ target: Object.values(kind.keyColumns), set: set as never });
  }
}

const propertyOf = (columns: Record<string, { name: string }>, name: string) => Object.keys(columns).find((p) => columns[p]!.name === name)!;

/** Every later local stamp sorts after the pulled ones (a device whose clock is behind still wins its next edit). */
async function receiveStamps(tx: Queryable, stamps: string[]): Promise<void> {
  if (stamps.length === 0) return;
  const latest = parseHlc(stamps.reduce((a, b) => (a > b ? a : b)));
  await tx.execute(sql`insert into device_sync_state (id, node) values (1, gen_random_uuid()::text) on conflict (id) do nothing`);
  await tx
    .update(deviceSyncState)
    .set({
      clockCounter: sql`case when ${latest.millis} > ${deviceSyncState.clockMillis} then ${latest.counter}
        when ${latest.millis} = ${deviceSyncState.clockMillis} then greatest(${deviceSyncState.clockCounter}, ${latest.counter})
        else ${deviceSyncState.clockCounter} end`,
      clockMillis: sql`greatest(${deviceSyncState.clockMillis}, ${latest.millis})`,
    })
    .where(eq(deviceSyncState.id, 1));
}

