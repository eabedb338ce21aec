// @vitest-environment node
// Plan quotas against real rows, on embedded PGlite and over the Postgres wire: scenes counted with SQL from
// the scenes table, blob bytes through a counter over a real table standing in for the blob store's.
import { scenes, users, videos, type UserTier } from '@heimdex/shared-schema';
import type { QuotaExceededResponse } from '@heimdex/shared-schema/protocol';
import { eq, sql } from 'drizzle-orm';
import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { makeAuthRepo } from '../src/auth/repository.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import type { Db } from '../src/db/types.ts';
import { DEFAULT_TIER_QUOTAS } from '../src/quota/limits.ts';
import { formatBytes, makeQuotaService } from '../src/quota/service.ts';
import { TEST_DATABASES } from './databases.ts';

const testBlobs = pgTable('quota_test_blobs', {
  userId: uuid('user_id').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
});
async function testBlobBytes(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${testBlobs.sizeBytes}), 0)::float8` })
    .from(testBlobs)
    .where(eq(testBlobs.userId, userId));
  return Number(row!.total);
}

/** The refusal a quota check throws, as the client receives it. */
async function refusal(check: Promise<void>): Promise<{ status: number; body: QuotaExceededResponse }> {
  const error = await check.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HTTPException);
  const res = (error as HTTPException).getResponse();
  return { status: res.status, body: (await res.json()) as QuotaExceededResponse };
}

describe.each(TEST_DATABASES)('quotas on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ database, close } = await open());
    await database.db.execute(sql`create table quota_test_blobs (user_id uuid not null, size_bytes bigint not null)`);
  });
  afterAll(() => close());

  async function userWith(tier: UserTier, sceneCount: number, deletedScenes = 0): Promise<string> {
    const user = (await makeAuthRepo(database.db).createUser(`user${++n}@example.org`, 'not a real hash'))!;
    await database.db.update(users).set({ tier }).where(eq(users.userId, user.userId));
    const [video] = await database.db
      .insert(videos)
      .values({ userId: user.userId, title: 'Holiday', fileName: 'holiday.mp4', sizeBytes: 1, contentSha256: `sha-${n}` })
      .returning();
    const total = sceneCount + deletedScenes;
    if (total > 0)
      await database.db.execute(sql`
        insert into ${scenes} (video_id, user_id, idx, start_s, end_s, deleted)
        select ${video!.videoId}, ${user.userId}, g, g, g + 1, g > ${sceneCount} from generate_series(1, ${total}) g`);
    return user.userId;
  }

  it('refuses scenes over the FREE plan with a sentence and the numbers, and allows up to the limit', async () => {
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes });
    const userId = await userWith('FREE', 4990);
    const { status, body } = await refusal(quota.checkScenes(userId, 20));
    expect(status).toBe(413);
    expect(body).toEqual({
      error: 'Your FREE plan holds 5,000 scenes; 4,990 are used and this change adds 20.',
      quota: { limit: 'scenes', tier: 'FREE', allowed: DEFAULT_TIER_QUOTAS.FREE.scenes, used: 4990, adding: 20 },
    });
    await expect(quota.checkScenes(userId, 10)).resolves.toBeUndefined();
  });

  it('counts only the user’s own live scenes, by the user’s plan; a change adding nothing always fits', async () => {
    const quotas = { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 5, blobBytes: 1000 }, PRO: { scenes: 50, blobBytes: 1000 } };
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes, quotas });
    await userWith('FREE', 40); // someone else's scenes
    const free = await userWith('FREE', 3, 10); // ten tombstones do not count
    await expect(quota.checkScenes(free, 2)).resolves.toBeUndefined();
    expect((await refusal(quota.checkScenes(free, 3))).body.quota).toEqual({ limit: 'scenes', tier: 'FREE', allowed: 5, used: 3, adding: 3 });

    const pro = await userWith('PRO', 40);
    await expect(quota.checkScenes(pro, 10)).resolves.toBeUndefined();
    expect((await refusal(quota.checkScenes(pro, 11))).body.error).toBe('Your PRO plan holds 50 scenes; 40 are used and this change adds 11.');

    const downgraded = await userWith('FREE', 8);
    await expect(quota.checkScenes(downgraded, 0)).resolves.toBeUndefined();
    expect((await refusal(quota.checkScenes(downgraded, 1))).body.quota.used).toBe(8);
  });

  it('refuses blob bytes over the plan, in words people read', async () => {
    const quotas = { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 5, blobBytes: 1_000_000 } };
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes, quotas });
    const userId = await userWith('FREE', 0);
    const other = await userWith('FREE', 0);
    await database.db.insert(testBlobs).values([
      { userId, sizeBytes: 600_000 },
      { userId, sizeBytes: 399_200 },
      { userId: other, sizeBytes: 900_000 },
    ]);
    await expect(quota.checkBlobBytes(userId, 800)).resolves.toBeUndefined();
    const { status, body } = await refusal(quota.checkBlobBytes(userId, 1_500));
    expect(status).toBe(413);
    expect(body).toEqual({
      error: 'Your FREE plan holds 1 MB of thumbnails and face crops; 999 KB are used and this change adds 1.5 KB.',
      quota: { limit: 'blobBytes', tier: 'FREE', allowed: 1_000_000, used: 999_200, adding: 1_500 },
    });
  });

  it('checks inside the transaction that writes, seeing its own rows', async () => {
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes, quotas: { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 3, blobBytes: 0 } } });
    const userId = await userWith('FREE', 2);
    const [video] = await database.db.select({ videoId: videos.videoId }).from(videos).where(eq(videos.userId, userId));
    await database.db.transaction(async (tx) => {
      await quota.checkScenes(userId, 1, tx);
      await tx.insert(scenes).values({ videoId: video!.videoId, userId, idx: 100, startS: 0, endS: 1 });
      expect((await refusal(quota.checkScenes(userId, 1, tx))).body.quota.used).toBe(3);
    });
  });

  it('reaches the client as a 413 with the quota in the body, through the app’s error handler', async () => {
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes, quotas: { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 1, blobBytes: 0 } } });
    const userId = await userWith('FREE', 1);
    const app = buildApp({ database });
    app.post('/try', async (c) => {
      await quota.checkScenes(userId, 5);
      return c.body(null, 204);
    });
    const res = await app.request('/try', { method: 'POST' });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ error: 'Your FREE plan holds 1 scene; 1 is used and this change adds 5.', quota: { limit: 'scenes' } });
  });

  it('refuses a check for a user that does not exist', async () => {
    const quota = makeQuotaService({ db: database.db, blobBytesUsed: testBlobBytes });
    const error = await quota.checkScenes(crypto.randomUUID(), 1).catch((e: unknown) => e);
    expect((error as HTTPException).status).toBe(401);
  });
});

describe('byte sizes in words', () => {
  it('uses decimal units with three significant digits', () => {
    expect([0, 999, 1000, 1500, 999_200, 1_000_000, 500_000_000, 10_000_000_000, 123_456_789, 4_990_000_000].map(formatBytes)).toEqual([
      '0 bytes',
      '999 bytes',
      '1 KB',
      '1.5 KB',
      '999 KB',
      '1 MB',
      '500 MB',
      '10 GB',
      '123 MB',
      '4.99 GB',
    ]);
  });
});
