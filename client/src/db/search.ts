// Search: every SQL statement of retrieval lives here. It runs in the DB worker next to makeDbApi (and in Node
// tests on an in-memory PGlite). Each signal ranks its own candidates, all under the same filters and scoped to
// the user's live rows:
//   full text   search_tsv @@ websearch_to_tsquery('english', …), ranked by ts_rank_cd (all the words first);
//   typos       a word found in too few scenes is corrected from similar words the GIN trigram indexes find
//               (pg_trgm word_similarity), and the corrections search as words;
//   visual      the query's text embedding against image_vec of the same model (HNSW, cosine);
//   said:/text: the words in the transcript / on-screen text only (a filter and a ranked list of their own);
//   people      a filter; a query of filters only lists the matching scenes.
// The lists are fused by reciprocal rank (fuse.ts); the top hits then get their reasons, snippets, the moment to
// play from and their people in one more statement.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { fuseRanks } from '../search/fuse.ts';
import { freeTerms, isEmptyQuery } from '../search/parse.ts';
import { makeMatcher, snippetParts, wordsOf } from '../search/snippets.ts';
import {
  FACE_THRESHOLD,
  TRIGRAM_CANDIDATE,
  TRIGRAM_CONFIDENT,
  TRIGRAM_MIN_LETTERS,
  VISUAL_EXAMPLE_THRESHOLD,
  visualTextThreshold,
} from '../search/thresholds.ts';
import type {
  ExampleSearchRequest,
  MatchReason,
  ModelVector,
  ParsedQuery,
  SearchHit,
  SearchResult,
  Snippet,
  TextSearchRequest,
} from '../search/types.ts';

/** Hits returned unless the request asks for another number. */
export const DEFAULT_LIMIT = 50;
/** Candidates each signal contributes to fusion. */
const CANDIDATES = 100;
/**
 * HNSW candidate list per query. It caps what an index scan returns (STACK-NOTES: at the default 40, LIMIT 50 gave
 * 40 rows), so it is never below the candidates asked for; 100 gave recall@10 of 1.0 on 100k clustered vectors.
 */
const EF_SEARCH = Math.max(100, CANDIDATES);

type Queryable = { execute: ReturnType<typeof drizzle>['execute'] };

// ---- per-model vector indexes ---------------------------------------------------------------------------------

/** FNV-1a, 32 bits: a short, stable, SQL-safe tag for a model id in an index name. */
function hashTag(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A string as a SQL literal. Only for values the planner must see as constants (a partial index's predicate). */
function literal(value: string): SQL {
  if (value.includes('\0')) throw new Error('A model id cannot contain a NUL character.');
  return sql.raw(`'${value.replace(/'/g, "''")}'`);
}

function checkDim(dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0 || dim > 16000) throw new Error(`A vector size must be a whole number from 1 to 16000 (got ${dim}).`);
  return dim;
}

export function vectorIndexName(modelId: string, dim: number): string {
  return `scenes_image_vec_${checkDim(dim)}_${hashTag(modelId)}`;
}

/** The expression the per-model HNSW index is built on; queries must use exactly this to be served by it. */
const imageVecOf = (alias: string, dim: number) => sql.raw(`(${alias}.image_vec::vector(${checkDim(dim)}))`);

/**
 * Creates (once) the HNSW index for one visual model: a partial expression index, since image_vec has no fixed
 * size and vectors of two models must never meet. Cheap when it exists; called when a model's vectors are stored.
 */
export async function ensureVectorIndex(q: Queryable, modelId: string, dim: number): Promise<string> {
  const name = vectorIndexName(modelId, dim);
  await q.execute(sql`
    create index if not exists ${sql.identifier(name)} on scenes
    using hnsw (${imageVecOf('scenes', dim)} vector_cosine_ops)
    where image_model = ${literal(modelId)}`);
  return name;
}

// ---- query pieces ---------------------------------------------------------------------------------------------

const vectorText = (v: ArrayLike<number>) => {
  const values = Array.from(v);
  if (values.some((x) => !Number.isFinite(x))) throw new Error('The query vector has a value that is not a number.');
  return `[${values.join(',')}]`;
};

/** One term (a word or a phrase) as websearch syntax: quoted, so its words must be adjacent and in order. */
const quoted = (term: string) => `"${term.replace(/["\\]/g, ' ')}"`;
/** Every term (all must match). */
const allOf = (terms: string[]) => sql`websearch_to_tsquery('english', ${terms.map(quoted).join(' ')})`;
/** Any of the terms. */
const anyOf = (terms: string[]) => sql`websearch_to_tsquery('english', ${terms.map(quoted).join(' or ')})`;
const termQuery = (term: string) => sql`websearch_to_tsquery('english', ${quoted(term)})`;

/**
 * Terms the typo signal may take: single words long enough to have telling trigrams. A quoted phrase asks for
 * exactly those words in that order, which trigrams (a bag of letter triples) cannot tell apart from any other.
 */
const spellable = (terms: string[]) => terms.filter((t) => wordsOf(t).length === 1 && wordsOf(t)[0]!.length >= TRIGRAM_MIN_LETTERS);

/**
 * A word found as a word (or stem) in at least this many scenes is taken as spelt right and skips the typo
 * signal. Trigram matching costs a word_similarity per scene that shares the word's trigrams (~45 µs each in
 * PGlite, measured): a well-spelt common word would pay that on thousands of scenes for nothing.
 */
const SPELT_RIGHT_SCENES = 5;
/** Scenes per column sampled for the spelling of a misspelt word, and the corrections kept per word. */
const CORRECTION_SAMPLE = 20;
const CORRECTIONS_PER_TERM = 3;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * OCR often drops the spaces between words ("HARBORFESTIVALTICKETS", measured on text over busy
 * backgrounds). A run of two or more words also matches on-screen text where the words stand together
 * with or without anything between them: a regular expression, which the trigram index on ocr_text answers.
 * Null for a single word or a run too short to be telling.
 */
const GLUE = '[^[:alnum:]]*';

export function gluedPattern(text: string): string | null {
  const words = wordsOf(text).map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w.length > 0);
  if (words.length < 2 || words.join('').length < 8) return null;
  return words.join(GLUE);
}

/** The glued-words patterns of a query: the plain words as one run (with no phrases beside them), and each phrase. */
function gluedPatterns(words: string[], phrases: string[]): string[] {
  const runs = phrases.length === 0 ? [words.join(' ')] : words.length === 0 ? phrases : [];
  return runs.map(gluedPattern).filter((p): p is string => p !== null);
}

const gluedIn = (patterns: string[]) => or(patterns.map((p) => sql`s.ocr_text ~* ${p}`));

/** The video's date as YYYY-MM-DD text (ISO dates compare as text): its recorded creation time, else its import. */
const VIDEO_DAY = sql.raw(`(case
  when (v.metadata -> 'probe' ->> 'creationTime') ~ '^\\d{4}-\\d{2}-\\d{2}' then left(v.metadata -> 'probe' ->> 'creationTime', 10)
  when (v.metadata -> 'probe' ->> 'creation_time') ~ '^\\d{4}-\\d{2}-\\d{2}' then left(v.metadata -> 'probe' ->> 'creation_time', 10)
  else to_char(v.created_at, 'YYYY-MM-DD') end)`);

const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));
const or = (parts: SQL[]) => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`);
// A bare 0 in ORDER BY would name a column position.
const sum = (parts: SQL[]) => (parts.length === 0 ? sql`0::float8` : sql`(${sql.join(parts, sql` + `)})`);

type Column = 'transcript' | 'ocr_text';

/** A term in one column, as a word or stem, as one of its spelling corrections (see corrections()), or in on-screen text with its words run together (see gluedPattern). */
function termInColumn(term: string, column: Column, typos: ReadonlyMap<string, string[]>): SQL {
  const col = sql.raw(`s.${column}`);
  const forms = [term, ...(typos.get(term) ?? [])];
  // The GIN tsvector index narrows the scenes; the column's own tsvector decides.
  const lexical = sql`(s.search_tsv @@ ${anyOf(forms)} and to_tsvector('english', ${col}) @@ ${anyOf(forms)})`;
  const glued = column === 'ocr_text' ? gluedPattern(term) : null;
  return glued ? sql`(${lexical} or s.ocr_text ~* ${glued})` : lexical;
}

/** A person filter: a name (case-insensitive, or its first name(s)), or "Person N" by number. Hidden people match. */
function personMatches(name: string): SQL {
  const byName = sql`(lower(fp.name) = lower(${name}) or lower(fp.name) like lower(${escapeLike(name)}) || ' %' escape '\\')`;
  const number = /^person\s+(\d{1,9})$/i.exec(name.trim());
  return number ? sql`(${byName} or fp.number = ${Number(number[1])})` : byName;
}

interface Terms {
  free: string[];
  said: string[];
  onScreen: string[];
  people: string[];
  /** The terms that take part in the typo signal (see SPELT_RIGHT_SCENES). */
  typos: ReadonlySet<string>;
  /** Glued-words patterns of the free words (see gluedPattern): a match is a confident on-screen text match. */
  glued: string[];
}

interface Candidate {
  id: string;
  /** The signal's own similarity where it has one (cosine for visual, distance for faces). */
  value?: number;
}

interface DetailRow {
  scene_id: string;
  video_id: string;
  title: string;
  file_name: string;
  idx: number;
  start_s: number;
  end_s: number;
  thumbnail: Uint8Array | null;
  transcript: string;
  ocr_text: string;
  speech_match: boolean;
  text_match: boolean;
  words_confident: boolean;
  play_from: number | null;
  people: string[] | null;
}

/** The user's live scenes of live videos (aliases s and v of FROM): every statement starts from here. */
export const ownScenes = (userId: string) => sql`s.user_id = ${userId} and not s.deleted and v.user_id = ${userId} and not v.deleted`;
const FROM = sql`scenes s join videos v on v.video_id = s.video_id`;

/**
 * Nearest keyframes of the vector's model by cosine distance. The ORDER BY expression and the model predicate are
 * those of the per-model HNSW index (ensureVectorIndex), the model id a literal so the planner can prove the
 * partial index applies; a vector of another model is never compared.
 */
export function nearestScenesQuery(vector: ModelVector, where: SQL, excludeSceneId?: string): SQL {
  const dim = checkDim(vector.vector.length);
  const target = sql`${vectorText(vector.vector)}::vector(${sql.raw(String(dim))})`;
  return sql`
    select s.scene_id, (1 - (${imageVecOf('s', dim)} <=> ${target}))::float8 as similarity
    from ${FROM}
    where ${where} and s.image_model = ${literal(vector.modelId)}
      ${excludeSceneId ? sql`and s.scene_id <> ${excludeSceneId}` : sql``}
    order by ${imageVecOf('s', dim)} <=> ${target}
    limit ${CANDIDATES}`;
}

/** Search over one user's library (the DB worker passes LOCAL_USER_ID until sync signs in). */
export function makeSearchRepo(pg: PGlite, userId: string) {
  const db = drizzle(pg);
  const rows = async <T extends Record<string, unknown>>(query: SQL) => (await db.execute<T>(query)).rows;

  const OWN = ownScenes(userId);

  /** Everything a hit must satisfy, whatever signal found it. */
  function filters(q: ParsedQuery, typos: ReadonlyMap<string, string[]>): SQL {
    const parts = [OWN];
    for (const fragment of q.videos) {
      const pattern = `%${escapeLike(fragment)}%`;
      parts.push(sql`(v.title ilike ${pattern} escape '\\' or v.file_name ilike ${pattern} escape '\\')`);
    }
    if (q.after) parts.push(sql`${VIDEO_DAY} >= ${q.after}`);
    if (q.before) parts.push(sql`${VIDEO_DAY} <= ${q.before}`);
    for (const name of q.people) {
      parts.push(sql`exists (
        select 1 from scene_people sp join face_profiles fp on fp.person_id = sp.person_id
        where sp.scene_id = s.scene_id and sp.user_id = ${userId} and fp.user_id = ${userId} and not fp.deleted
          and ${personMatches(name)})`);
    }
    for (const term of q.said) parts.push(termInColumn(term, 'transcript', typos));
    for (const term of q.onScreen) parts.push(termInColumn(term, 'ocr_text', typos));
    return and(parts);
  }

  async function ids(q: Queryable, query: SQL): Promise<Candidate[]> {
    return (await q.execute<{ scene_id: string }>(query)).rows.map((r) => ({ id: r.scene_id }));
  }

  /**
   * Spelling corrections of the terms that look misspelt (spellable, and found as a word in fewer than
   * SPELT_RIGHT_SCENES scenes): the words most similar to the term among a few scenes that the trigram indexes
   * say hold something spelt like it ("quartely" → "quarterly"). The corrections then search as words, through
   * the full-text index. Matching whole scenes by trigrams instead costs a word_similarity on every scene that
   * holds a similar word — 2.6 s on 20k scenes for a typo of a common word, measured — where this costs a few ms.
   */
  async function corrections(terms: string[]): Promise<Map<string, string[]>> {
    const typos = new Map<string, string[]>();
    const candidates = [...new Set(spellable(terms))];
    if (candidates.length === 0) return typos;
    // One subquery per term with the term as a constant, so the planner sees how rare it is and takes the index.
    const counts = await rows<{ term: string; nodes: number; n: number }>(sql.join(
      candidates.map((t) => sql`
        select ${t}::text as term, numnode(${termQuery(t)}) as nodes, (select count(*) from (
          select 1 from scenes s where s.user_id = ${userId} and not s.deleted and s.search_tsv @@ ${termQuery(t)}
          limit ${SPELT_RIGHT_SCENES}) x)::int as n`),
      sql` union all `,
    ));
    // A stop word ("about") has no lexeme to find: it is not misspelt, just not searchable.
    const misspelt = counts.filter((r) => r.nodes > 0 && r.n < SPELT_RIGHT_SCENES).map((r) => r.term);
    if (misspelt.length === 0) return typos;
    await setTrigramThreshold();
    await db.transaction(async (tx) => {
      // On a small table the planner prefers a sequential scan that computes word_similarity on every scene
      // (400 ms on 2000 scenes, measured); the trigram index answers in a few ms.
      await tx.execute(sql`set local enable_seqscan = off`);
      for (const term of misspelt) {
        const found = await tx.execute<{ word: string }>(sql`
          with sample as (
            (select s.transcript as t from scenes s where s.user_id = ${userId} and not s.deleted and s.transcript %> ${term} limit ${CORRECTION_SAMPLE})
            union all
            (select s.ocr_text from scenes s where s.user_id = ${userId} and not s.deleted and s.ocr_text %> ${term} limit ${CORRECTION_SAMPLE})),
          words as (select distinct lower(w) as word from sample, regexp_split_to_table(sample.t, '[^[:alnum:]]+') w where length(w) >= 3)
          select word from words
          where word <> lower(${term}) and word_similarity(${term}, word) >= ${TRIGRAM_CANDIDATE}
          order by similarity(${term}, word) desc, word
          limit ${CORRECTIONS_PER_TERM}`);
        typos.set(term, found.rows.map((r) => r.word));
      }
    });
    return typos;
  }

  /** Full text over transcript + on-screen text: scenes with every term first, then by ts_rank_cd. */
  function fullTextList(terms: string[], where: SQL): Promise<Candidate[]> {
    return ids(db, sql`
      select s.scene_id from ${FROM}
      where ${where} and s.search_tsv @@ ${anyOf(terms)}
      order by (s.search_tsv @@ ${allOf(terms)}) desc, ts_rank_cd(s.search_tsv, ${anyOf(terms)}) desc, s.scene_id
      limit ${CANDIDATES}`);
  }

  /** The typo signal: scenes holding the spelling corrections of the query's misspelt words, by full-text rank. */
  function correctedList(words: string[], where: SQL): Promise<Candidate[]> {
    return ids(db, sql`
      select s.scene_id from ${FROM}
      where ${where} and s.search_tsv @@ ${anyOf(words)}
      order by ts_rank_cd(s.search_tsv, ${anyOf(words)}) desc, s.scene_id
      limit ${CANDIDATES}`);
  }

  /** On-screen text holding the query's words run together (see gluedPattern), through the trigram index. */
  function gluedList(patterns: string[], where: SQL): Promise<Candidate[]> {
    return ids(db, sql`
      select s.scene_id from ${FROM}
      where ${where} and ${gluedIn(patterns)}
      order by length(s.ocr_text), s.scene_id
      limit ${CANDIDATES}`);
  }

  /** said:/text: terms, ranked by their column's own full-text rank, then by spelling (the filter requires them). */
  function columnList(terms: string[], typos: ReadonlyMap<string, string[]>, column: Column, where: SQL): Promise<Candidate[]> {
    const col = sql.raw(`s.${column}`);
    const forms = terms.flatMap((t) => [t, ...(typos.get(t) ?? [])]);
    return ids(db, sql`
      select s.scene_id from ${FROM}
      where ${where}
      order by ts_rank_cd(to_tsvector('english', ${col}), ${anyOf(forms)}) desc, s.scene_id
      limit ${CANDIDATES}`);
  }

  /** Nearest keyframes of the same model (see nearestScenesQuery), most similar first. */
  async function visualList(vector: ModelVector, where: SQL, excludeSceneId?: string): Promise<Candidate[]> {
    await rows(sql`select set_config('hnsw.ef_search', ${String(EF_SEARCH)}, false), set_config('hnsw.iterative_scan', 'relaxed_order', false)`);
    const found = await rows<{ scene_id: string; similarity: number }>(nearestScenesQuery(vector, where, excludeSceneId));
    // relaxed_order may return a near neighbour slightly out of place.
    return found.sort((a, b) => b.similarity - a.similarity).map((r) => ({ id: r.scene_id, value: r.similarity }));
  }

  /** Scenes matching the filters alone (a query of filters only): newest video first, in scene order. */
  function browseList(where: SQL): Promise<Candidate[]> {
    return ids(db, sql`
      select s.scene_id from ${FROM} where ${where}
      order by ${VIDEO_DAY} desc, v.created_at desc, s.video_id, s.idx
      limit ${CANDIDATES}`);
  }

  async function setTrigramThreshold(): Promise<void> {
    await rows(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TRIGRAM_CANDIDATE)}, false)`);
  }

  /** Reasons, snippets, the moment to play from and the people of the fused top scenes, in their order. */
  async function details(
    sceneIds: string[],
    terms: Terms,
  ): Promise<Map<string, DetailRow>> {
    const fuzzyTerms = (list: string[]) => list.filter((t) => terms.typos.has(t));
    if (sceneIds.length === 0) return new Map();
    const speechTerms = [...terms.free, ...terms.said];
    const textTerms = [...terms.free, ...terms.onScreen];
    const matchIn = (column: Column, list: string[]) => {
      if (list.length === 0) return sql`false`;
      const col = sql.raw(`s.${column}`);
      const fuzzy = fuzzyTerms(list).map((t) => sql`word_similarity(${t}, ${col}) >= ${TRIGRAM_CANDIDATE}`);
      return or([sql`to_tsvector('english', ${col}) @@ ${anyOf(list)}`, ...fuzzy]);
    };
    /** A term is confidently there: as a word or stem, or spelt within TRIGRAM_CONFIDENT, in the allowed columns. */
    const confidentIn = (term: string, columns: Column[]) => {
      const lexical = columns.map((c) => sql`to_tsvector('english', ${sql.raw(`s.${c}`)}) @@ ${termQuery(term)}`);
      const spelt = fuzzyTerms([term]).length > 0 ? columns.map((c) => sql`strict_word_similarity(${term}, ${sql.raw(`s.${c}`)}) >= ${TRIGRAM_CONFIDENT}`) : [];
      const glued = columns.includes('ocr_text') ? gluedPattern(term) : null;
      return or([...lexical, ...spelt, ...(glued ? [sql`s.ocr_text ~* ${glued}`] : [])]);
    };
    const required = [
      ...terms.free.map((t) => confidentIn(t, ['transcript', 'ocr_text'])),
      ...terms.said.map((t) => confidentIn(t, ['transcript'])),
      ...terms.onScreen.map((t) => confidentIn(t, ['ocr_text'])),
    ];
    const segmentMatch = speechTerms.length === 0 ? null : or([
      sql`to_tsvector('english', ts.text) @@ ${anyOf(speechTerms)}`,
      ...fuzzyTerms(speechTerms).map((t) => sql`word_similarity(${t}, ts.text) >= ${TRIGRAM_CANDIDATE}`),
    ]);
    const playFrom = segmentMatch
      ? sql`(select greatest(ts.start_s, s.start_s) from transcript_segments ts
             where ts.video_id = s.video_id and ts.start_s < s.end_s and ts.end_s > s.start_s and ${segmentMatch}
             order by ts_rank_cd(to_tsvector('english', ts.text), ${anyOf(speechTerms)}) desc,
               ${sum(fuzzyTerms(speechTerms).map((t) => sql`word_similarity(${t}, ts.text)`))} desc, ts.start_s
             limit 1)`
      : sql`null::float8`;
    const named = terms.people.length > 0 ? or(terms.people.map(personMatches)) : sql`false`;
    const found = await rows<DetailRow & Record<string, unknown>>(sql`
      select s.scene_id, s.video_id, v.title, v.file_name, s.idx, s.start_s, s.end_s, s.thumbnail, s.transcript, s.ocr_text,
        ${matchIn('transcript', speechTerms)} as speech_match,
        (${matchIn('ocr_text', textTerms)} or ${gluedIn([...terms.glued, ...gluedPatterns([], terms.onScreen)])}) as text_match,
        (${required.length > 0 ? and(required) : sql`false`} or ${gluedIn(terms.glued)}) as words_confident,
        ${playFrom} as play_from,
        (select array_agg(coalesce(fp.name, 'Person ' || fp.number) order by fp.name nulls last, fp.number)
           from scene_people sp join face_profiles fp on fp.person_id = sp.person_id
           where sp.scene_id = s.scene_id and sp.user_id = ${userId} and fp.user_id = ${userId}
             and not fp.deleted and (not fp.hidden or ${named})) as people
      from ${FROM}
      where ${OWN} and s.scene_id = any(${sql.param(sceneIds)}::uuid[])`);
    return new Map(found.map((r) => [r.scene_id, r]));
  }

  /** english_stem lexemes of each distinct lower-cased word (an empty list for a stop word). */
  async function stems(words: Iterable<string>): Promise<Map<string, string[]>> {
    const distinct = [...new Set([...words].map((w) => w.toLowerCase()))];
    if (distinct.length === 0) return new Map();
    const found = await rows<{ w: string; l: string[] | null }>(sql`select w, ts_lexize('english_stem', w) as l from unnest(${sql.param(distinct)}::text[]) w`);
    return new Map(found.map((r) => [r.w, r.l ?? [r.w]]));
  }

  /** Snippets of each hit: the speech and the on-screen text that matched, the matching words highlighted. */
  async function snippetsOf(
    found: DetailRow[],
    speechTerms: string[],
    textTerms: string[],
    typos: ReadonlySet<string>,
    gluedRuns: string[],
  ): Promise<Map<string, Snippet[]>> {
    const texts = found.flatMap((r) => [r.speech_match ? r.transcript : '', r.text_match ? r.ocr_text : '']);
    const queryWords = [...speechTerms, ...textTerms].flatMap(wordsOf);
    const stemOf = await stems([...queryWords, ...texts.flatMap(wordsOf)]);
    const matcherFor = (terms: string[]) => {
      const words = terms.flatMap(wordsOf);
      const queryStems = new Set(words.flatMap((w) => stemOf.get(w.toLowerCase()) ?? [w.toLowerCase()]));
      const fuzzyWords = terms.filter((t) => typos.has(t)).map((w) => w.toLowerCase());
      return makeMatcher({ queryStems, stemOf, fuzzyWords, gluedRuns });
    };
    const speech = matcherFor(speechTerms);
    const text = matcherFor(textTerms);
    return new Map(
      found.map((r) => {
        const list: Snippet[] = [];
        const spoken = r.speech_match ? snippetParts(r.transcript, speech) : null;
        if (spoken) list.push({ source: 'speech', parts: spoken });
        const shown = r.text_match ? snippetParts(r.ocr_text, text) : null;
        if (shown) list.push({ source: 'text', parts: shown });
        return [r.scene_id, list];
      }),
    );
  }

  interface Signals {
    visual: Map<string, number>;
    visualThreshold: number;
    faceScenes: Set<string>;
    personFilter: boolean;
    /** Hits are there because they satisfy the query's filters alone. */
    filterOnly: boolean;
  }

  /** Turns the fused order into hits. */
  async function hitsOf(
    fused: { id: string; score: number }[],
    limit: number,
    terms: Terms,
    signals: Signals,
  ): Promise<SearchHit[]> {
    const top = fused.slice(0, limit);
    const detail = await details(top.map((f) => f.id), terms);
    const present = top.filter((f) => detail.has(f.id));
    const rowsInOrder = present.map((f) => detail.get(f.id)!);
    const gluedRuns = [...terms.glued, ...gluedPatterns([], terms.onScreen)].map((p) => p.split(GLUE).join(''));
    const snippets = await snippetsOf(rowsInOrder, [...terms.free, ...terms.said], [...terms.free, ...terms.onScreen], terms.typos, gluedRuns);
    return present.map(({ id, score }) => {
      const r = detail.get(id)!;
      const reasons: MatchReason[] = [];
      if (r.speech_match) reasons.push('speech');
      if (r.text_match) reasons.push('text');
      const similarity = signals.visual.get(id);
      if (similarity !== undefined) reasons.push('visual');
      if (signals.personFilter || signals.faceScenes.has(id)) reasons.push('person');
      const confident =
        r.words_confident ||
        (similarity !== undefined && similarity >= signals.visualThreshold) ||
        signals.faceScenes.has(id) ||
        signals.filterOnly;
      return {
        sceneId: r.scene_id,
        videoId: r.video_id,
        videoTitle: r.title,
        fileName: r.file_name,
        idx: r.idx,
        startS: r.start_s,
        endS: r.end_s,
        thumbnail: r.thumbnail ?? null,
        score,
        confident,
        reasons,
        snippets: snippets.get(id) ?? [],
        playFromS: r.speech_match && r.play_from !== null ? r.play_from : r.start_s,
        people: r.people ?? [],
      };
    });
  }

  /** Face descriptors of the same model within FACE_THRESHOLD, and every scene of the people those faces belong to. */
  async function faceLists(faceVectors: ModelVector[], excludeSceneId?: string): Promise<{ direct: Candidate[]; people: Candidate[] }> {
    const direct = new Map<string, number>();
    const personDistance = new Map<string, number>();
    for (const face of faceVectors) {
      const dim = checkDim(face.vector.length);
      // The model and size filter runs before any distance is computed (vectors of another size cannot be compared).
      const near = await rows<{ scene_id: string; person_id: string | null; distance: number }>(sql`
        with same_model as materialized (
          select f.scene_id, f.person_id, f.embedding from faces f join scenes s on s.scene_id = f.scene_id
          join videos v on v.video_id = s.video_id
          where ${OWN} and f.user_id = ${userId} and not f.deleted and f.face_model = ${face.modelId}
            and f.embedding is not null and vector_dims(f.embedding) = ${dim})
        select scene_id, person_id, distance from (
          select scene_id, person_id, (embedding <-> ${vectorText(face.vector)}::vector)::float8 as distance from same_model) d
        where distance < ${FACE_THRESHOLD}
        order by distance`);
      for (const n of near) {
        if (n.scene_id === excludeSceneId) continue;
        direct.set(n.scene_id, Math.min(direct.get(n.scene_id) ?? Infinity, n.distance));
        if (n.person_id) personDistance.set(n.person_id, Math.min(personDistance.get(n.person_id) ?? Infinity, n.distance));
      }
    }
    const people: Candidate[] = [];
    if (personDistance.size > 0) {
      const personIds = [...personDistance.keys()];
      const scenesOfPeople = await rows<{ scene_id: string; person_id: string }>(sql`
        select sp.scene_id, sp.person_id from scene_people sp
        join face_profiles fp on fp.person_id = sp.person_id
        join scenes s on s.scene_id = sp.scene_id join videos v on v.video_id = s.video_id
        where ${OWN} and sp.user_id = ${userId} and fp.user_id = ${userId} and not fp.deleted
          and sp.person_id = any(${sql.param(personIds)}::uuid[])
        order by s.video_id, s.idx`);
      const best = new Map<string, number>();
      for (const r of scenesOfPeople) {
        if (r.scene_id === excludeSceneId) continue;
        best.set(r.scene_id, Math.min(best.get(r.scene_id) ?? Infinity, personDistance.get(r.person_id)!));
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
      const list = await visualList(request.imageVector, OWN, request.excludeSceneId);
      for (const c of list) visual.set(c.id, c.value!);
      if (list.length === 0) notes.push('No scene has a picture embedding from the same visual model yet.');
      lists.push(list);
    }
    const faceScenes = new Set<string>();
    if (request.faces.length > 0) {
      const { direct, people } = await faceLists(request.faces, request.excludeSceneId);
      for (const c of [...direct, ...people]) faceScenes.add(c.id);
      if (direct.length === 0) notes.push('No one in your videos looks like the face in the example.');
      lists.push(direct, people);
    }
    const fused = fuseRanks(lists.map((l) => l.map((c) => c.id)));
    const hits = await hitsOf(fused, limit, { free: [], said: [], onScreen: [], people: [], typos: new Set(), glued: [] }, {
      visual,
      visualThreshold: VISUAL_EXAMPLE_THRESHOLD,
      faceScenes,
      personFilter: false,
      filterOnly: false,
    });
    return { hits, notes, tookMs: performance.now() - started };
  }

  return {
    /** Hybrid search for a parsed query (see the header); the text vector, when given, adds the visual signal. */
    async searchScenes(request: TextSearchRequest): Promise<SearchResult> {
      const started = performance.now();
      const q = request.query;
      const limit = request.limit ?? DEFAULT_LIMIT;
      const notes = [...q.warnings];
      if (isEmptyQuery(q)) return { hits: [], notes, tookMs: performance.now() - started, query: q };
      const free = freeTerms(q);
      const typos = await corrections([...free, ...q.said, ...q.onScreen]);
      const where = filters(q, typos);

      const lists: Candidate[][] = [];
      if (free.length > 0) lists.push(await fullTextList(free, where));
      const glued = gluedPatterns(q.words, q.phrases);
      if (glued.length > 0) lists.push(await gluedList(glued, where));
      const corrected = free.flatMap((t) => typos.get(t) ?? []);
      if (corrected.length > 0) lists.push(await correctedList(corrected, where));
      if (q.said.length > 0) lists.push(await columnList(q.said, typos, 'transcript', where));
      if (q.onScreen.length > 0) lists.push(await columnList(q.onScreen, typos, 'ocr_text', where));
      const visual = new Map<string, number>();
      const vector = free.length > 0 ? request.textVector : null;
      if (vector) {
        const list = await visualList(vector, where);
        for (const c of list) visual.set(c.id, c.value!);
        lists.push(list);
      }
      const filterOnly = lists.length === 0;
      if (filterOnly) lists.push(await browseList(where));

      const fused = fuseRanks(lists.map((l) => l.map((c) => c.id)));
      const hits = await hitsOf(fused, limit, { free, said: q.said, onScreen: q.onScreen, people: q.people, typos: new Set(typos.keys()), glued }, {
        visual,
        visualThreshold: vector ? visualTextThreshold(vector.modelId) : Infinity,
        faceScenes: new Set(),
        personFilter: q.people.length > 0,
        filterOnly,
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
}

export type SearchRepo = ReturnType<typeof makeSearchRepo>;
