// Nearest pictures of one visual model from a graph held in memory, beside PGlite's per-model HNSW index
// (search.ts ensureVectorIndex). pgvector walks its graph inside PGlite's WebAssembly, through PostgreSQL's page
// cache; hnswlib walks the same kind of graph (HNSW_GRAPH) in plain memory. On the 100k bench library (`npm run
// bench`): nearest 100 p50/p95 1.46/1.81 ms against the statement's 5.7/8.2 at ef_search 200, recall@10 1.000 both;
// a hybrid search 12.1/16.0 → 10.1/14.4 ms. Recall@100 against the exact answer, 30 queries measured apart: 0.988
// here against pgvector's 0.965 at the app's ef_search 100. What it costs: a float32 copy of each vector and its
// links in memory, about 2.2 KB a 512-d scene (~220 MB at 100k scenes), and ~1.3 ms of building a scene.
import { checkDim, HNSW_GRAPH } from '@heimdex/shared-schema/search';
import { loadHnswlib } from './hnswlib.ts';

/** The graph walk's candidate list: recall@100 0.976 at 150, 0.988 at 200, 0.996 at 300 (1.3, 1.5, 1.7 ms p50). */
export const PICTURE_EF_SEARCH = 200;
/** Scenes the graph has room for at least, at first; it doubles when full. */
const FIRST_CAPACITY = 1024;
/** hnswlib draws each scene's level at random: seeded, so a library builds the same graph each time. */
const SEED = 100;

export interface PictureNeighbour {
  sceneId: string;
  /** Cosine distance, as pgvector's `<=>`: 1 − cosine similarity. */
  distance: number;
}

export interface PictureIndex {
  readonly dim: number;
  /** Scenes in the index (removed ones not counted). */
  readonly size: number;
  /** Adds a scene's picture vector, or replaces the one it had (a removed scene comes back). */
  put(sceneId: string, vector: ArrayLike<number>): void;
  /** Leaves a scene out of every answer after this; unknown scenes are ignored. */
  remove(sceneId: string): void;
  /** Up to `k` scenes nearest `vector`, nearest first. */
  nearest(vector: ArrayLike<number>, k: number): PictureNeighbour[];
}

/** `capacity`: the scenes expected, so that a graph built from a library is not copied each time it doubles. */
export async function makePictureIndex(dim: number, capacity = FIRST_CAPACITY): Promise<PictureIndex> {
  checkDim(dim);
  const hnswlib = await loadHnswlib();
  const graph = new hnswlib.HierarchicalNSW('cosine', dim, '');
  graph.initIndex(Math.max(FIRST_CAPACITY, Math.ceil(capacity)), HNSW_GRAPH.m, HNSW_GRAPH.efConstruction, SEED);
  graph.setEfSearch(PICTURE_EF_SEARCH);
  // hnswlib knows scenes by a number: their order of arrival here.
  const labelOf = new Map<string, number>();
  const sceneOf: string[] = [];
  const removed = new Set<number>();
  const live = () => sceneOf.length - removed.size;

  /** The vector as hnswlib takes it; a wrong size or a value that is not a number would corrupt its answers. */
  const pointOf = (vector: ArrayLike<number>): Float32Array => {
    if (vector.length !== dim) throw new Error(`This picture index holds ${dim}-d vectors (got ${vector.length}).`);
    const point = Float32Array.from(vector);
    if (!point.every(Number.isFinite)) throw new Error('A picture vector holds a value that is not a finite number.');
    return point;
  };

  return {
    dim,
    get size() {
      return live();
    },
    put(sceneId, vector) {
      const point = pointOf(vector);
      let label = labelOf.get(sceneId);
      if (label === undefined) {
        label = sceneOf.length;
        if (label >= graph.getMaxElements()) graph.resizeIndex(graph.getMaxElements() * 2);
        sceneOf.push(sceneId);
        labelOf.set(sceneId, label);
      } else if (removed.delete(label)) {
        graph.unmarkDelete(label);
      }
      graph.addPoint(point, label, false);
    },
    remove(sceneId) {
      const label = labelOf.get(sceneId);
      if (label === undefined || removed.has(label)) return;
      graph.markDelete(label);
      removed.add(label);
    },
    nearest(vector, k) {
      const point = pointOf(vector);
      // hnswlib throws when asked for more than it holds.
      const count = Math.min(k, live());
      if (count <= 0) return [];
      const found = graph.searchKnn(point, count, undefined);
      return found.neighbors
        .map((label, i) => ({ sceneId: sceneOf[label]!, distance: found.distances[i]! }))
        .sort((a, b) => a.distance - b.distance);
    },
  };
}
