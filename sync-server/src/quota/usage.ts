// What a user holds, counted in the database. Tombstones (deleted rows kept for sync) do not count.
import { scenes, users, type UserTier } from '@heimdex/shared-schema';
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

/**
 * The user's plan, with the user's row locked until the end of the caller's transaction: two changes of one
 * user checked inside their transactions wait for each other instead of both fitting into the last room.
 */
export async function lockTier(db: Db, userId: string): Promise<UserTier | null> {
  const rows = await db.select({ tier: users.tier }).from(users).where(eq(users.userId, userId)).for('update');
  return rows[0]?.tier ?? null;
}

export async function scenesUsed(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(scenes)
    .where(and(eq(scenes.userId, userId), eq(scenes.deleted, false)));
  return Number(row?.n ?? 0);
}

/** Counts a user's stored blob bytes; the blob store provides it (see makeQuotaService). */
export type BlobBytesCounter = (db: Db, userId: string) => Promise<number>;

