// @vitest-environment node
// People on a real in-memory PGlite (pgvector + pg_trgm), fed the way the pipeline feeds it: each
// video goes through its stages with api.ts, FACE_DETECT writes faces and FACE_EMBED groups them.
// Descriptors here are synthetic 128-d vectors with controlled distances (real face-api descriptors
// are tested in people.faces.test.ts).
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACE_MATCH_THRESHOLD, faceMatchPercent } from '../ml/faces/distance.ts';
import { UNDERSTANDING_STAGES, type UnderstandingContext } from '../pipeline/understanding.ts';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { personLabel } from '../person-label.ts';
import { clusterVideoFaces, makePeopleRepo, type PeopleRepo, type PersonSummary } from './people.ts';
import type { SceneFace } from './stage-writes.ts';
import { openTestDatabase } from './testing.ts';

const OTHER_USER_ID = '11111111-2222-4333-8444-555555555555';
const MODEL = 'face-api-test';
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'];
const probe = { durationS: 30, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' };

/**
 * Identity k sits at 0.6 on axis k: two identities are 0.85 apart (far over the 0.42 threshold). A
 * face of k adds `jitter` on axis 100 + variant, so faces of one identity are at most ~0.14 apart.
 */
function descriptor(identity: number, variant = 0, jitter = 0.05): number[] {
  const v = new Array<number>(128).fill(0);
  v[identity] = 0.6;
  v[100 + (variant % 28)] = jitter;
  return v;
}

/** A face in scene `idx`; `score` orders the faces of a scene for clustering (best first). */
const face = (idx: number, vector: number[], score = 0.9): SceneFace => ({
  idx,
  box: { x: 10, y: 10, w: 50, h: 50 },
  score,
  descriptor: vector,
  crop: new Uint8Array([0xff, 0xd8, idx, Math.round(score * 100)]),
});

let pg: PGlite;
let api: DbApi;
let people: PeopleRepo;

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
  people = makePeopleRepo(pg, LOCAL_USER_ID);
});
afterEach(async () => {
  await pg.close();
});

async function runStage(db: DbApi, videoId: string, stage: JobStage, writes: Parameters<DbApi['completeStage']>[2]['writes'] = []) {
  expect(await db.startStage(videoId, stage)).not.toBeNull();
  expect(await db.completeStage(videoId, stage, { outcome: 'done', writes })).toBe(true);
}

/** Imports a video with `sceneCount` 2 s scenes and runs it through FACE_EMBED; returns its id. */
async function indexVideo(name: string, sceneCount: number, faces: SceneFace[], db: DbApi = api): Promise<string> {
  const created = await db.createVideo({ title: name, fileName: `${name}.mp4`, sizeBytes: 1, mime: 'video/mp4', contentSha256: name });
  if (created.status === 'duplicate') throw new Error('duplicate');
  const videoId = created.videoId;
  await db.queueVideo(videoId, STAGES);
  await runStage(db, videoId, 'UPLOAD_VALIDATE', [{ kind: 'probe', probe }]);
  const scenes = Array.from({ length: sceneCount }, (_, idx) => ({ idx, startS: idx * 2, endS: idx * 2 + 2 }));
  await runStage(db, videoId, 'SCENE_DETECT', [{ kind: 'scenes', scenes }]);
  await runStage(db, videoId, 'FACE_DETECT', [{ kind: 'faces', modelId: MODEL, faces }]);
  await runStage(db, videoId, 'FACE_EMBED', [{ kind: 'people' }]);
  await runStage(db, videoId, 'FINALIZE');
  return videoId;
}

const byNumber = (list: PersonSummary[]) => [...list].sort((a, b) => a.number - b.number);
const shape = (list: PersonSummary[]) =>
  byNumber(list).map((p) => ({ label: personLabel(p), faces: p.faceCount, scenes: p.sceneCount, videos: p.videoCount }));

async function scenePeopleRows(userId = LOCAL_USER_ID) {
  const { rows } = await pg.query<{ video: string; idx: number; number: number }>(
    `select v.title as video, s.idx, p.number from scene_people sp
     join scenes s on s.scene_id = sp.scene_id join videos v on v.video_id = s.video_id
     join face_profiles p on p.person_id = sp.person_id
     where sp.user_id = $1 order by v.title, s.idx, p.number`,
    [userId],
  );
  return rows.map((r) => `${r.video}#${r.idx}:P${r.number}`);
}

/** Distance of a person's stored centroid to the mean of `vectors`. */
async function centroidError(personId: string, vectors: number[][]): Promise<number> {
  const mean = vectors[0]!.map((_, i) => vectors.reduce((sum, v) => sum + v[i]!, 0) / vectors.length);
  const { rows } = await pg.query<{ d: number }>(`select (centroid <-> $1::vector)::float8 as d from face_profiles where person_id = $2`, [
    `[${mean.join(',')}]`,
    personId,
  ]);
  return rows[0]!.d;
}

async function personNumbered(n: number): Promise<PersonSummary> {
  const found = (await people.listPeople()).find((p) => p.number === n);
  if (!found) throw new Error(`no Person ${n}`);
  return found;
}

describe('automatic grouping', () => {
  it('puts the same person together across videos and different people apart, incrementally', async () => {
    await indexVideo('one', 2, [face(0, descriptor(1, 0), 0.99), face(0, descriptor(2, 0), 0.8), face(1, descriptor(1, 1))]);
    expect(shape(await people.listPeople())).toEqual([
      { label: 'Person 1', faces: 2, scenes: 2, videos: 1 },
      { label: 'Person 2', faces: 1, scenes: 1, videos: 1 },
    ]);

    await indexVideo('two', 2, [face(0, descriptor(2, 1), 0.95), face(0, descriptor(3, 0), 0.7), face(1, descriptor(1, 2))]);
    expect(shape(await people.listPeople())).toEqual([
      { label: 'Person 1', faces: 3, scenes: 3, videos: 2 },
      { label: 'Person 2', faces: 2, scenes: 2, videos: 2 },
      { label: 'Person 3', faces: 1, scenes: 1, videos: 1 },
    ]);
    expect(await scenePeopleRows()).toEqual(['one#0:P1', 'one#0:P2', 'one#1:P1', 'two#0:P2', 'two#0:P3', 'two#1:P1']);

    const one = await personNumbered(1);
    expect(await centroidError(one.personId, [descriptor(1, 0), descriptor(1, 1), descriptor(1, 2)])).toBeLessThan(1e-5);
    const detail = await people.getPerson(one.personId);
    expect(detail?.faces.map((f) => `${f.videoTitle}#${f.sceneIdx}`)).toEqual(['one#0', 'one#1', 'two#1']);
    expect(detail?.faces.every((f) => !f.locked && f.crop instanceof Uint8Array)).toBe(true);
    // The most-seen person comes first, each with its best crops.
    expect((await people.listPeople()).map((p) => p.number)).toEqual([1, 2, 3]);
    expect(one.crops.length).toBe(3);
  });

  it('uses the calibrated threshold: just under joins, just over starts a new person', async () => {
    const base = descriptor(5, 0, 0);
    const near = [...base];
    near[120] = FACE_MATCH_THRESHOLD - 0.01;
    const far = [...base];
    far[121] = FACE_MATCH_THRESHOLD + 0.01;
    await indexVideo('v', 3, [face(0, base), face(1, near), face(2, far)]);
    // The centroid moved towards `near` after it joined; `far` is even farther from it.
    expect(shape(await people.listPeople())).toEqual([
      { label: 'Person 1', faces: 2, scenes: 2, videos: 1 },
      { label: 'Person 2', faces: 1, scenes: 1, videos: 1 },
    ]);
  });

  it('never gives one person two faces of the same scene', async () => {
    await indexVideo('twins', 1, [face(0, descriptor(4, 0), 0.9), face(0, descriptor(4, 1), 0.8)]);
    expect((await people.listPeople()).map((p) => p.faceCount)).toEqual([1, 1]);
  });

  it('is deterministic: the same input gives the same people and numbers', async () => {
    const faces = [face(0, descriptor(1, 0), 0.7), face(0, descriptor(2, 0), 0.9), face(1, descriptor(2, 3)), face(1, descriptor(6, 0), 0.6)];
    await indexVideo('a', 2, faces);
    const first = shape(await people.listPeople());
    const firstScenes = await scenePeopleRows();
    await pg.close();
    pg = await openTestDatabase();
    api = makeDbApi(pg);
    people = makePeopleRepo(pg, LOCAL_USER_ID);
    await indexVideo('a', 2, faces);
    expect(shape(await people.listPeople())).toEqual(first);
    expect(await scenePeopleRows()).toEqual(firstScenes);
    // Best detection first within a scene: identity 2 (score 0.9) is Person 1.
    expect(firstScenes).toEqual(['a#0:P1', 'a#0:P2', 'a#1:P1', 'a#1:P3']);
  });

  it('keeps hidden people: they still get their faces', async () => {
    await indexVideo('one', 1, [face(0, descriptor(1, 0))]);
    const [person] = await people.listPeople();
    await people.setPersonHidden(person!.personId, true);
    await indexVideo('two', 1, [face(0, descriptor(1, 1))]);
    const [after] = await people.listPeople();
    expect(after).toMatchObject({ personId: person!.personId, hidden: true, faceCount: 2, videoCount: 2 });
  });

  it('groups faces only of the same face model', async () => {
    await indexVideo('one', 1, [face(0, descriptor(1, 0))]);
    const created = await api.createVideo({ title: 'other model', fileName: 'o.mp4', sizeBytes: 1, mime: null, contentSha256: 'o' });
    await api.queueVideo(created.videoId, STAGES);
    await runStage(api, created.videoId, 'UPLOAD_VALIDATE', [{ kind: 'probe', probe }]);
    await runStage(api, created.videoId, 'SCENE_DETECT', [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 2 }] }]);
    await runStage(api, created.videoId, 'FACE_DETECT', [{ kind: 'faces', modelId: 'another-model', faces: [face(0, descriptor(1, 0))] }]);
    await runStage(api, created.videoId, 'FACE_EMBED', [{ kind: 'people' }]);
    expect((await people.listPeople()).map((p) => p.faceCount)).toEqual([1, 1]);
  });
});

describe('never merge', () => {
  it('is respected: a face close to both goes to the nearer, the two stay apart, and a merge is refused', async () => {
    // Two people 0.5 apart (over the threshold, so two people); a third face lies 0.2 from A, 0.3 from B.
    const a = descriptor(7, 0, 0);
    const b = [...a];
    b[110] = 0.5;
    const between = [...a];
    between[110] = 0.2;
    await indexVideo('one', 2, [face(0, a), face(1, b)]);
    const [p1, p2] = byNumber(await people.listPeople());
    await people.setNeverMerge(p2!.personId, p1!.personId, true);
    // Stored once, smaller id first.
    const { rows } = await pg.query<{ person_a: string; person_b: string }>('select person_a, person_b from person_never_merge');
    expect(rows).toEqual([{ person_a: [p1!.personId, p2!.personId].sort()[0], person_b: [p1!.personId, p2!.personId].sort()[1] }]);
    await people.setNeverMerge(p1!.personId, p2!.personId, true); // idempotent
    expect((await pg.query('select * from person_never_merge')).rows).toHaveLength(1);

    await indexVideo('two', 1, [face(0, between)]);
    expect(shape(await people.listPeople())).toEqual([
      { label: 'Person 1', faces: 2, scenes: 2, videos: 2 },
      { label: 'Person 2', faces: 1, scenes: 1, videos: 1 },
    ]);
    expect((await people.getPerson(p1!.personId))?.neverMerge).toEqual([p2!.personId]);

    const refused = await people.mergePeople(p2!.personId, p1!.personId);
    expect(refused).toEqual({
      status: 'refused',
      reason: 'Person 2 and Person 1 are marked as different people. Remove “Never merge” first to merge them.',
    });
    expect(await people.listPeople()).toHaveLength(2);

    await people.setNeverMerge(p1!.personId, p2!.personId, false);
    expect(await people.mergePeople(p2!.personId, p1!.personId)).toEqual({ status: 'merged', personId: p1!.personId });
    expect(shape(await people.listPeople())).toEqual([{ label: 'Person 1', faces: 3, scenes: 3, videos: 2 }]);
  });
});

describe('merge suggestions', () => {
  it('asks about people whose profiles are close ("Is this Ada?"), never about strangers, people seen together or marked apart', async () => {
    // Identity 7 split in two (0.45 apart: over the grouping threshold, under FACE_SUGGEST_MERGE_THRESHOLD);
    // identity 8 is far from both; two faces of identity 9's look-alikes share a scene.
    const a = descriptor(7, 0, 0);
    const split = [...a];
    split[110] = 0.45;
    const twin = descriptor(9, 0, 0);
    const twinLike = [...twin];
    twinLike[111] = 0.45;
    await indexVideo('one', 3, [face(0, a), face(1, a), face(2, descriptor(8))]);
    await indexVideo('two', 2, [face(0, split), face(1, twin), face(1, twinLike, 0.8)]);
    const [p1, p2, p3, p4, p5] = byNumber(await people.listPeople());
    expect([p1, p2, p3, p4, p5].map((p) => p?.faceCount)).toEqual([2, 1, 1, 1, 1]);
    await people.renamePerson(p1!.personId, 'Ada');

    // Person 3 (the split face) is asked about as Ada, the one with a name (and more faces).
    const suggestions = await people.suggestMerges();
    expect(suggestions).toEqual([{ personId: p3!.personId, intoId: p1!.personId, percent: faceMatchPercent(0.45) }]);

    await people.setNeverMerge(p3!.personId, p1!.personId, true);
    expect(await people.suggestMerges()).toEqual([]);
    await people.setNeverMerge(p3!.personId, p1!.personId, false);
    await people.setPersonHidden(p3!.personId, true);
    expect(await people.suggestMerges()).toEqual([]);
    await people.setPersonHidden(p3!.personId, false);
    expect(await people.mergePeople(p3!.personId, p1!.personId)).toEqual({ status: 'merged', personId: p1!.personId });
    expect(await people.suggestMerges()).toEqual([]);
  });
});

describe('what the user does', () => {
  it('renames, and an empty name makes the person "Person N" again', async () => {
    await indexVideo('one', 1, [face(0, descriptor(1, 0))]);
    const [person] = await people.listPeople();
    await people.renamePerson(person!.personId, '  Alice   Smith ');
    expect((await people.getPerson(person!.personId))?.name).toBe('Alice Smith');
    const { rows } = await pg.query<{ name: string }>('select name from face_profiles where person_id = $1', [person!.personId]);
    expect(rows[0]!.name).toBe('Alice Smith'); // what `person:Alice` search resolves against
    await people.renamePerson(person!.personId, '   ');
    const renamed = await people.getPerson(person!.personId);
    expect(renamed?.name).toBeNull();
    expect(personLabel(renamed!)).toBe('Person 1');
    await expect(people.renamePerson(person!.personId, 'x'.repeat(121))).rejects.toThrow('at most 120 characters');
  });

  it('names the people of each scene for the Video page: named first, hidden people left out', async () => {
    const videoId = await indexVideo('one', 2, [face(0, descriptor(1, 0), 0.99), face(0, descriptor(2, 0), 0.8), face(1, descriptor(3, 0))]);
    const [first, second, third] = byNumber(await people.listPeople());
    await people.renamePerson(second!.personId, 'Bea');
    await people.setPersonHidden(third!.personId, true);
    const scenes = await api.listScenes(videoId);
    expect(scenes.map((s) => s.people.map((p) => p.name))).toEqual([['Bea', 'Person 1'], []]);
    expect(scenes[0]!.people.map((p) => p.personId)).toEqual([second!.personId, first!.personId]);
  });

  it('merges A into B: faces move, scenes are not counted twice, A is gone, its name and marks carry over', async () => {
    // Person 1 and Person 2 share scene 0; Person 3 is marked never-merge with Person 1.
    await indexVideo('one', 2, [face(0, descriptor(1, 0), 0.9), face(0, descriptor(2, 0), 0.8), face(1, descriptor(1, 1)), face(1, descriptor(3, 0), 0.5)]);
    const [p1, p2, p3] = byNumber(await people.listPeople());
    await people.renamePerson(p1!.personId, 'Alice');
    await people.setNeverMerge(p1!.personId, p3!.personId, true);

    expect(await people.mergePeople(p1!.personId, p2!.personId)).toEqual({ status: 'merged', personId: p2!.personId });
    expect(await people.getPerson(p1!.personId)).toBeNull();
    const merged = await people.getPerson(p2!.personId);
    expect(merged).toMatchObject({ name: 'Alice', number: 2, faceCount: 3, sceneCount: 2, neverMerge: [p3!.personId] });
    expect(await scenePeopleRows()).toEqual(['one#0:P2', 'one#1:P2', 'one#1:P3']);
    expect(await centroidError(p2!.personId, [descriptor(1, 0), descriptor(2, 0), descriptor(1, 1)])).toBeLessThan(1e-5);
    // The merged person's tombstone stays for sync; its marks and scenes went with it.
    const { rows } = await pg.query<{ deleted: boolean }>('select deleted from face_profiles where person_id = $1', [p1!.personId]);
    expect(rows).toEqual([{ deleted: true }]);
    await expect(people.renamePerson(p1!.personId, 'Ghost')).rejects.toThrow('no longer exists');
    expect(await people.mergePeople(p2!.personId, p2!.personId)).toMatchObject({ status: 'refused' });
  });

  it('moves a face to another person or a new one; moved faces stay put when faces are grouped again', async () => {
    await indexVideo('one', 3, [face(0, descriptor(1, 0)), face(1, descriptor(1, 1)), face(2, descriptor(2, 0))]);
    const [p1, p2] = byNumber(await people.listPeople());
    const faceIds = (await people.getPerson(p1!.personId))!.faces.map((f) => f.faceId);

    // Split: the second face of Person 1 becomes a new person.
    const split = await people.moveFace(faceIds[1]!, null);
    expect((await people.getPerson(split))).toMatchObject({ number: 3, faceCount: 1 });
    expect((await people.getPerson(split))!.faces[0]).toMatchObject({ faceId: faceIds[1], locked: true });
    expect(await centroidError(p1!.personId, [descriptor(1, 0)])).toBeLessThan(1e-5);
    expect(await centroidError(split, [descriptor(1, 1)])).toBeLessThan(1e-5);

    // Move: the first face goes to Person 2; Person 1, now empty, disappears.
    expect(await people.moveFace(faceIds[0]!, p2!.personId)).toBe(p2!.personId);
    expect(await people.getPerson(p1!.personId)).toBeNull();
    expect(await scenePeopleRows()).toEqual(['one#0:P2', 'one#1:P3', 'one#2:P2']);
    expect(await centroidError(p2!.personId, [descriptor(1, 0), descriptor(2, 0)])).toBeLessThan(1e-5);

    // Grouping the video again (and a new video with this identity) leaves the locked faces where the user put them.
    const videoId = (await api.listVideos())[0]!.videoId;
    expect(await clusterVideoFaces(drizzle(pg), LOCAL_USER_ID, videoId)).toEqual({ placed: 0, created: 0 });
    await indexVideo('two', 1, [face(0, descriptor(1, 2))]);
    // The new face is nearest the split-off face, so it joins that person.
    expect((await people.getPerson(split))!.faces.map((f) => [f.faceId === faceIds[1], f.videoTitle, f.locked])).toEqual([
      [true, 'one', true],
      [false, 'two', false],
    ]);
    expect((await people.getPerson(p2!.personId))!.faces.map((f) => f.faceId)).toContain(faceIds[0]);
    await expect(people.moveFace('00000000-0000-4000-8000-00000000abcd', null)).rejects.toThrow('no longer exists');
  });
});

describe('keeping people right when faces go', () => {
  it('deleting a video removes the people seen only in it and recentres the others', async () => {
    await indexVideo('one', 2, [face(0, descriptor(1, 0)), face(1, descriptor(2, 0))]);
    await indexVideo('two', 1, [face(0, descriptor(1, 3))]);
    const [alice, bob] = byNumber(await people.listPeople());
    await people.renamePerson(bob!.personId, 'Bob');
    await people.setNeverMerge(alice!.personId, bob!.personId, true);

    const one = (await api.listVideos()).find((v) => v.title === 'one')!.videoId;
    expect(await api.deleteVideo(one)).toBe(true);
    expect(shape(await people.listPeople())).toEqual([{ label: 'Person 1', faces: 1, scenes: 1, videos: 1 }]);
    expect(await people.getPerson(bob!.personId)).toBeNull();
    expect(await centroidError(alice!.personId, [descriptor(1, 3)])).toBeLessThan(1e-5);
    expect((await pg.query('select * from person_never_merge')).rows).toEqual([]);
    expect(await scenePeopleRows()).toEqual(['two#0:P1']);

    // Numbers are never reused: the next new person is Person 3, not Person 2.
    await indexVideo('three', 1, [face(0, descriptor(9, 0))]);
    expect(byNumber(await people.listPeople()).map((p) => p.number)).toEqual([1, 3]);
  });

  it('finding faces again replaces the old faces; a face found where one was keeps its person (face-rerun.ts)', async () => {
    const videoId = await indexVideo('one', 2, [face(0, descriptor(1, 0)), face(1, descriptor(2, 0))]);
    // Run FACE_DETECT and FACE_EMBED again, as a re-index of a filled-in model would.
    await pg.query(`update jobs set state = 'PENDING' where video_id = $1 and stage in ('FACE_DETECT', 'FACE_EMBED', 'FINALIZE')`, [videoId]);
    await pg.query(`update videos set state = 'PROCESSING' where video_id = $1`, [videoId]);
    await runStage(api, videoId, 'FACE_DETECT', [{ kind: 'faces', modelId: MODEL, faces: [face(1, descriptor(2, 1))] }]);
    // The face of scene 1 is where it was: Person 2 keeps it at once; Person 1, unnamed and with no face left, is gone.
    expect(await scenePeopleRows()).toEqual(['one#1:P2']);
    expect(shape(await people.listPeople())).toEqual([{ label: 'Person 2', faces: 1, scenes: 1, videos: 1 }]);
    await runStage(api, videoId, 'FACE_EMBED', [{ kind: 'people' }]);
    expect(shape(await people.listPeople())).toEqual([{ label: 'Person 2', faces: 1, scenes: 1, videos: 1 }]);
    expect(await scenePeopleRows()).toEqual(['one#1:P2']);
  });
});

describe('the FACE_EMBED stage', () => {
  const stage = UNDERSTANDING_STAGES.find((s) => s.stage === 'FACE_EMBED')!;
  const contextFor = (videoId: string) => ({ videoId, reads: api }) as unknown as UnderstandingContext;

  it('is skipped (fillable) when faces were not looked for, and Re-index then groups them', async () => {
    const created = await api.createVideo({ title: 'v', fileName: 'v.mp4', sizeBytes: 1, mime: null, contentSha256: 'v' });
    const videoId = created.videoId;
    await api.queueVideo(videoId, STAGES);
    await runStage(api, videoId, 'UPLOAD_VALIDATE', [{ kind: 'probe', probe }]);
    await runStage(api, videoId, 'SCENE_DETECT', [{ kind: 'scenes', scenes: [{ idx: 0, startS: 0, endS: 2 }] }]);
    await api.startStage(videoId, 'FACE_DETECT');
    await api.completeStage(videoId, 'FACE_DETECT', { outcome: 'skipped', reason: 'The faces model is not installed.', fillable: true });

    await api.startStage(videoId, 'FACE_EMBED');
    const skipped = await stage.run(contextFor(videoId));
    expect(skipped).toEqual({ status: 'skipped', reason: 'The faces model is not installed.', fillable: true });
    await api.completeStage(videoId, 'FACE_EMBED', { outcome: 'skipped', reason: 'The faces model is not installed.', fillable: true });
    await runStage(api, videoId, 'FINALIZE');

    expect(await api.reindexVideo(videoId, STAGES)).toBe(2);
    await runStage(api, videoId, 'FACE_DETECT', [{ kind: 'faces', modelId: MODEL, faces: [face(0, descriptor(1, 0))] }]);
    await api.startStage(videoId, 'FACE_EMBED');
    const done = await stage.run(contextFor(videoId));
    expect(done).toEqual({ status: 'done', writes: [{ kind: 'people' }] });
    await api.completeStage(videoId, 'FACE_EMBED', { outcome: 'done', writes: done.status === 'done' ? done.writes : [] });
    expect(shape(await people.listPeople())).toEqual([{ label: 'Person 1', faces: 1, scenes: 1, videos: 1 }]);
  });
});

describe('user scoping', () => {
  it('keeps each user’s people to themselves', async () => {
    await indexVideo('mine', 1, [face(0, descriptor(1, 0))]);
    const otherApi = makeDbApi(pg, OTHER_USER_ID);
    const otherPeople = makePeopleRepo(pg, OTHER_USER_ID);
    await indexVideo('theirs', 1, [face(0, descriptor(1, 1))], otherApi);

    const [mine] = await people.listPeople();
    const [theirs] = await otherPeople.listPeople();
    expect(mine).toMatchObject({ number: 1, faceCount: 1 });
    expect(theirs).toMatchObject({ number: 1, faceCount: 1 }); // numbered per user, not joined to my Person 1
    expect(theirs!.personId).not.toBe(mine!.personId);

    expect(await otherPeople.getPerson(mine!.personId)).toBeNull();
    await expect(otherPeople.renamePerson(mine!.personId, 'Mallory')).rejects.toThrow('no longer exists');
    await expect(otherPeople.setPersonHidden(mine!.personId, true)).rejects.toThrow('no longer exists');
    await expect(otherPeople.mergePeople(mine!.personId, theirs!.personId)).rejects.toThrow('no longer exists');
    await expect(otherPeople.setNeverMerge(mine!.personId, theirs!.personId, true)).rejects.toThrow('no longer exists');
    const myFace = (await people.getPerson(mine!.personId))!.faces[0]!.faceId;
    await expect(otherPeople.moveFace(myFace, theirs!.personId)).rejects.toThrow('no longer exists');
    expect(await people.getPerson(mine!.personId)).toMatchObject({ name: null, hidden: false, faceCount: 1 });
    expect(await scenePeopleRows(OTHER_USER_ID)).toEqual(['theirs#0:P1']);
  });
});
