// @vitest-environment node
// The in-memory picture index (real hnswlib-wasm) against pgvector's own exact answer on a real PGlite: the same
// scenes, in the same order, at the same cosine distances; and what a library's changes do to it.
import type { PGlite } from '@electric-sql/pglite';
import { vectorText } from '@heimdex/shared-schema/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyWeights } from '../ml/embed/testing/tiny-models.ts';
import { makePictureIndex } from './picture-index.ts';
import { openTestDatabase } from './testing.ts';

const DIM = 64;

/** Rows of deterministic values in [-1, 1): the same vectors every run. */
const rowsOf = (count: number, seed: number) => {
  const values = tinyWeights(count, DIM, seed);
  return Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * DIM, (i + 1) * DIM)));
};
const centres = rowsOf(8, 7);
/** Scenes in clusters, as real keyframes are: neighbours at close distances, the hard case for a graph. */
const near = (centre: number[], offsets: number[], spread: number) => centre.map((x, i) => x + offsets[i]! * spread);
const scenes = rowsOf(400, 13).map((offsets, i) => ({ id: `scene-${i}`, vector: near(centres[i % centres.length]!, offsets, 0.35) }));
const queries = rowsOf(12, 17).map((offsets, i) => near(centres[(i * 3) % centres.length]!, offsets, 0.5));

let pg: PGlite;
beforeAll(async () => {
  pg = await openTestDatabase();
  await pg.exec(`create table pictures (id text primary key, v vector(${DIM}))`);
  for (const s of scenes) await pg.query('insert into pictures values ($1, $2::vector)', [s.id, vectorText(s.vector)]);
});
afterAll(async () => {
  await pg.close();
});

async function exact(query: number[], k: number): Promise<{ sceneId: string; distance: number }[]> {
  const rows = await pg.query<{ id: string; d: number }>('select id, (v <=> $1::vector)::float8 as d from pictures order by d, id limit $2', [vectorText(query), k]);
  return rows.rows.map((r) => ({ sceneId: r.id, distance: r.d }));
}

describe('picture index', () => {
  it('finds what pgvector finds exactly, nearest first, at its cosine distances', async () => {
    const index = await makePictureIndex(DIM);
    for (const s of scenes) index.put(s.id, s.vector);
    expect(index.size).toBe(scenes.length);
    for (const q of queries) {
      const truth = await exact(q, 20);
      const found = index.nearest(q, 20);
      expect(found.map((f) => f.sceneId)).toEqual(truth.map((t) => t.sceneId));
      for (const [i, f] of found.entries()) expect(f.distance).toBeCloseTo(truth[i]!.distance, 5);
    }
  });

  it('leaves out a removed scene, takes it back when it is put again, and answers with a replaced vector', async () => {
    const index = await makePictureIndex(DIM);
    for (const s of scenes) index.put(s.id, s.vector);
    const query = queries[0]!;
    const [first, second] = index.nearest(query, 2);
    index.remove(first!.sceneId);
    index.remove('never-put');
    expect(index.size).toBe(scenes.length - 1);
    expect(index.nearest(query, 1)[0]!.sceneId).toBe(second!.sceneId);
    expect(index.nearest(query, scenes.length).map((n) => n.sceneId)).not.toContain(first!.sceneId);

    // Back, with a vector exactly the query's: first again, at distance 0.
    index.put(first!.sceneId, query);
    expect(index.size).toBe(scenes.length);
    const [back] = index.nearest(query, 1);
    expect(back!.sceneId).toBe(first!.sceneId);
    expect(back!.distance).toBeCloseTo(0, 5);

    // A new vector for another scene replaces its old one (a picture embedded again by the same model).
    const far = centres[1]!.map((x) => -x);
    index.put(second!.sceneId, far);
    expect(index.size).toBe(scenes.length);
    expect(index.nearest(far, 1)[0]!.sceneId).toBe(second!.sceneId);
    expect(index.nearest(query, 5).map((n) => n.sceneId)).not.toContain(second!.sceneId);
  });

  it('grows past its first capacity and answers for fewer scenes than asked', async () => {
    const index = await makePictureIndex(4);
    expect(index.nearest([1, 0, 0, 0], 10)).toEqual([]);
    for (let i = 0; i < 2500; i++) index.put(`s${i}`, [Math.cos(i), Math.sin(i), i % 7, 1]);
    expect(index.size).toBe(2500);
    expect(index.nearest([Math.cos(2499), Math.sin(2499), 2499 % 7, 1], 1)[0]!.sceneId).toBe('s2499');
    const small = await makePictureIndex(4);
    small.put('a', [1, 0, 0, 0]);
    small.put('b', [0, 1, 0, 0]);
    small.remove('b');
    expect(small.nearest([0, 1, 0, 0], 100).map((n) => n.sceneId)).toEqual(['a']);
  });

  it('refuses a vector of another size or with a value that is not a number', async () => {
    const index = await makePictureIndex(DIM);
    expect(() => index.put('x', [1, 2, 3])).toThrow(/64-d/);
    expect(() => index.put('x', Array.from({ length: DIM }, (_, i) => (i === 3 ? Number.NaN : 1)))).toThrow(/finite/);
    expect(() => index.nearest([1], 5)).toThrow(/64-d/);
    expect(index.size).toBe(0);
    await expect(makePictureIndex(0)).rejects.toThrow(/vector size/);
  });
});
