// What the library's pictures take inside the database: scene thumbnails and face crops (bytea), for
// Settings → Storage. Every stored row counts, deleted or not: a tombstone's bytes are still on disk.
import { faces, scenes } from '@heimdex/shared-schema';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './types.ts';

export interface StoredImageBytes {
  thumbnailBytes: number;
  faceCropBytes: number;
}

export function makeStorageQueries(db: Db, userId: string) {
  return {
    async storedImageBytes(): Promise<StoredImageBytes> {
      const [thumbs] = await db
        .select({ bytes: sql<number>`coalesce(sum(octet_length(${scenes.thumbnail})), 0)::float8` })
        .from(scenes)
        .where(eq(scenes.userId, userId));
      const [crops] = await db
        .select({ bytes: sql<number>`coalesce(sum(octet_length(${faces.crop})), 0)::float8` })
        .from(faces)
        .where(eq(faces.userId, userId));
      return { thumbnailBytes: Number(thumbs?.bytes ?? 0), faceCropBytes: Number(crops?.bytes ?? 0) };
    },
  };
}
