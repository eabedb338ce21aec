// Applying one push batch (the Replicache rule): a batch already applied is answered as applied and skipped; one
// from the future is refused with the number expected; otherwise every change merges last-writer-wins, each
// written change takes the user's next server_seq, and the device's batch number advances — all in one
// transaction, so a push cut anywhere leaves nothing behind and its retry applies it whole.
import type { BatchGapResponse, PushRequest, PushResponse, SyncChange } from '@heimdex/shared-schema/protocol';
import { makeAuthRepo } from '../auth/repository.ts';
import type { Db } from '../db/types.ts';
import { refuse } from './errors.ts';
import { compareHlc, hlcAheadOf, KIND_RANK, keyText, kindOf, MAX_CLOCK_DRIFT_MS, type ParentKind } from '@heimdex/shared-schema/sync';
import type { QuotaCheck } from './quota.ts';
import { keyOf, makeSyncRepo } from './repository.ts';

export interface PushContext {
  userId: string;
  ip: string | null;
  checkQuota: QuotaCheck;
  now?: () => number;
}

export async function applyPush(db: Db, request: PushRequest, ctx: PushContext): Promise<PushResponse | BatchGapResponse> {
  refuseClocksAhead(request.changes, (ctx.now ?? Date.now)());
  return db.transaction(async (tx) => {
    const repo = makeSyncRepo(tx);
    const { userId } = ctx;
    const { deviceId, batchSeq } = request;
    const state = await repo.lockUserState(userId); // one push at a time per user, across server instances
    const device = await repo.lockDevice(userId, deviceId);
    if (!device) throw refuse(404, { type: 'unknown-device', error: 'This device is not registered with your account. Register it again.' });
    if (batchSeq <= device.lastBatchSeq) {
      await repo.touchDevice(userId, deviceId);
      return { type: 'applied', batchSeq, duplicate: true, applied: 0, ignored: 0, dropped: [] } satisfies PushResponse;
    }
    if (batchSeq > device.lastBatchSeq + 1) {
      const expectedBatchSeq = device.lastBatchSeq + 1;
      return { type: 'batch-gap', error: `Batch ${batchSeq} arrived before batch ${expectedBatchSeq}: send ${expectedBatchSeq} first.`, expectedBatchSeq } satisfies BatchGapResponse;
    }

    const changes = latestPerRow(request.changes);
    const existing = await checkOwnership(repo, userId, changes);
    const { kept, dropped } = keepChangesWithParents(changes, existing);
    const addedScenes = kept.filter((c) => c.type === 'scene' && c.row !== null && !existing.scene.has(c.key.sceneId)).length;
    await ctx.checkQuota(tx, userId, { addedScenes });

    // The user's lock (above) keeps every other push and purge of this user out until commit, so the stamps read
    // here are the ones the writes meet: the winners are known before writing, and each gets the next number.
    const winners = await newerThanHeld(repo, userId, applyOrder(kept));
    const firstSeq = state.nextServerSeq;
    let nextSeq = firstSeq;
    for (const group of byKindInOrder(winners)) {
      const stamped = group.map((change) => ({ change, serverSeq: nextSeq++ }));
      const written = await repo.writeChanges(kindOf(group[0]!.type), userId, stamped);
      // Fewer rows written than won: another account created one of these ids since the ownership check.
      if (written !== stamped.length) throw notYours();
    }
    const applied = winners.length;
    await repo.finishBatch({ userId, deviceId, batchSeq, firstSeq, nextSeq });
    const answer: PushResponse = { type: 'applied', batchSeq, duplicate: false, applied, ignored: kept.length - applied, dropped };
    await makeAuthRepo(tx).audit({
      userId,
      action: 'sync_push',
      ip: ctx.ip,
      metadata: { deviceId, batchSeq, changes: request.changes.length, applied, ignored: answer.ignored, dropped: dropped.length },
    });
    return answer;
  });
}

const notYours = () => refuse(403, { type: 'not-yours', error: 'This batch changes rows that are not in your library. Nothing was applied.' });

/**
 * The changes that win last-writer-wins against the rows this user holds (in the order given): an upsert wins
 * over no row or an older stamp; a tombstone only over a row held with an older stamp (a tombstone for a row the
 * server never had changes nothing: no other device can hold that row).
 */
async function newerThanHeld(repo: ReturnType<typeof makeSyncRepo>, userId: string, changes: SyncChange[]): Promise<SyncChange[]> {
  const held = new Map<SyncChange['type'], Map<string, string | null>>();
  for (const type of new Set(changes.map((c) => c.type))) {
    const kind = kindOf(type);
    held.set(type, await repo.heldStamps(kind, userId, changes.filter((c) => c.type === type).map((c) => c.key as Record<string, string>)));
  }
  return changes.filter((change) => {
    const kind = kindOf(change.type);
    const key = keyOf(kind, change.key as Record<string, string>);
    const stamps = held.get(change.type)!;
    if (!stamps.has(key)) return change.row !== null;
    const stamp = stamps.get(key)!;
    return stamp === null || compareHlc(stamp, change.hlc) < 0;
  });
}

/** Consecutive changes of one kind and one sort (tombstones or rows): each group is written in one go. */
function byKindInOrder(changes: SyncChange[]): SyncChange[][] {
  const groups: SyncChange[][] = [];
  for (const change of changes) {
    const last = groups.at(-1)?.[0];
    if (last && last.type === change.type && (last.row === null) === (change.row === null)) groups.at(-1)!.push(change);
    else groups.push([change]);
  }
  return groups;
}

/** A stamp from a clock far ahead would win every merge for as long as it is ahead: refuse the batch. */
function refuseClocksAhead(changes: SyncChange[], now: number) {
  changes.forEach((change, i) => {
    const ahead = hlcAheadOf(change.hlc, now);
    if (ahead > MAX_CLOCK_DRIFT_MS) {
      const minutes = Math.round(ahead / 60_000);
      throw refuse(400, {
        type: 'clock-ahead',
        error: `changes.${i}.hlc is ${minutes} minutes ahead of the server's clock: check this device's date and time.`,
        field: `changes.${i}.hlc`,
      });
    }
  });
}

/** Inside one batch the same row may change several times: only its latest change counts (LWW, in batch too). */
function latestPerRow(changes: SyncChange[]): SyncChange[] {
  const latest = new Map<string, SyncChange>();
  for (const change of changes) {
    const key = keyText(change);
    const held = latest.get(key);
    if (!held || held.hlc < change.hlc) latest.set(key, change);
  }
  return [...latest.values()];
}

type Existing = Record<ParentKind | 'segment' | 'face', Set<string>>;

/**
 * Every id the batch names — its rows and the rows they point at — must be this user's or nobody's. One owned
 * by another account refuses the whole batch: it is never overwritten, and the answer does not say whose it is.
 * Returns the ids that already exist for this user.
 */
async function checkOwnership(repo: ReturnType<typeof makeSyncRepo>, userId: string, changes: SyncChange[]): Promise<Existing> {
  const named: Record<keyof Existing, Set<string>> = { video: new Set(), scene: new Set(), person: new Set(), segment: new Set(), face: new Set() };
  for (const change of changes) {
    if (change.type === 'video') named.video.add(change.key.videoId);
    if (change.type === 'scene') named.scene.add(change.key.sceneId);
    if (change.type === 'person') named.person.add(change.key.personId);
    if (change.type === 'segment') named.segment.add(change.key.segmentId);
    if (change.type === 'face') named.face.add(change.key.faceId);
    for (const parent of kindOf(change.type).parents(change as never)) named[parent.kind].add(parent.id);
  }
  const existing = {} as Existing;
  for (const kind of Object.keys(named) as (keyof Existing)[]) {
    const owners = await repo.ownersOf(kind, [...named[kind]]);
    if ([...owners.values()].some((owner) => owner !== userId)) throw notYours();
    existing[kind] = new Set(owners.keys());
  }
  return existing;
}

/**
 * A row whose parent (video, scene, person) is neither on the server nor created by this batch cannot be stored:
 * it is left out and reported, and the rest applies (one orphan never blocks a device's outbox).
 */
function keepChangesWithParents(changes: SyncChange[], existing: Existing) {
  const available: Record<ParentKind, Set<string>> = { video: new Set(existing.video), scene: new Set(existing.scene), person: new Set(existing.person) };
  const kept: SyncChange[] = [];
  const dropped: PushResponse['dropped'] = [];
  for (const change of [...changes].sort(byKindRank)) {
    if (change.row !== null) {
      const missing = kindOf(change.type)
        .parents(change as never)
        .some((p) => !available[p.kind].has(p.id));
      if (missing) {
        dropped.push({ type: change.type, key: change.key, reason: 'parent-missing' });
        continue;
      }
      if (change.type === 'video') available.video.add(change.key.videoId);
      if (change.type === 'scene') available.scene.add(change.key.sceneId);
      if (change.type === 'person') available.person.add(change.key.personId);
    }
    kept.push(change);
  }
  return { kept, dropped };
}

const byKindRank = (a: SyncChange, b: SyncChange) => KIND_RANK.get(a.type)! - KIND_RANK.get(b.type)!;

/**
 * Deletions first (a re-indexed video's old scenes free their positions for the new ones), then writes parents
 * before children, so foreign keys hold at every statement.
 */
function applyOrder(changes: SyncChange[]): SyncChange[] {
  return [...changes.filter((c) => c.row === null), ...changes.filter((c) => c.row !== null).sort(byKindRank)];
}
