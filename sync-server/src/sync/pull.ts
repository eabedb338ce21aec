// Pages of changes after a cursor, and the tombstone purge that makes old cursors start over.
import type { PullResponse, StartOverResponse, SyncChange } from '@heimdex/shared-schema/protocol';
import type { Db } from '../db/types.ts';
import { KINDS, KIND_RANK, type ParentKind } from '@heimdex/shared-schema/sync';
import { makeSyncRepo, type StoredChange } from './repository.ts';

/**
 * The changes after `cursor`, whole push batches only, listed parents before children. A row whose parent
 * changed again later (so its parent sits on a later page) brings the parent's current row along: a device that
 * applies pages in order never meets a child before its parent. The parent comes again on its own page, with the
 * same stamp, and is ignored there.
 */
export async function pullPage(db: Db, userId: string, cursor: number, limit: number): Promise<PullResponse | StartOverResponse> {
  const repo = makeSyncRepo(db);
  const { nextServerSeq, purgeWatermark } = await repo.userState(userId);
  if (cursor > 0 && cursor < purgeWatermark) {
    return { type: 'start-over', error: 'This device was away too long: it will download your library again.', watermark: purgeWatermark };
  }
  if (cursor >= nextServerSeq) {
    // A cursor the server never gave (its database was replaced): everything must be fetched again.
    return { type: 'start-over', error: 'The server was reset: this device will download your library again.', watermark: purgeWatermark };
  }
  const page = await repo.pageEnd(userId, cursor, limit);
  if (!page) return { type: 'changes', changes: [], cursor, more: false };

  const rows: StoredChange[] = [];
  for (const kind of KINDS) rows.push(...(await repo.changedRows(kind, userId, cursor, page.end)));
  rows.push(...(await parentsFromLaterPages(repo, userId, rows, page.end)));
  rows.sort((a, b) => KIND_RANK.get(a.type)! - KIND_RANK.get(b.type)! || a.serverSeq - b.serverSeq);
  return { type: 'changes', changes: rows.map((r) => r.change), cursor: page.end, more: page.more };
}

async function parentsFromLaterPages(repo: ReturnType<typeof makeSyncRepo>, userId: string, rows: StoredChange[], end: number) {
  const present = new Set(rows.map((r) => `${r.type}:${Object.values(r.change.key).join('/')}`));
  const brought: StoredChange[] = [];
  const wanted = (kind: ParentKind, changes: SyncChange[], pick: (c: SyncChange) => (string | null | undefined)[]) =>
    [...new Set(changes.flatMap(pick))].filter((id): id is string => !!id && !present.has(`${kind}:${id}`));
  // Scenes first: a brought scene may itself point at a later video.
  const all = () => [...rows, ...brought].map((r) => r.change);
  brought.push(
    ...(await repo.rowsByIds('scene', userId, wanted('scene', all(), (c) => (c.type === 'face' ? [c.row?.sceneId] : c.type === 'scenePerson' && c.row ? [c.key.sceneId] : [])), end)),
  );
  brought.push(...(await repo.rowsByIds('video', userId, wanted('video', all(), (c) => (c.type === 'scene' || c.type === 'segment' || c.type === 'face' ? [c.row?.videoId] : [])), end)));
  brought.push(
    ...(await repo.rowsByIds(
      'person',
      userId,
      wanted('person', all(), (c) =>
        c.type === 'face' ? [c.row?.personId] : c.type === 'scenePerson' && c.row ? [c.key.personId] : c.type === 'neverMerge' && c.row ? [c.key.personA, c.key.personB] : [],
      ),
      end,
    )),
  );
  return brought;
}

/**
 * Deletes tombstones of pushes older than `olderThan` and raises each user's watermark to the last change
 * number purged: a device whose cursor is below it may have missed a deletion, so it is told to start over.
 */
export async function purgeTombstones(db: Db, olderThan: Date): Promise<{ users: number; purged: number }> {
  let users = 0;
  let purged = 0;
  for (const userId of await makeSyncRepo(db).usersWithSync()) {
    purged += await db.transaction(async (tx) => {
      const repo = makeSyncRepo(tx);
      await repo.lockUserState(userId); // not while one of this user's pushes is applying
      const upTo = await repo.lastBatchBefore(userId, olderThan);
      if (upTo === null) return 0;
      users++;
      return repo.purgeTombstones(userId, upTo);
    });
  }
  return { users, purged };
}
