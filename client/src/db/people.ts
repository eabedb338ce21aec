// People: faces grouped into persons, automatically as videos are indexed and by the user's hand.
// Every statement of the people feature lives here, scoped to one user. It runs in the DB worker
// beside api.ts (composed into one API), and stage-writes.ts and videos.ts call the exported helpers
// inside their own transactions, so grouping a video's faces commits together with the FACE_EMBED job.
//
// Invariants kept by every operation:
// - a person's centroid is the mean of its faces' descriptors (pgvector `avg`);
// - scene_people holds exactly the (scene, person) pairs that some face gives;
// - a person left without faces is deleted (a tombstone, `deleted`, for sync); its number is
//   never reused, so "Person 7" stays Person 7;
// - clustering only places faces that are neither placed nor locked, and never merges people:
//   joining two people is the user's decision, refused for a pair marked "never merge".
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import type { faceProfiles, faces, Scene, Video } from '@heimdex/shared-schema';
import { FACE_MATCH_THRESHOLD, FACE_SUGGEST_MERGE_THRESHOLD, faceMatchPercent } from '../ml/faces/distance.ts';
import { personLabel } from '../person-label.ts';
import type { Db, Executor } from './types.ts';

/** Longest name kept: longer is almost surely a paste gone wrong. */
export const MAX_PERSON_NAME = 120;
/** Face crops shown on a person's card. */
const CARD_CROPS = 4;

/** `name` is null while unnamed (shown as "Person {number}"); `number` is stable per user. */
export type PersonSummary = Pick<typeof faceProfiles.$inferSelect, 'personId' | 'name' | 'number' | 'hidden'> & {
  faceCount: number;
  sceneCount: number;
  videoCount: number;
  /** Up to four face crops (JPEG), best detections first. */
  crops: Uint8Array[];
};

/** A face of a person, with the scene and video it is in. */
export type PersonFace = Pick<typeof faces.$inferSelect, 'faceId' | 'crop' | 'score' | 'sceneId' | 'videoId'> &
  Pick<Scene, 'startS' | 'endS'> & {
    /** The user placed this face here (faces.person_locked); clustering leaves it. */
    locked: boolean;
    sceneIdx: Scene['idx'];
    videoTitle: Video['title'];
  };

export type PersonDetail = PersonSummary & {
  faces: PersonFace[];
  /** People the user marked as never to be merged with this one. */
  neverMerge: string[];
};

/**
 * Maybe one person split in two: `personId` looks like `intoId` (their centroids are closer than
 * FACE_SUGGEST_MERGE_THRESHOLD), and merging would move `personId` into `intoId`, the one with a name, else the one
 * with more faces.
 */
export interface MergeSuggestion {
  personId: string;
  intoId: string;
  /** How alike the two profiles are (faceMatchPercent of the centroid distance). */
  percent: number;
}

export type MergeResult = { status: 'merged'; personId: string } | { status: 'refused'; reason: string };

/** A bound uuid[] parameter (drizzle would spread a JS array into a value list). */
const uuids = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** The never-merge row of a pair, stored once with person_a < person_b (uuid order, as Postgres sorts them). */
const pairIs = (x: string, y: string) =>
  sql`person_a = least(${x}::uuid, ${y}::uuid) and person_b = greatest(${x}::uuid, ${y}::uuid)`;

async function rowsOf<T extends Record<string, unknown>>(q: Executor, query: SQL): Promise<T[]> {
  return (await q.execute<T>(query)).rows as T[];
}

/** A new, unnamed person seeded with one face's descriptor; numbered max + 1 over every person the user ever had. */
async function createPersonFromFace(q: Executor, userId: string, faceId: string): Promise<string> {
  const [row] = await rowsOf<{ person_id: string }>(
    q,
    sql`
      insert into face_profiles (user_id, number, face_model, centroid)
      select ${userId}, (select coalesce(max(number), 0) + 1 from face_profiles where user_id = ${userId}),
             f.face_model, f.embedding
      from faces f where f.face_id = ${faceId} and f.user_id = ${userId}
      returning person_id`,
  );
  if (!row) throw new Error('That face no longer exists.');
  return row.person_id;
}

/**
 * Recomputes the centroids of `personIds` from their faces (of the person's face model) and deletes those left
 * without a face (their scene rows and never-merge marks go with them) — unless `keepNamed` and they have a name:
 * a face re-run must not lose a person the user named (face-rerun.ts).
 */
export async function refreshPeople(
  q: Executor,
  userId: string,
  personIds: readonly string[],
  options: { keepNamed?: boolean } = {},
): Promise<void> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return;
  await q.execute(sql`
    update face_profiles p set
      centroid = (select avg(f.embedding) from faces f
                  where f.person_id = p.person_id and f.user_id = ${userId} and not f.deleted
                    and f.face_model is not distinct from p.face_model),
      updated_at = now()
    where p.user_id = ${userId} and p.person_id = any(${uuids(ids)}) and not p.deleted`);
  const keep = options.keepNamed === true ? sql`and p.name is null` : sql``;
  const gone = await rowsOf<{ person_id: string }>(
    q,
    sql`
      update face_profiles p set deleted = true, centroid = null, updated_at = now()
      where p.user_id = ${userId} and p.person_id = any(${uuids(ids)}) and not p.deleted ${keep}
        and not exists (select 1 from faces f where f.person_id = p.person_id and not f.deleted)
      returning person_id`,
  );
  if (gone.length === 0) return;
  const goneIds = uuids(gone.map((g) => g.person_id));
  await q.execute(sql`delete from scene_people where user_id = ${userId} and person_id = any(${goneIds})`);
  await q.execute(sql`
    delete from person_never_merge
    where user_id = ${userId} and (person_a = any(${goneIds}) or person_b = any(${goneIds}))`);
}

/** Makes scene_people of `sceneIds` say exactly who has a face there. */
export async function recomputeScenePeople(q: Executor, userId: string, sceneIds: readonly string[]): Promise<void> {
  const ids = [...new Set(sceneIds)];
  if (ids.length === 0) return;
  await q.execute(sql`delete from scene_people where user_id = ${userId} and scene_id = any(${uuids(ids)})`);
  await q.execute(sql`
    insert into scene_people (scene_id, person_id, user_id)
    select distinct f.scene_id, f.person_id, ${userId}::uuid
    from faces f join face_profiles p on p.person_id = f.person_id and not p.deleted
    where f.user_id = ${userId} and f.scene_id = any(${uuids(ids)}) and not f.deleted
    on conflict do nothing`);
}

/**
 * Removes a video's faces and its scenes' people rows, and returns the people who had faces there: the caller
 * settles them (refreshPeople) once the video's faces are what they will be.
 */
export async function dropVideoFaces(q: Executor, userId: string, videoId: string): Promise<string[]> {
  const affected = await rowsOf<{ person_id: string }>(
    q,
    sql`select distinct person_id from faces where video_id = ${videoId} and user_id = ${userId} and person_id is not null`,
  );
  await q.execute(sql`
    delete from scene_people
    where user_id = ${userId} and scene_id in (select scene_id from scenes where video_id = ${videoId} and user_id = ${userId})`);
  await q.execute(sql`delete from faces where video_id = ${videoId} and user_id = ${userId}`);
  return affected.map((a) => a.person_id);
}

/**
 * Removes a video's faces (with the video, or before its scenes are replaced) and keeps the people right:
 * their centroids lose those faces, people left with none disappear, the scenes lose their people.
 */
export async function forgetVideoFaces(q: Executor, userId: string, videoId: string): Promise<void> {
  await refreshPeople(q, userId, await dropVideoFaces(q, userId, videoId));
}

/**
 * Groups the video's faces that are neither placed nor locked into people, one face at a time in a
 * fixed order (scene, then best detection first), so the result is deterministic: each face joins
 * the person whose centroid is nearest (pgvector `<->`, same face model) when closer than
 * FACE_MATCH_THRESHOLD, else it starts a new person. A person never gets two faces of one scene
 * (one keyframe cannot show someone twice). The joined person's centroid moves at once, so later
 * faces compare against it. Returns how many faces were placed and how many people were created.
 */
export async function clusterVideoFaces(
  q: Executor,
  userId: string,
  videoId: string,
): Promise<{ placed: number; created: number }> {
  const pending = await rowsOf<{ face_id: string; scene_id: string }>(
    q,
    sql`
      select f.face_id, f.scene_id
      from faces f join scenes s on s.scene_id = f.scene_id
      where f.video_id = ${videoId} and f.user_id = ${userId} and not f.deleted
        and f.person_id is null and not f.person_locked
        and f.embedding is not null and f.face_model is not null
      order by s.idx, f.score desc, (f.bbox ->> 'x')::float8, (f.bbox ->> 'y')::float8, f.face_id`,
  );
  let created = 0;
  for (const face of pending) {
    // The distance is computed in the select list only, after the join has kept vectors of the same
    // model and size: two models' vectors are never compared.
    const [nearest] = await rowsOf<{ person_id: string; distance: number }>(
      q,
      sql`
        select p.person_id, (p.centroid <-> f.embedding)::float8 as distance
        from faces f
        join face_profiles p on p.user_id = f.user_id and p.face_model = f.face_model and not p.deleted
          and p.centroid is not null and vector_dims(p.centroid) = vector_dims(f.embedding)
        where f.face_id = ${face.face_id} and f.user_id = ${userId}
          and p.person_id not in (select o.person_id from faces o
                                  where o.scene_id = f.scene_id and o.person_id is not null and o.face_id <> f.face_id)
        order by distance, p.number
        limit 1`,
    );
    let personId: string;
    if (nearest && nearest.distance < FACE_MATCH_THRESHOLD) {
      personId = nearest.person_id;
    } else {
      personId = await createPersonFromFace(q, userId, face.face_id);
      created++;
    }
    await q.execute(sql`update faces set person_id = ${personId}, updated_at = now() where face_id = ${face.face_id} and user_id = ${userId}`);
    // Only gains a face here, so recentring is all refreshPeople would do.
    await q.execute(sql`
      update face_profiles set
        centroid = (select avg(f.embedding) from faces f where f.person_id = ${personId} and f.user_id = ${userId} and not f.deleted),
        updated_at = now()
      where person_id = ${personId} and user_id = ${userId}`);
  }
  const scenes = await rowsOf<{ scene_id: string }>(q, sql`select scene_id from scenes where video_id = ${videoId} and user_id = ${userId}`);
  await recomputeScenePeople(
    q,
    userId,
    scenes.map((s) => s.scene_id),
  );
  return { placed: pending.length, created };
}

interface PersonRow extends Record<string, unknown> {
  person_id: string;
  name: string | null;
  number: number;
  hidden: boolean;
  face_model: string | null;
  deleted: boolean;
}

/** The people repository of one user, for the UI (through the DB worker). */
export function makePeopleRepo(pg: PGlite, userId: string) {
  const db: Db = drizzle(pg);

  async function personOf(q: Executor, personId: string): Promise<PersonRow | null> {
    const [row] = await rowsOf<PersonRow>(
      q,
      sql`select person_id, name, number, hidden, face_model, deleted from face_profiles
          where person_id = ${personId} and user_id = ${userId}`,
    );
    return row && !row.deleted ? row : null;
  }

  async function livePerson(q: Executor, personId: string): Promise<PersonRow> {
    const person = await personOf(q, personId);
    if (!person) throw new Error('This person no longer exists: it may have been merged into someone else.');
    return person;
  }

  async function summaries(personId?: string): Promise<PersonSummary[]> {
    const only = personId === undefined ? sql`` : sql`and p.person_id = ${personId}`;
    const people = await rowsOf<{
      person_id: string;
      name: string | null;
      number: number;
      hidden: boolean;
      face_count: number;
      scene_count: number;
      video_count: number;
    }>(
      db,
      sql`
        select p.person_id, p.name, p.number, p.hidden,
          (select count(*)::int from faces f where f.person_id = p.person_id and not f.deleted) as face_count,
          (select count(*)::int from scene_people sp where sp.person_id = p.person_id) as scene_count,
          (select count(distinct f.video_id)::int from faces f where f.person_id = p.person_id and not f.deleted) as video_count
        from face_profiles p
        where p.user_id = ${userId} and not p.deleted ${only}
        order by scene_count desc, p.number`,
    );
    // Crops in a query of their own: bytea inside an array does not come back as bytes.
    const crops = await rowsOf<{ person_id: string; crop: Uint8Array }>(
      db,
      sql`
        select person_id, crop from (
          select f.person_id, f.crop,
                 row_number() over (partition by f.person_id order by f.score desc, f.face_id) as rank
          from faces f join face_profiles p on p.person_id = f.person_id
          where f.user_id = ${userId} and p.user_id = ${userId} and not p.deleted and not f.deleted
            and f.crop is not null ${only}
        ) ranked
        where rank <= ${CARD_CROPS}
        order by person_id, rank`,
    );
    const cropsOf = new Map<string, Uint8Array[]>();
    for (const c of crops) cropsOf.set(c.person_id, [...(cropsOf.get(c.person_id) ?? []), c.crop]);
    return people.map((p) => ({
      personId: p.person_id,
      name: p.name,
      number: p.number,
      hidden: p.hidden,
      faceCount: p.face_count,
      sceneCount: p.scene_count,
      videoCount: p.video_count,
      crops: cropsOf.get(p.person_id) ?? [],
    }));
  }

  return {
    /** Every person of the user (hidden ones too, flagged), those seen in the most scenes first. */
    async listPeople(): Promise<PersonSummary[]> {
      return summaries();
    },

    /** One person with every face (and where it was seen), or null when gone (merged, emptied). */
    async getPerson(personId: string): Promise<PersonDetail | null> {
      const [summary] = await summaries(personId);
      if (!summary) return null;
      const faces = await rowsOf<{
        face_id: string;
        crop: Uint8Array | null;
        score: number;
        person_locked: boolean;
        scene_id: string;
        idx: number;
        start_s: number;
        end_s: number;
        video_id: string;
        title: string;
      }>(
        db,
        sql`
          select f.face_id, f.crop, f.score::float8 as score, f.person_locked, s.scene_id, s.idx, s.start_s, s.end_s,
                 v.video_id, v.title
          from faces f
          join scenes s on s.scene_id = f.scene_id
          join videos v on v.video_id = f.video_id
          where f.person_id = ${personId} and f.user_id = ${userId} and not f.deleted and not v.deleted
          order by v.created_at, v.video_id, s.idx, f.score desc, f.face_id`,
      );
      const marks = await rowsOf<{ other: string }>(
        db,
        sql`
          select case when person_a = ${personId} then person_b else person_a end as other
          from person_never_merge
          where user_id = ${userId} and (person_a = ${personId} or person_b = ${personId})`,
      );
      return {
        ...summary,
        faces: faces.map((f) => ({
          faceId: f.face_id,
          crop: f.crop ?? null,
          score: f.score,
          locked: f.person_locked,
          sceneId: f.scene_id,
          sceneIdx: f.idx,
          startS: f.start_s,
          endS: f.end_s,
          videoId: f.video_id,
          videoTitle: f.title,
        })),
        neverMerge: marks.map((m) => m.other).sort(),
      };
    },

    /**
     * Pairs of people who may be one person split in two, most alike first: centroids of the same face model
     * closer than FACE_SUGGEST_MERGE_THRESHOLD, neither hidden, not marked "never merge", and never seen together
     * in one scene (one keyframe cannot show someone twice).
     */
    async suggestMerges(): Promise<MergeSuggestion[]> {
      const pairs = await rowsOf<{ a: string; b: string; a_first: boolean; distance: number }>(
        db,
        sql`
          with live as (
            select p.person_id, p.number, p.name is not null as named, p.face_model, p.centroid,
                   (select count(*) from faces f where f.person_id = p.person_id and not f.deleted) as face_count
            from face_profiles p
            where p.user_id = ${userId} and not p.deleted and not p.hidden and p.centroid is not null)
          select a.person_id as a, b.person_id as b, (a.centroid <-> b.centroid)::float8 as distance,
                 (a.named, a.face_count, -a.number) > (b.named, b.face_count, -b.number) as a_first
          from live a join live b on a.person_id < b.person_id and a.face_model = b.face_model
            and vector_dims(a.centroid) = vector_dims(b.centroid)
          where (a.centroid <-> b.centroid) < ${FACE_SUGGEST_MERGE_THRESHOLD}
            and not exists (select 1 from person_never_merge m
                            where m.user_id = ${userId} and m.person_a = a.person_id and m.person_b = b.person_id)
            and not exists (select 1 from scene_people x join scene_people y on y.scene_id = x.scene_id
                            where x.person_id = a.person_id and y.person_id = b.person_id)
          order by distance, a.person_id, b.person_id`,
      );
      return pairs.map((p) => ({
        personId: p.a_first ? p.b : p.a,
        intoId: p.a_first ? p.a : p.b,
        percent: faceMatchPercent(p.distance),
      }));
    },

    /** Names a person; an empty name makes them "Person N" again. */
    async renamePerson(personId: string, name: string): Promise<void> {
      const trimmed = name.replace(/\s+/g, ' ').trim();
      if (trimmed.length > MAX_PERSON_NAME) throw new Error(`A name can be at most ${MAX_PERSON_NAME} characters long.`);
      await livePerson(db, personId);
      await db.execute(sql`
        update face_profiles set name = ${trimmed === '' ? null : trimmed}, updated_at = now()
        where person_id = ${personId} and user_id = ${userId}`);
    },

    /**
     * Merges `fromId` into `intoId`: its faces, scenes and never-merge marks move over and it is
     * deleted. The merged person keeps its own name, or takes the other's when it had none. A pair
     * marked "never merge" is refused (the user removes the mark first).
     */
    async mergePeople(fromId: string, intoId: string): Promise<MergeResult> {
      if (fromId === intoId) return { status: 'refused', reason: 'A person cannot be merged with themselves.' };
      return db.transaction(async (tx) => {
        const from = await livePerson(tx, fromId);
        const into = await livePerson(tx, intoId);
        const [marked] = await rowsOf(tx, sql`select 1 from person_never_merge where user_id = ${userId} and ${pairIs(fromId, intoId)}`);
        if (marked) {
          return {
            status: 'refused',
            reason: `${personLabel(from)} and ${personLabel(into)} are marked as different people. Remove “Never merge” first to merge them.`,
          };
        }
        if (from.face_model !== into.face_model) {
          return { status: 'refused', reason: 'These two were recognised by different face models, so they cannot be merged.' };
        }
        await tx.execute(sql`
          update faces set person_id = ${intoId}, updated_at = now()
          where person_id = ${fromId} and user_id = ${userId}`);
        if (into.name === null && from.name !== null) {
          await tx.execute(sql`update face_profiles set name = ${from.name} where person_id = ${intoId} and user_id = ${userId}`);
        }
        // What the user said about the merged person holds for the person it became.
        await tx.execute(sql`
          insert into person_never_merge (user_id, person_a, person_b)
          select ${userId}::uuid, least(other, ${intoId}::uuid), greatest(other, ${intoId}::uuid)
          from (select case when person_a = ${fromId} then person_b else person_a end as other
                from person_never_merge
                where user_id = ${userId} and (person_a = ${fromId} or person_b = ${fromId})) marks
          where other <> ${intoId}
          on conflict do nothing`);
        await tx.execute(sql`
          insert into scene_people (scene_id, person_id, user_id)
          select scene_id, ${intoId}::uuid, user_id from scene_people where person_id = ${fromId} and user_id = ${userId}
          on conflict do nothing`);
        await refreshPeople(tx, userId, [fromId, intoId]);
        return { status: 'merged', personId: intoId };
      });
    },

    /**
     * Moves one face to another person, or to a new one when `toPersonId` is null (a split). The
     * face is locked there: clustering never moves it again. Returns the person it is now in.
     */
    async moveFace(faceId: string, toPersonId: string | null): Promise<string> {
      return db.transaction(async (tx) => {
        const [face] = await rowsOf<{ person_id: string | null; scene_id: string; face_model: string | null }>(
          tx,
          sql`select person_id, scene_id, face_model from faces where face_id = ${faceId} and user_id = ${userId} and not deleted`,
        );
        if (!face) throw new Error('That face no longer exists: its video may have been deleted or indexed again.');
        let target: string;
        if (toPersonId === null) {
          target = await createPersonFromFace(tx, userId, faceId);
        } else {
          const person = await livePerson(tx, toPersonId);
          if (person.face_model !== face.face_model) {
            throw new Error('This face was recognised by a different face model than that person’s faces.');
          }
          target = toPersonId;
        }
        await tx.execute(sql`
          update faces set person_id = ${target}, person_locked = true, updated_at = now()
          where face_id = ${faceId} and user_id = ${userId}`);
        await refreshPeople(tx, userId, face.person_id ? [face.person_id, target] : [target]);
        await recomputeScenePeople(tx, userId, [face.scene_id]);
        return target;
      });
    },

    /** Hidden people stay out of the People grid (behind "Show hidden") but keep getting their faces. */
    async setPersonHidden(personId: string, hidden: boolean): Promise<void> {
      await livePerson(db, personId);
      await db.execute(sql`
        update face_profiles set hidden = ${hidden}, updated_at = now()
        where person_id = ${personId} and user_id = ${userId}`);
    },

    /** Marks (or unmarks) two people as different: they can then not be merged. */
    async setNeverMerge(personId: string, otherId: string, marked: boolean): Promise<void> {
      if (personId === otherId) throw new Error('A person cannot be kept apart from themselves.');
      if (!marked) {
        await db.execute(sql`delete from person_never_merge where user_id = ${userId} and ${pairIs(personId, otherId)}`);
        return;
      }
      await livePerson(db, personId);
      await livePerson(db, otherId);
      await db.execute(sql`
        insert into person_never_merge (user_id, person_a, person_b)
        values (${userId}, least(${personId}::uuid, ${otherId}::uuid), greatest(${personId}::uuid, ${otherId}::uuid))
        on conflict do nothing`);
    },
  };
}

export type PeopleRepo = ReturnType<typeof makePeopleRepo>;
