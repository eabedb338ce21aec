// Every SQL statement on blobs. Each one is scoped by the signed-in user's id: a hash alone finds nothing.
import { blobs } from '@heimdex/shared-schema';
import type { BlobContentType } from '@heimdex/shared-schema/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

export interface BlobMeta {
  contentType: BlobContentType;
  sizeBytes: number;
}

export function makeBlobRepo(db: Db) {
  const mine = (userId: string, sha256: string) => and(eq(blobs.userId, userId), eq(blobs.sha256, sha256));
  return {
    /** Type and size without reading the bytes (HEAD, conditional GET, re-upload). */
    async meta(userId: string, sha256: string): Promise<BlobMeta | null> {
      const rows = await db
        .select({ contentType: blobs.contentType, sizeBytes: blobs.sizeBytes })
        .from(blobs)
        .where(mine(userId, sha256))
        .limit(1);
      return (rows[0] as BlobMeta | undefined) ?? null;
    },

    async read(userId: string, sha256: string): Promise<(BlobMeta & { bytes: Uint8Array }) | null> {
      const rows = await db
        .select({ contentType: blobs.contentType, sizeBytes: blobs.sizeBytes, bytes: blobs.bytes })
        .from(blobs)
        .where(mine(userId, sha256))
        .limit(1);
      return (rows[0] as (BlobMeta & { bytes: Uint8Array }) | undefined) ?? null;
    },

    /** True when stored now, false when the user already had these bytes (concurrent uploads included). */
    async insert(row: { userId: string; sha256: string; contentType: BlobContentType; bytes: Uint8Array }): Promise<boolean> {
      const inserted = await db
        .insert(blobs)
        .values({ ...row, sizeBytes: row.bytes.byteLength })
        .onConflictDoNothing({ target: [blobs.userId, blobs.sha256] })
        .returning({ sha256: blobs.sha256 });
      return inserted.length > 0;
    },

    /** What a user's blobs take, in bytes: what a blob-bytes quota counts. */
    async totalBytes(userId: string): Promise<number> {
      const [row] = await db
        .select({ total: sql<string | number>`coalesce(sum(${blobs.sizeBytes}), 0)` })
        .from(blobs)
        .where(eq(blobs.userId, userId));
      return Number(row!.total);
    },
  };
}

export type BlobRepo = ReturnType<typeof makeBlobRepo>;
