// The devices of an account: registered by the app when it signs in, listed, renamed and removed by the person.
import { devices } from '@heimdex/shared-schema';
import type { DeviceInfo } from '@heimdex/shared-schema/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

const toInfo = (row: typeof devices.$inferSelect): DeviceInfo => ({
  deviceId: row.deviceId,
  name: row.name,
  lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
  createdAt: row.createdAt.toISOString(),
  lastBatchSeq: Number(row.lastBatchSeq),
});

export function makeDevicesRepo(db: Db) {
  return {
    async register(userId: string, name: string): Promise<DeviceInfo> {
      const [row] = await db.insert(devices).values({ userId, name, lastSeenAt: new Date() }).returning();
      return toInfo(row!);
    },
    async list(userId: string): Promise<DeviceInfo[]> {
      const rows = await db.select().from(devices).where(eq(devices.userId, userId)).orderBy(asc(devices.createdAt));
      return rows.map(toInfo);
    },
    /** Null when the device is not this user's (or does not exist): the same answer either way. */
    async rename(userId: string, deviceId: string, name: string): Promise<DeviceInfo | null> {
      const [row] = await db.update(devices).set({ name }).where(and(eq(devices.deviceId, deviceId), eq(devices.userId, userId))).returning();
      return row ? toInfo(row) : null;
    },
    /** False when the device is not this user's (or does not exist): the same answer either way. */
    async remove(userId: string, deviceId: string): Promise<boolean> {
      const gone = await db.delete(devices).where(and(eq(devices.deviceId, deviceId), eq(devices.userId, userId))).returning({ id: devices.deviceId });
      return gone.length > 0;
    },
  };
}
