// This installation's sync bookkeeping (the one row of device_sync_state): which device it is on the server,
// how far it has pulled, which push batch the server has acknowledged, and the batch on its way.
import { deviceSyncState } from '@heimdex/shared-schema';
import type { PushRequest } from '@heimdex/shared-schema/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/types.ts';

export interface SyncState {
  deviceId: string | null;
  cursor: number;
  lastBatchSeq: number;
  pendingBatch: PushRequest | null;
}

export async function readSyncState(db: Queryable): Promise<SyncState> {
  await db.execute(sql`insert into device_sync_state (id, node) values (1, gen_random_uuid()::text) on conflict (id) do nothing`);
  const [row] = await db.select().from(deviceSyncState).where(eq(deviceSyncState.id, 1));
  return { deviceId: row!.deviceId, cursor: row!.cursor, lastBatchSeq: row!.lastBatchSeq, pendingBatch: (row!.pendingBatch as PushRequest | null) ?? null };
}

export async function writeSyncState(db: Queryable, change: Partial<SyncState>): Promise<void> {
  await readSyncState(db);
  await db.update(deviceSyncState).set(change).where(eq(deviceSyncState.id, 1));
}

/**
 * A device id from the server: a new device starts at batch 1 and pulls everything (a re-registered one too:
 * the server forgot its batches).
 */
export async function becomeDevice(db: Queryable, deviceId: string | null): Promise<void> {
  await writeSyncState(db, { deviceId, cursor: 0, lastBatchSeq: 0, pendingBatch: null });
}
