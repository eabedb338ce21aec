// @vitest-environment node
// Face detection run again on an indexed video keeps what the person did: names, a face moved by hand, a merge,
// a hidden person, a "never merge" mark — and a named person whose face is not found any more. Real PGlite;
// the faces are synthetic (boxes and 128-d descriptors of the test's own), written as FACE_DETECT writes them.
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID, makeDbApi, type DbApi } from './api.ts';
import { FACE_CARRY_MIN_IOU, iou, matchFaces } from './face-rerun.ts';
import { requeueStages } from './jobs.ts';
import { makePeopleRepo, type PeopleRepo } from './people.ts';
import type { SceneFace } from './stage-writes.ts';
import { openTestDatabase } from './testing.ts';
import { probe, threeScenes, videoSteps } from './testing-steps.ts';

const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'];
const FACE_RERUN: JobStage[] = ['FACE_DETECT', 'FACE_EMBED', 'FINALIZE'];

let pg: PGlite;
let api: DbApi;
let people: PeopleRepo;
const { importVideo, runStage } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
  people = makePeopleRepo(pg, LOCAL_USER_ID);
});
afterEach(async () => {
  await pg.close();
});

/** A descriptor near axis `who` (one per person; two people are ~1.41 apart, one person's faces ~0.05). */
function descriptor(who: number, jitter: number): number[] {
  const v = Array.from({ length: 128 }, () => 0);
  v[who] = 1;
  v[100 + (jitter % 20)] = 0.05;
  return v;
}

/** A face of person `who` in scene `idx` at box x/y (80 px square), moved by `shift` px. */
const face = (idx: number, who: number, x: number, y: number, shift = 0, jitter = 0): SceneFace => ({
  idx,
  box: { x: x + shift, y: y + shift, w: 80 + shift, h: 80 },
  score: 0.9,
  descriptor: descriptor(who, jitter),
  crop: null,
});

// Alice (0) in scenes 0 and 1, Bob (1) in 0 and 2, Carol (2) in 1, Dan (3) and Eve (4) in 2.
const firstRun = (shift = 0, jitter = 0, withEve = true) => [
  face(0, 0, 100, 100, shift, jitter),
  face(0, 1, 400, 100, shift, jitter),
  face(1, 0, 120, 90, shift, jitter),
  face(1, 2, 350, 120, shift, jitter),
  face(2, 1, 90, 100, shift, jitter),
  face(2, 3, 300, 300, shift, jitter),
  ...(withEve ? [face(2, 4, 600, 50, shift, jitter)] : []),
];

async function detectFaces(videoId: string, faces: SceneFace[], modelId = 'face-api') {
  await runStage(videoId, 'FACE_DETECT', { outcome: 'done', writes: [{ kind: 'faces', modelId, faces }] });
  await runStage(videoId, 'FACE_EMBED', { outcome: 'done', writes: [{ kind: 'people' }] });
  await runStage(videoId, 'FINALIZE');
}

/** Whose face is at scene `idx`, box x (before any shift): the person's id. */
async function personAt(idx: number, x: number): Promise<string> {
  const rows = await pg.query<{ person_id: string }>(
    `select f.person_id from faces f join scenes s on s.scene_id = f.scene_id
     where s.idx = $1 and not s.deleted and abs((f.bbox->>'x')::float8 - $2) < 10`,
    [idx, x],
  );
  expect(rows.rows).toHaveLength(1);
  return rows.rows[0]!.person_id;
}

async function forceFaceRerun(videoId: string) {
  await drizzle(pg).transaction((tx) => requeueStages(tx, LOCAL_USER_ID, videoId, FACE_RERUN));
}

describe('face re-run', () => {
  it('matches boxes by overlap within a scene, best first, one to one', () => {
    const box = (x: number) => ({ x, y: 0, w: 100, h: 100 });
    expect(iou(box(0), box(0))).toBe(1);
    expect(iou(box(0), box(50))).toBeCloseTo(50 / 150);
    expect(iou(box(0), box(200))).toBe(0);
    const old = [
      { sceneId: 's1', box: box(0) },
      { sceneId: 's1', box: box(20) },
      { sceneId: 's2', box: box(0) },
    ];
    // The new face at 18 overlaps both old faces of s1: it takes the closer (20), the one at 2 takes the other.
    const found = [
      { sceneId: 's1', box: box(18) },
      { sceneId: 's1', box: box(2) },
      { sceneId: 's2', box: box(60) }, // overlaps 40/160 = 0.25: another face
      { sceneId: 's3', box: box(0) }, // no old face in that scene
    ];
    expect(FACE_CARRY_MIN_IOU).toBe(0.5);
    expect(matchFaces(old, found)).toEqual([1, 0, undefined, undefined]);
  });

  it('keeps names, a moved face, a merge, a hidden person and a never-merge mark; a named person with no face left stays', async () => {
    const videoId = await importVideo('sha-faces', 'Party', STAGES);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await detectFaces(videoId, firstRun());
    expect(await people.listPeople()).toHaveLength(5);

    const alice = await personAt(0, 100);
    const bob = await personAt(0, 400);
    const carol = await personAt(1, 350);
    const eve = await personAt(2, 600);
    await people.renamePerson(alice, 'Alice');
    await people.renamePerson(eve, 'Eve');
    const dansFace = (await pg.query<{ face_id: string }>(`select face_id from faces where (bbox->>'x')::float8 = 300`)).rows[0]!.face_id;
    expect(await people.moveFace(dansFace, alice)).toBe(alice); // the user says Dan's face is Alice's
    expect(await people.mergePeople(carol, bob)).toEqual({ status: 'merged', personId: bob });
    await people.setPersonHidden(bob, true);
    await people.setNeverMerge(alice, bob, true);
    const before = (await people.listPeople()).map((p) => [p.personId, p.name, p.hidden, p.faceCount]).sort();

    // A forced re-run: the detector frames each face a few pixels differently, the descriptors move a little,
    // Eve's face is not found any more, and a new face (person 5) appears in scene 1.
    await forceFaceRerun(videoId);
    await detectFaces(videoId, [...firstRun(4, 7, false), face(1, 5, 800, 300)]);

    const after = await people.listPeople();
    const newcomer = after.find((p) => !before.some(([id]) => id === p.personId));
    expect(newcomer, 'the new face made a new person').toMatchObject({ name: null, faceCount: 1, hidden: false });
    expect(after.filter((p) => p !== newcomer).map((p) => [p.personId, p.name, p.hidden, p.faceCount]).sort()).toEqual(
      before.map(([id, name, hidden, count]) => [id, name, hidden, id === eve ? 0 : count]),
    );
    const aliceNow = await people.getPerson(alice);
    expect(aliceNow).toMatchObject({ name: 'Alice', faceCount: 3, neverMerge: [bob] });
    expect(aliceNow!.faces.filter((f) => f.locked).map((f) => f.sceneIdx)).toEqual([2]); // the moved face, still placed by hand
    expect(await people.getPerson(bob)).toMatchObject({ hidden: true, faceCount: 3, neverMerge: [alice] });
    expect(await people.getPerson(eve)).toMatchObject({ name: 'Eve', faceCount: 0 });
    expect(await personAt(1, 350)).toBe(bob); // Carol's face stays merged into Bob
    expect(await personAt(2, 300)).toBe(alice);
    expect(await people.mergePeople(alice, bob)).toMatchObject({ status: 'refused' });
    // Scenes know their people again.
    const sceneOne = await pg.query<{ n: number }>(
      `select count(*)::int as n from scene_people sp join scenes s on s.scene_id = sp.scene_id where s.idx = 1 and not s.deleted`,
    );
    expect(sceneOne.rows[0]!.n).toBe(3); // Alice, Bob (Carol's face) and the newcomer
  });

  it('a face model change carries the people over to the new model', async () => {
    const videoId = await importVideo('sha-model', 'Model change', STAGES);
    await runStage(videoId, 'UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    await runStage(videoId, 'AUDIO_EXTRACT', { outcome: 'skipped', reason: 'No audio stream' });
    await runStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes }] });
    await detectFaces(videoId, firstRun());
    const alice = await personAt(0, 100);
    await people.renamePerson(alice, 'Alice');

    await forceFaceRerun(videoId);
    await detectFaces(videoId, firstRun(2, 3), 'other-face-model');
    expect(await personAt(1, 120)).toBe(alice);
    const models = await pg.query<{ face_model: string }>(`select distinct face_model from face_profiles where not deleted`);
    expect(models.rows.map((r) => r.face_model)).toEqual(['other-face-model']);
    expect(await people.listPeople()).toHaveLength(5);
    const centroid = await pg.query<{ set: boolean }>(`select centroid is not null as set from face_profiles where person_id = $1`, [alice]);
    expect(centroid.rows[0]!.set).toBe(true);
  });
});
