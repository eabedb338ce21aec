// Search in the app: runs the shared retrieval statements (@heimdex/shared-schema/search, where the signals are
// described) in the DB worker next to makeDbApi (and in Node tests on an in-memory PGlite), adds the visual
// signal through this device's per-model HNSW indexes and search by example (pictures and faces). The lists are
// fused by reciprocal rank; the top hits then get their reasons, snippets, the moment to play from and their
// people in one more statement.
import type { PGlite } from '@electric-sql/pglite';
import {
  browseQuery,
  CANDIDATES,
  checkDim,
  columnQuery,
  DEFAULT_LIMIT,
  describeHits,
  NO_FILTERS,
  detailsQuery,
  detailRows,
  FROM,
  freeTerms,
  fuseRanks,
  HNSW_BUILD,
  gluedQuery,
  gluedRuns,
  fullTextAndTypos,
  filtersOf,
  filtersReadVideo,
  typedWordsQuery,
  type FullTextRow,
  hashTag,
  hasFilters,
  isEmptyQuery,
  literal,
  misspeltOf,
  namedPeopleQuery,
  namedPersonScenes,
  NO_TERMS,
  parseQuery,
  ownScenes,
  spellingsOf,
  makeStemCache,
  commonStemsQuery,
  splitGluedWord,
  stemsQuery,
  STEMS_AHEAD,
  trigramThresholdStatement,
  typedName,
  queryVector,
  cosineNearestQuery,
  wordsToStem,
  VISUAL_EXAMPLE_THRESHOLD,
  visualTextThreshold,
  MEANING_FLOOR,
  meaningThreshold,
  type DetailQueryRow,
  type FaceMatch,
  type HitSignals,
  type ModelVector,
  type RunRows,
  type Spelling,
  type Terms,
} from '@heimdex/shared-schema/search';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { FACE_WEAK_THRESHOLD, faceMatchOf, PROFILE_ALLOWANCE_MAX, profileAllowance } from '../ml/faces/distance.ts';
import type { ExampleSearchRequest, SearchHit, SearchResult, TextSearchRequest } from '../search/types.ts';
import { nearestMeaningQuery } from './meaning.ts';
import { asOneValue, oneValueQuery, oneValueRows } from './one-value.ts';
import type { PictureNeighbour } from './picture-index.ts';
import { makePreparedStatements } from './prepared.ts';
import type { Db, Executor } from './types.ts';

export { DEFAULT_LIMIT, ownScenes };

/**
 * HNSW candidate list per query. It caps what an index scan returns (STACK-NOTES: at the default 40, LIMIT 50 gave
 * 40 rows), so it is never below the candidates asked for. Recall@10 at 100 on the bench's 100k clustered vectors:
 * 0.993–1.0 over four builds of an index built as ours are (HNSW_BUILD); 0.92–1.0 at pgvector's default build, which
 * a library indexed before stop 28 still has.
 */
const EF_SEARCH = Math.max(100, CANDIDATES);

/** The warm-up's word a library is unlikely to hold (see warmUp): spelling corrections are looked for. */
const WARM_UP_WORD = 'heimdexx';

// ---- per-model vector indexes ---------------------------------------------------------------------------------

export function vectorIndexName(modelId: string, dim: number): string {
  return `scenes_image_vec_${checkDim(dim)}_${hashTag(modelId)}`;
}

/** The expression the per-model HNSW index is built on; queries must use exactly this to be served by it. */
const imageVecOf = (alias: string, dim: number) => sql.raw(`(${alias}.image_vec::vector(${checkDim(dim)}))`);

/**
 * Creates (once) the HNSW index for one visual model: a partial expression index, since image_vec has no fixed
 * size and vectors of two models must never meet. Cheap when it exists; called when a model's vectors are stored.
 */
export async function ensureVectorIndex(q: Executor, modelId: string, dim: number): Promise<string> {
  const name = vectorIndexName(modelId, dim);
  await q.execute(sql`
    create index if not exists ${sql.identifier(name)} on scenes
    using hnsw (${imageVecOf('scenes', dim)} vector_cosine_ops) ${HNSW_BUILD}
    where image_model = ${literal(modelId)}`);
  return name;
}

// ---- retrieval ------------------------------------------------------------------------------------------------

interface Candidate {
  id: string;
  /** The signal's own similarity where it has one (cosine for visual, distance for faces). */
  value?: number;
}

/**
 * Nearest keyframes of the vector's model by cosine distance. The ORDER BY expression and the model predicate are
 * those of the per-model HNSW index (ensureVectorIndex), the model id a literal so the planner can prove the
 * partial index applies; a vector of another model is never compared. `readsVideo`: whether `where` reads the
 * scenes' videos (see cosineNearestQuery).
 */
export function nearestScenesQuery(vector: ModelVector, where: SQL, options: { excludeSceneId?: string; readsVideo?: boolean } = {}): SQL {
  const dim = checkDim(vector.vector.length);
  const { excludeSceneId, readsVideo } = options;
  const conditions = sql`${where} and s.image_model = ${literal(vector.modelId)}${excludeSceneId ? sql` and s.scene_id <> ${excludeSceneId}` : sql``}`;
  return cosineNearestQuery(vector.vector, imageVecOf('s', dim), conditions, { dim, readsVideo });
}

/**
 * The nearest pictures from outside PostgreSQL (picture-index.ts): for a search without filters, in place of the
 * HNSW statement. It must hold exactly the searchable scenes' vectors of the model (ownScenes), or answer null
 * (not built yet, or not in step with the library), and the statement is used.
 */
export interface PictureSource {
  nearest(vector: ModelVector, k: number): PictureNeighbour[] | null;
}

/**
 * Search over one user's library (the DB worker passes LOCAL_USER_ID until sync signs in); `pictures`, where the
 * nearest pictures come from when it can answer (see PictureSource).
 */
export function makeSearchRepo(pg: PGlite, userId: string, pictures: PictureSource | null = null) {
  const db: Db = drizzle(pg);
  /**
   * Statements whose best plan is the same whatever their values (the full-text lists, whose tsqueries are
   * InitPlans: see fullTextQuery; the nearest-neighbour list, the hit details, the glued words, the stems),
   * prepared once per text with one plan for any values (prepared.ts): ~1.7 ms of a hybrid search at 100k scenes
   * (interleaved with the unprepared search in one process, two runs: p50 14.0 → 12.2 and 12.4 → 10.7 ms, p95
   * 16.5 → 14.1 and 14.1 → 12.6), and ~1 ms more since the full-text lists joined them.
   */
  const prepared = makePreparedStatements(pg);
  const rows: RunRows = prepared.rows;
  /**
   * Statements planned for their values, each time: the spelling counts (see misspeltOf), settings, and every list
   * under a filter (a narrow filter is best read first).
   */
  const plainRows: RunRows = async (query) => (await db.execute(query)).rows as never;
  const stemsOf = makeStemCache((query) => rows<{ w: string; l: string[] | null }>(query));
  /**
   * The long lists (up to CANDIDATES rows: full text, pictures, meaning, a column, a filter's scenes) are read as
   * one value (one-value.ts). Not the short ones (glued words, a typed name: mostly none or a few rows), which
   * came back ~0.07 ms later that way.
   */
  const long = { planned: asOneValue(rows), unplanned: asOneValue(plainRows) };

  const OWN = ownScenes(userId);

  async function ids(run: RunRows, query: SQL): Promise<Candidate[]> {
    return (await run<{ scene_id: string }>(query)).map((r) => ({ id: r.scene_id }));
  }

  /**
   * Settings of this session (the DB worker's one connection; nothing else changes them), set once, when a search
   * first needs them, instead of a statement before each search that does (~0.3–0.45 ms); tried again on the next
   * search after a failure.
   */
  const sessionSettings = (statement: SQL) => {
    let set: Promise<unknown> | null = null;
    return () =>
      (set ??= plainRows(statement).catch((error: unknown) => {
        set = null;
        throw error;
      }));
  };
  /** The HNSW scan's settings, for the nearest-neighbour lists. */
  const withHnswSettings = sessionSettings(
    sql`select set_config('hnsw.ef_search', ${String(EF_SEARCH)}, false), set_config('hnsw.iterative_scan', 'relaxed_order', false)`,
  );
  /** The trigram operators' thresholds, for the spelling corrections. */
  const withTrigramThresholds = sessionSettings(trigramThresholdStatement(false));

  /** Spelling corrections of the terms that look misspelt and the words spelt like them (see alikeWordsQuery). */
  async function corrections(terms: string[]): Promise<Map<string, Spelling>> {
    const misspelt = await misspeltOf(userId, terms, rows, plainRows);
    if (misspelt.length === 0) return new Map();
    await withTrigramThresholds();
    return db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return spellingsOf(userId, misspelt, terms, async (query) => (await tx.execute(query)).rows as never);
    });
  }

  const columnList = (terms: string[], typos: ReadonlyMap<string, string[]>, column: 'transcript' | 'ocr_text', where: SQL) =>
    ids(long.unplanned, columnQuery(terms, typos, column, where));
  const browseList = (where: SQL) => ids(long.unplanned, browseQuery(where));

  type Neighbour = { scene_id: string; distance: number };
  /** The nearest keyframes' rows (nearestScenesQuery) as a list, most similar first. */
  const visualCandidates = (found: Neighbour[]): Candidate[] =>
    // relaxed_order may return a near neighbour slightly out of place. Equally near ones by id: the statement and
    // the index in memory (PictureSource) each return ties in an order of their own.
    found
      .sort((a, b) => a.distance - b.distance || (a.scene_id < b.scene_id ? -1 : a.scene_id > b.scene_id ? 1 : 0))
      .map((r) => ({ id: r.scene_id, value: 1 - r.distance }));
  /** The nearest pictures from memory (PictureSource) as such a list. */
  const pictureCandidates = (found: PictureNeighbour[]): Candidate[] => visualCandidates(found.map((n) => ({ scene_id: n.sceneId, distance: n.distance })));
  /** The nearest texts' rows (nearestMeaningQuery) as a list, most similar first, above MEANING_FLOOR. */
  const meaningCandidates = (found: Neighbour[]): Candidate[] =>
    found
      .map((r) => ({ id: r.scene_id, value: 1 - r.distance }))
      .filter((c) => c.value >= MEANING_FLOOR)
      .sort((a, b) => b.value - a.value);

  /**
   * The user's nearest keyframes of the same model but the example's own (see nearestScenesQuery), most similar
   * first: from memory when it can answer (PictureSource).
   */
  async function exampleVisualList(vector: ModelVector, excludeSceneId?: string): Promise<Candidate[]> {
    const inMemory = pictures?.nearest(vector, CANDIDATES + 1);
    if (inMemory) return pictureCandidates(inMemory.filter((n) => n.sceneId !== excludeSceneId).slice(0, CANDIDATES));
    await withHnswSettings();
    return visualCandidates(await long.planned<Neighbour>(nearestScenesQuery(vector, OWN, { excludeSceneId, readsVideo: false })));
  }

  interface IndependentQueries {
    /** The typed words' full-text list (typedWordsQuery), when it goes along. */
    typed: SQL | null;
    glued: SQL | null;
    /** The people a name typed without `person:` names (their scenes need them first). */
    people: SQL | null;
    visual: SQL | null;
    meaning: SQL | null;
  }

  /**
   * A search's statements that need nothing from one another (see IndependentQueries), each null when the search
   * has no use for it: without filters sent together as prepared statements (rowsOfEach), one round trip instead of
   * one each; under a filter planned for their values, one by one (see plainRows).
   */
  async function independentLists(filtered: boolean, queries: IndependentQueries) {
    if (queries.visual || queries.meaning) await withHnswSettings();
    // The long lists are read as one value (see `long`).
    const asOne = new Set([queries.typed, queries.visual, queries.meaning]);
    const wanted = Object.values(queries).filter((q): q is SQL => q !== null);
    const found: unknown[][] = [];
    if (filtered) for (const q of wanted) found.push(await (asOne.has(q) ? long.unplanned : plainRows)(q));
    else {
      const answers = await prepared.rowsOfEach(wanted.map((q) => (asOne.has(q) ? oneValueQuery(q) : q)));
      found.push(...answers.map((rows, i) => (asOne.has(wanted[i]!) ? oneValueRows(rows) : rows)));
    }
    const rowsOf = <T>(query: SQL | null): T[] => (query === null ? [] : (found[wanted.indexOf(query)] as T[]));
    return {
      typed: queries.typed === null ? undefined : rowsOf<FullTextRow>(queries.typed),
      glued: rowsOf<{ scene_id: string }>(queries.glued).map((r) => ({ id: r.scene_id })),
      people: rowsOf<{ person_id: string }>(queries.people).map((r) => r.person_id),
      visual: visualCandidates(rowsOf<Neighbour>(queries.visual)),
      meaning: meaningCandidates(rowsOf<Neighbour>(queries.meaning)),
    };
  }

  /**
   * Turns the fused order into hits. Without their thumbnails: a card reads its own when it comes into view
   * (app/scene-thumbnails.ts), since 50 thumbnails (~12 KB of JPEG each) took ~5 ms of a search to read
   * (`npm run bench`, thumbnail rows) while a screen shows a dozen cards.
   */
  async function hitsOf(fused: { id: string; score: number }[], limit: number, terms: Terms, signals: HitSignals): Promise<SearchHit[]> {
    const top = fused.slice(0, limit);
    if (top.length === 0) return [];
    const found = detailRows(await rows<DetailQueryRow<object>>(detailsQuery(userId, top.map((f) => f.id), terms)));
    const words = wordsToStem(found, terms);
    const stemOf = await stemsOf(words);
    return describeHits(top, new Map(found.map((r) => [r.scene_id, r])), terms, signals, stemOf).map(({ hit }) => hit);
  }

  /**
   * Scenes with a face like one of `faceVectors` (same face model): `direct`, faces within FACE_WEAK_THRESHOLD;
   * `people`, every scene of a person whose profile is that close, by the nearer of the person's centroid (the
   * mean of their faces, which matches other photos of them better than any single face: calibration in
   * ml/faces/distance.ts; less the allowance its spread earns, profileAllowance) and their nearest face. Each scene
   * keeps its smallest distance.
   */
  async function faceLists(faceVectors: ModelVector[], excludeSceneId?: string): Promise<{ direct: Candidate[]; people: Candidate[] }> {
    const direct = new Map<string, number>();
    const personDistance = new Map<string, number>();
    const closer = (map: Map<string, number>, key: string, distance: number) => map.set(key, Math.min(map.get(key) ?? Infinity, distance));
    for (const face of faceVectors) {
      const dim = checkDim(face.vector.length);
      const target = queryVector(face.vector);
      // The model and size filter runs before any distance is computed (vectors of another size cannot be compared).
      const near = await rows<{ scene_id: string; person_id: string | null; distance: number }>(sql`
        with ${target.cte}, same_model as materialized (
          select f.scene_id, f.person_id, f.embedding from faces f join scenes s on s.scene_id = f.scene_id
          where ${OWN} and f.user_id = ${userId} and not f.deleted and f.face_model = ${face.modelId}
            and f.embedding is not null and vector_dims(f.embedding) = ${dim})
        select scene_id, person_id, distance from (
          select scene_id, person_id, (embedding <-> ${target.value})::float8 as distance from same_model) d
        where distance < ${FACE_WEAK_THRESHOLD}
        order by distance`);
      for (const n of near) {
        if (n.scene_id === excludeSceneId) continue;
        closer(direct, n.scene_id, n.distance);
        if (n.person_id) closer(personDistance, n.person_id, n.distance);
      }
      // A profile's distance less its allowance (profileAllowance: from its spread), read from its own faces.
      const profiles = await rows<{ person_id: string; distance: number; spread: number; faces: number }>(sql`
        with ${target.cte}, same_model as materialized (
          select p.person_id, p.centroid from face_profiles p
          where p.user_id = ${userId} and not p.deleted and p.face_model = ${face.modelId}
            and p.centroid is not null and vector_dims(p.centroid) = ${dim}),
        near as (
          select person_id, centroid, (centroid <-> ${target.value})::float8 as distance from same_model
          where (centroid <-> ${target.value}) < ${FACE_WEAK_THRESHOLD + PROFILE_ALLOWANCE_MAX})
        select n.person_id, n.distance, coalesce(s.spread, 0) as spread, s.faces from near n
        cross join lateral (
          select avg(f.embedding <-> n.centroid)::float8 as spread, count(*)::int as faces from faces f
          where f.person_id = n.person_id and f.user_id = ${userId} and not f.deleted and f.face_model = ${face.modelId}
            and f.embedding is not null and vector_dims(f.embedding) = ${dim}) s`);
      for (const p of profiles) {
        const distance = p.distance - profileAllowance(p.spread, p.faces);
        if (distance < FACE_WEAK_THRESHOLD) closer(personDistance, p.person_id, distance);
      }
    }
    const people: Candidate[] = [];
    if (personDistance.size > 0) {
      const personIds = [...personDistance.keys()];
      const scenesOfPeople = await rows<{ scene_id: string; person_id: string }>(sql`
        select sp.scene_id, sp.person_id from scene_people sp
        join face_profiles fp on fp.person_id = sp.person_id
        join scenes s on s.scene_id = sp.scene_id
        where ${OWN} and sp.user_id = ${userId} and fp.user_id = ${userId} and not fp.deleted
          and sp.person_id = any(${sql.param(personIds)}::uuid[])
        order by s.video_id, s.idx`);
      const best = new Map<string, number>();
      for (const r of scenesOfPeople) {
        if (r.scene_id === excludeSceneId) continue;
        closer(best, r.scene_id, personDistance.get(r.person_id)!);
      }
      people.push(...[...best].sort((a, b) => a[1] - b[1]).map(([id, value]) => ({ id, value })));
    }
    return { direct: [...direct].sort((a, b) => a[1] - b[1]).map(([id, value]) => ({ id, value })), people };
  }

  async function searchByExample(request: ExampleSearchRequest): Promise<SearchResult> {
    const started = performance.now();
    const limit = request.limit ?? DEFAULT_LIMIT;
    const notes: string[] = [];
    const lists: Candidate[][] = [];
    const visual = new Map<string, number>();
    if (request.imageVector) {
      const list = await exampleVisualList(request.imageVector, request.excludeSceneId);
      for (const c of list) visual.set(c.id, c.value!);
      if (list.length === 0) notes.push('No scene has a picture embedding from the same visual model yet.');
      lists.push(list);
    }
    const faceScenes = new Map<string, FaceMatch>();
    if (request.faces.length > 0) {
      const { direct, people } = await faceLists(request.faces, request.excludeSceneId);
      const distance = new Map<string, number>();
      for (const c of [...direct, ...people]) distance.set(c.id, Math.min(distance.get(c.id) ?? Infinity, c.value!));
      for (const [id, d] of distance) faceScenes.set(id, faceMatchOf(d));
      if (distance.size === 0) notes.push('No one in your videos looks like the face in the example.');
      lists.push(direct, people);
    }
    const fused = fuseRanks(lists.map((l) => l.map((c) => c.id)));
    const hits = await hitsOf(fused, limit, NO_TERMS, {
      visual,
      visualThreshold: VISUAL_EXAMPLE_THRESHOLD,
      faceScenes,
      filters: NO_FILTERS,
      named: null,
      filterOnly: false,
    });
    return { hits, notes, tookMs: performance.now() - started };
  }

  const repo = {
    /** Hybrid search for a parsed query (see the header); the text vector, when given, adds the visual signal. */
    async searchScenes(request: TextSearchRequest): Promise<SearchResult> {
      const started = performance.now();
      const q = request.query;
      const limit = request.limit ?? DEFAULT_LIMIT;
      const notes = [...q.warnings];
      if (isEmptyQuery(q)) return { hits: [], notes, tookMs: performance.now() - started, query: q };
      const free = freeTerms(q);
      const filtered = hasFilters(q);
      const listRows = filtered ? plainRows : rows;
      const longListRows = filtered ? long.unplanned : long.planned;
      const runs = gluedRuns(q.words, q.phrases);
      const glued = runs.map((r) => r.pattern);
      const name = typedName(q);
      const readsVideo = filtersReadVideo(q);
      const vector = free.length > 0 ? request.textVector : null;
      const meaningVector = free.length > 0 ? request.meaningVector : null;
      // The graph in memory answers in a quarter of the statement's time (picture-index.ts); a filter is read first
      // by the statements, so only a search without one asks it.
      const inMemory = vector && !filtered ? (pictures?.nearest(vector, CANDIDATES) ?? null) : null;
      const queriesUnder = (where: SQL, typed: SQL | null): IndependentQueries => ({
        typed,
        glued: runs.length > 0 ? gluedQuery(userId, runs, where) : null,
        people: name === null ? null : namedPeopleQuery(userId, name),
        visual: vector && !inMemory ? nearestScenesQuery(vector, where, { readsVideo }) : null,
        meaning: meaningVector ? nearestMeaningQuery(meaningVector, where, readsVideo) : null,
      });
      // Without filters every list reads the user's own scenes whatever the spelling corrections (which only narrow
      // said: and text:), so they all go at once, the typed words' list among them; under a filter, after it. With
      // no picture or meaning to fuse with, the typed words' list is asked for the hits shown alone (TypedWords):
      // when its every-word scenes fill them it reads no scene of some of the words. On the 100k bench library,
      // interleaved with the whole list in one process: the 18 of 90 word pairs said together in 50–100 scenes
      // took 3.0–4.2 ms less each (paired medians), the others the same; every hit the same (540/540, and 540/540
      // with one word misspelt).
      const wanted = vector || meaningVector ? CANDIDATES : Math.min(limit, CANDIDATES);
      const unfiltered = filtered ? null : await independentLists(false, queriesUnder(filtersOf(userId, q, new Map()), typedWordsQuery(userId, q, wanted)));
      const typed = unfiltered?.typed && {
        rows: unfiltered.typed,
        wanted,
        alone: !vector && !meaningVector && unfiltered.glued.length === 0 && unfiltered.people.length === 0,
      };
      const { typos, alike, where, wordLists } = await fullTextAndTypos(userId, q, longListRows, corrections, typed);
      const found = unfiltered ?? (await independentLists(true, queriesUnder(where, null)));

      const lists: Candidate[][] = [];
      lists.push(...wordLists.map((list) => list.map((id) => ({ id }))));
      if (glued.length > 0) lists.push(found.glued);
      if (q.said.length > 0) lists.push(await columnList(q.said, typos, 'transcript', where));
      if (q.onScreen.length > 0) lists.push(await columnList(q.onScreen, typos, 'ocr_text', where));
      const namedList = (await namedPersonScenes(userId, found.people, where, listRows)).map((id) => ({ id }));
      if (namedList.length > 0) lists.push(namedList);
      const named = namedList.length > 0 ? { text: name!, scenes: new Set(namedList.map((c) => c.id)) } : null;
      const visualList = inMemory ? pictureCandidates(inMemory) : found.visual;
      const visual = new Map(visualList.map((c) => [c.id, c.value!]));
      if (vector) lists.push(visualList);
      const meaning = new Map(found.meaning.map((c) => [c.id, c.value!]));
      if (meaningVector) lists.push(found.meaning);
      const filterOnly = lists.length === 0;
      if (filterOnly) lists.push(await browseList(where));

      const fused = fuseRanks(lists.map((l) => l.map((c) => c.id)));
      const people = named ? [...q.people, named.text] : q.people;
      const hits = await hitsOf(fused, limit, { free, said: q.said, onScreen: q.onScreen, people, typos, alike, glued }, {
        visual,
        visualThreshold: vector ? visualTextThreshold(vector.modelId) : Infinity,
        faceScenes: new Map(),
        filters: q,
        named,
        filterOnly,
        meaning,
        meaningThreshold: meaningVector ? meaningThreshold(meaningVector.modelId) : Infinity,
      });
      return { hits, notes, tookMs: performance.now() - started, query: q };
    },

    /** Scenes like an example: its picture (same visual model) and its faces (same face model, then their people). */
    searchByExample,

    /**
     * "More like this": the scene's own picture embedding as the example (its faces when it has none); the
     * scene itself is left out.
     */
    async moreLikeThis(sceneId: string, limit?: number): Promise<SearchResult> {
      const [scene] = await rows<{ image_vec: string | null; image_model: string | null }>(sql`
        select s.image_vec::text as image_vec, s.image_model from ${FROM} where ${OWN} and s.scene_id = ${sceneId}`);
      if (!scene) return { hits: [], notes: ['That scene is no longer in your library.'], tookMs: 0 };
      if (scene.image_vec && scene.image_model) {
        const vector = JSON.parse(scene.image_vec) as number[];
        return searchByExample({ imageVector: { modelId: scene.image_model, vector }, faces: [], excludeSceneId: sceneId, limit });
      }
      const faceRows = await rows<{ embedding: string; face_model: string }>(sql`
        select f.embedding::text as embedding, f.face_model from faces f
        where f.scene_id = ${sceneId} and f.user_id = ${userId} and not f.deleted and f.embedding is not null and f.face_model is not null`);
      if (faceRows.length === 0) {
        return { hits: [], notes: ['This scene has neither a picture embedding nor faces to compare with yet.'], tookMs: 0 };
      }
      const faces = faceRows.map((f) => ({ modelId: f.face_model, vector: JSON.parse(f.embedding) as number[] }));
      return searchByExample({ imageVector: null, faces, excludeSceneId: sceneId, limit });
    },

    /** See ensureVectorIndex above; exposed so a bulk import can build the index after loading. */
    async ensureVectorIndex(modelId: string, dim: number): Promise<string> {
      return ensureVectorIndex(db, modelId, dim);
    },
  };

  return {
    ...repo,
    /**
     * A search nobody sees, run as the library opens (db/worker.ts). A session's first search loads the text-search
     * dictionaries and catalog entries, prepares and plans its statements and reads the indexes' upper pages: on the
     * 100k bench library a session's first hybrid search took 34–46 ms without this and 22–28 ms after it (the
     * warm-up itself 33–44 ms, in the DB worker, before anyone has typed; `npm run bench`, fresh opens). A word of the library's own (so that there are
     * hits to describe) and one it lacks (the typo path), with one of its picture vectors when it has any (the
     * hybrid statement). Then the stems of the library's commonest words (commonStemsQuery), which a session's first
     * searches asked for one statement at a time: in the bench's first pass over its queries, 89 of 90 did (40–130
     * ms more of warm-up at 100k scenes, 6,332 words).
     */
    async warmUp(): Promise<void> {
      const [word] = await rows<{ word: string }>(sql`select word from scene_words where user_id = ${userId} and scenes > 0 limit 1`);
      const [scene] = await rows<{ image_vec: string; image_model: string }>(sql`
        select s.image_vec::text as image_vec, s.image_model from ${FROM}
        where ${OWN} and s.image_vec is not null and s.image_model is not null limit 1`);
      const textVector = scene ? { modelId: scene.image_model, vector: JSON.parse(scene.image_vec) as number[] } : null;
      const words = [word?.word, WARM_UP_WORD].filter((w) => w !== undefined).join(' ');
      await repo.searchScenes({ query: parseQuery(words), textVector, limit: 1 });
      const common = await rows<{ w: string; l: string[] | null }>(commonStemsQuery(userId, STEMS_AHEAD));
      stemsOf.remember(common);
      // And the dictionary words they split into where OCR glued words together (wordsToStem asks for those too),
      // as room allows: remembering never starts the cache over.
      const parts = [...new Set(common.flatMap((r) => splitGluedWord(r.w) ?? []))];
      if (parts.length > 0) stemsOf.remember(await rows<{ w: string; l: string[] | null }>(stemsQuery(parts)));
    },
  };
}

/** What the page may call (the warm-up is the DB worker's own). */
export type SearchRepo = Omit<ReturnType<typeof makeSearchRepo>, 'warmUp'>;
