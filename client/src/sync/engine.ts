// One round of sync: push the outbox in numbered batches, pull every page, fetch the images the pulled rows point
// at. Each step is durable on its own: a batch is saved before it is sent and resent unchanged until the server
// acknowledges it (the server skips a number it has applied, so a cut connection never loses or doubles a change);
// a pulled page and its cursor are applied in one local transaction. What it wrote then gets the upkeep indexing
// gets (tidyAfterPull).
import { faces, scenes } from '@heimdex/shared-schema';
import type { BlobContentType, SyncChange } from '@heimdex/shared-schema/protocol';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { makeMaintenanceQueries } from '../db/maintenance.ts';
import type { Db } from '../db/types.ts';
import { applyRemoteChanges } from './apply.ts';
import { acknowledge, takeChanges } from './outbox.ts';
import { SyncError, type SyncServer } from './server-api.ts';
import { readSyncState, writeSyncState } from './state.ts';
import { APPLYING_REMOTE } from './tracking.ts';

export interface SyncLimits {
  /** Changes per push batch (the protocol allows 1000; smaller batches lose less to a cut connection). */
  batchChanges: number;
  pullLimit: number;
  /** Changes pulled in one round from which the whole tidy runs after it (see tidyAfterPull); TIDY_AFTER_PULLED. */
  tidyAfterPulled?: number;
}
export const DEFAULT_SYNC_LIMITS: SyncLimits = { batchChanges: 500, pullLimit: 500 };

export interface RoundResult {
  pushed: number;
  pulled: number;
  blobs: number;
}

export async function syncRound(db: Db, server: SyncServer, userId: string, limits = DEFAULT_SYNC_LIMITS): Promise<RoundResult> {
  const pushed = await pushAll(db, server, limits);
  const pulled = await pullAll(db, server, userId, limits);
  const blobs = await fetchMissingBlobs(db, server);
  if (pulled + blobs > 0) await tidyAfterPull(db, pulled >= (limits.tidyAfterPulled ?? TIDY_AFTER_PULLED));
  return { pushed, pulled, blobs };
}

/** Changes pulled in one round from which the whole tidy runs after it (a first pull of a library, say). */
const TIDY_AFTER_PULLED = 1000;

/**
 * The runner tidies a library after each video it indexes (db/maintenance.ts); a device that only pulls indexes
 * nothing. So after a round that wrote rows: the GIN pending lists merged (every search reads them; the cost follows
 * what was written), and after a large pull the whole tidy (VACUUM and ANALYZE: the planner would otherwise keep
 * the row counts of the empty library the pull started from). A failure leaves the tables as they are until the
 * next time; what the round applied stays applied.
 */
async function tidyAfterPull(db: Db, many: boolean): Promise<void> {
  const upkeep = makeMaintenanceQueries(db);
  try {
    await (many ? upkeep.tidyTables() : upkeep.mergePendingLists());
  } catch (error) {
    console.warn('Tidying the library after sync did not finish; searches may be slower until the next tidy.', error);
  }
}

/** Pushes until the outbox is empty; answers how many changes the server took. */
export async function pushAll(db: Db, server: SyncServer, limits = DEFAULT_SYNC_LIMITS): Promise<number> {
  let pushed = 0;
  for (;;) {
    const state = await readSyncState(db);
    if (!state.deviceId) throw new SyncError('unknown-device', 'This device is not registered with your account yet.');
    let batch = state.pendingBatch;
    if (!batch || batch.deviceId !== state.deviceId) {
      const changes = await takeChanges(db, { deviceId: state.deviceId, limit: limits.batchChanges });
      if (changes.length === 0) return pushed;
      batch = { deviceId: state.deviceId, batchSeq: state.lastBatchSeq + 1, changes };
      await writeSyncState(db, { pendingBatch: batch });
    }
    await uploadBlobs(db, server, batch.changes);
    const answer = await server.push(batch);
    if (answer.type === 'batch-gap') {
      // The server lost or never had earlier batches (e.g. this library was restored): number from what it expects.
      // What those batches carried is still in the outbox unless acknowledged, so it goes again.
      await writeSyncState(db, { lastBatchSeq: answer.expectedBatchSeq - 1, pendingBatch: null });
      continue;
    }
    const sent = batch;
    await db.transaction(async (tx) => {
      await acknowledge(tx, sent.changes);
      await writeSyncState(tx, { lastBatchSeq: sent.batchSeq, pendingBatch: null });
    });
    pushed += answer.duplicate ? 0 : sent.changes.length;
  }
}

/** Pulls every page; answers how many changes were applied. `onPage` hears of each page once it is applied. */
export async function pullAll(
  db: Db,
  server: SyncServer,
  userId: string,
  limits = DEFAULT_SYNC_LIMITS,
  onPage: (applied: number) => Promise<void> | void = () => {},
): Promise<number> {
  let applied = 0;
  for (;;) {
    const { cursor, deviceId } = await readSyncState(db);
    if (!deviceId) throw new SyncError('unknown-device', 'This device is not registered with your account yet.');
    const page = await server.pull(cursor, limits.pullLimit, deviceId);
    if (page.type === 'start-over') {
      await startOver(db);
      continue;
    }
    await db.transaction(async (tx) => {
      applied += (await applyRemoteChanges(tx, userId, page.changes)).applied;
      await writeSyncState(tx, { cursor: page.cursor });
    });
    await onPage(applied);
    if (!page.more) return applied;
  }
}

/**
 * Deletions older than this device's cursor were purged on the server, so it may have missed some: the videos of
 * other devices are dropped here and everything is pulled again from the start (this device's own rows stay;
 * pulled again, they match and change nothing).
 */
async function startOver(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(APPLYING_REMOTE));
    const { deviceId } = await readSyncState(tx);
    await tx.execute(sql`delete from videos where device_id is not null and device_id is distinct from ${deviceId}`);
    await writeSyncState(tx, { cursor: 0 });
  });
}

/** The thumbnails and face crops a batch points at, uploaded first (the server keeps one copy per hash). */
async function uploadBlobs(db: Db, server: SyncServer, changes: readonly SyncChange[]): Promise<void> {
  const wanted = new Set<string>();
  for (const c of changes) {
    if (c.type === 'scene' && c.row?.thumbnailSha256) wanted.add(c.row.thumbnailSha256);
    if (c.type === 'face' && c.row?.cropSha256) wanted.add(c.row.cropSha256);
  }
  for (const sha of wanted) {
    const bytes = await localBlob(db, sha);
    // Gone since the batch was made (the row changed again): the newer row is in a later batch with its own image.
    if (bytes) await server.putBlob(sha, bytes, contentTypeOf(bytes));
  }
}

async function localBlob(db: Db, sha: string): Promise<Uint8Array | null> {
  const [scene] = await db.select({ bytes: scenes.thumbnail }).from(scenes).where(and(eq(scenes.thumbnailSha256, sha), isNotNull(scenes.thumbnail))).limit(1);
  if (scene?.bytes) return scene.bytes;
  const [face] = await db.select({ bytes: faces.crop }).from(faces).where(and(eq(faces.cropSha256, sha), isNotNull(faces.crop))).limit(1);
  return face?.bytes ?? null;
}

function contentTypeOf(bytes: Uint8Array): BlobContentType {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57) return 'image/webp';
  return 'image/jpeg';
}

/** Fills the images of pulled rows (kept without their bytes until fetched); answers how many were fetched. */
export async function fetchMissingBlobs(db: Db, server: SyncServer, max = 200): Promise<number> {
  const missing = [
    ...(await db.selectDistinct({ sha: scenes.thumbnailSha256 }).from(scenes).where(and(isNull(scenes.thumbnail), isNotNull(scenes.thumbnailSha256))).limit(max)),
    ...(await db.selectDistinct({ sha: faces.cropSha256 }).from(faces).where(and(isNull(faces.crop), isNotNull(faces.cropSha256))).limit(max)),
  ];
  let fetched = 0;
  for (const { sha } of missing) {
    const bytes = await server.getBlob(sha!);
    if (!bytes) continue;
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(APPLYING_REMOTE));
      await tx.update(scenes).set({ thumbnail: bytes }).where(and(eq(scenes.thumbnailSha256, sha!), isNull(scenes.thumbnail)));
      await tx.update(faces).set({ crop: bytes }).where(and(eq(faces.cropSha256, sha!), isNull(faces.crop)));
    });
    fetched += 1;
  }
  return fetched;
}
