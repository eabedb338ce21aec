// Face detection run again on a video (a face model change, a forced re-index) replaces its faces, but what the
// person did with them stays: each new face found in the same scene where an old face was (boxes overlapping by
// FACE_CARRY_MIN_IOU or more) takes that face's person, and its lock when the user had placed it by hand. Names,
// merges (faces already in the merged person), hidden people and "never merge" marks live on the people, which
// survive: a named person is kept even when no face of theirs is found any more. New faces matched to nobody are
// grouped by clustering afterwards (the 'people' write), as on a first run.
import type { faces as facesTable } from '@heimdex/shared-schema';
import { sql } from 'drizzle-orm';
import { refreshPeople } from './people.ts';
import type { Executor } from './types.ts';

type Box = (typeof facesTable.$inferSelect)['bbox'];

/**
 * Overlap (intersection over union) at which a new box is taken for the same face as an old one. 0.5 is the usual
 * detection-matching criterion (PASCAL VOC): the same detector on the same keyframe gives ~1.0; two detectors framing
 * the same face (chin to brow versus hairline) still overlap 0.6–0.8, while two faces side by side in one keyframe
 * barely overlap at all — a face whose box overlaps another's by half would have to be mostly hidden behind it.
 */
export const FACE_CARRY_MIN_IOU = 0.5;

/** Intersection over union of two boxes (0 when they do not touch). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

export interface PlacedBox {
  sceneId: string;
  box: Box;
}

/**
 * Pairs new faces with old ones of the same scene, best overlap first, each face in at most one pair, none under
 * `minIou`. Returns for each new face (by position) the position of its old face, or undefined.
 */
export function matchFaces(old: readonly PlacedBox[], found: readonly PlacedBox[], minIou = FACE_CARRY_MIN_IOU): (number | undefined)[] {
  const pairs: { o: number; n: number; overlap: number }[] = [];
  found.forEach((f, n) =>
    old.forEach((o, i) => {
      if (o.sceneId !== f.sceneId) return;
      const overlap = iou(o.box, f.box);
      if (overlap >= minIou) pairs.push({ o: i, n, overlap });
    }),
  );
  pairs.sort((a, b) => b.overlap - a.overlap || a.n - b.n || a.o - b.o);
  const match: (number | undefined)[] = found.map(() => undefined);
  const taken = new Set<number>();
  for (const { o, n } of pairs) {
    if (match[n] !== undefined || taken.has(o)) continue;
    match[n] = o;
    taken.add(o);
  }
  return match;
}

export interface OldFace extends PlacedBox {
  personId: string | null;
  locked: boolean;
}

/** The video's faces as they are before a re-run: where each is, and whom the user or clustering gave it to. */
export async function facesBeforeRerun(q: Executor, userId: string, videoId: string): Promise<OldFace[]> {
  const rows = await q.execute<{ scene_id: string; bbox: Box; person_id: string | null; person_locked: boolean }>(sql`
    select scene_id, bbox, person_id, person_locked from faces
    where video_id = ${videoId} and user_id = ${userId} and not deleted`);
  return rows.rows.map((r) => ({ sceneId: r.scene_id, box: r.bbox, personId: r.person_id, locked: r.person_locked }));
}

/** What each new face inherits from the old face it matches: its person and lock, else nothing. */
export function carriedPeople(old: readonly OldFace[], found: readonly PlacedBox[]): { personId: string | null; locked: boolean }[] {
  return matchFaces(old, found).map((i) => {
    const before = i === undefined ? undefined : old[i];
    return before?.personId ? { personId: before.personId, locked: before.locked } : { personId: null, locked: false };
  });
}

/**
 * After the new faces are stored: the people who had faces here or received some take the new model when all
 * their faces are of it (a model change), get their centroids again, and those left with no face go unless named.
 */
export async function settlePeopleAfterRerun(q: Executor, userId: string, modelId: string, personIds: readonly string[]): Promise<void> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return;
  await q.execute(sql`
    update face_profiles p set face_model = ${modelId}, updated_at = now()
    where p.user_id = ${userId} and p.person_id = any(${`{${ids.join(',')}}`}::uuid[]) and not p.deleted
      and p.face_model is distinct from ${modelId}
      and exists (select 1 from faces f where f.person_id = p.person_id and not f.deleted)
      and not exists (select 1 from faces f where f.person_id = p.person_id and not f.deleted
                      and f.face_model is distinct from ${modelId})`);
  await refreshPeople(q, userId, ids, { keepNamed: true });
}
