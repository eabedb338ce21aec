// The query language in SQL: the statements of hybrid retrieval as drizzle `SQL` values, built here once and run
// by each side's own driver — the app's DB worker (PGlite) and the sync server (PGlite or Postgres). Nothing here
// touches a database. Aliases every statement uses: s = scenes, v = videos, fp = face_profiles,
// sp = scene_people, ts = transcript_segments. Each signal ranks its own candidates, all under the same filters
// and scoped to one user's live rows:
//   full text   search_tsv @@ websearch_to_tsquery('english', …), ranked by ts_rank_cd (all the words first);
//   typos       a word found in too few scenes is corrected from the library's words (scene_words) a trigram index finds
//               (pg_trgm word_similarity), and the corrections search as words;
//   said:/text: the words in the transcript / on-screen text only (a filter and a ranked list of their own);
//   people      a filter; a query of filters only lists the matching scenes.
// Visual similarity depends on each side's vector indexes and lives with them.
import { sql, type SQL } from 'drizzle-orm';
import { TRIGRAM_CANDIDATE, TRIGRAM_CONFIDENT, TRIGRAM_MIN_LETTERS, TRIGRAM_TWO_SLIPS_SAMPLE } from './thresholds.ts';
import type { RunRows } from './ocr-words.ts';
import type { ParsedQuery } from './types.ts';
import { wordsOf } from './snippets.ts';
import { closeSpellings } from './spelling.ts';
import { splitQueryWord } from './glued-words.ts';

/** Hits returned unless the request asks for another number. */
export const DEFAULT_LIMIT = 50;
/** Candidates each signal contributes to fusion. */
export const CANDIDATES = 100;

// ---- fragments ------------------------------------------------------------------------------------------------

/** FNV-1a, 32 bits: a short, stable, SQL-safe tag for a model id in an index name. */
export function hashTag(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A string as a SQL literal. Only for values the planner must see as constants (a partial index's predicate). */
export function literal(value: string): SQL {
  if (value.includes('\0')) throw new Error('A model id cannot contain a NUL character.');
  return sql.raw(`'${value.replace(/'/g, "''")}'`);
}

export function checkDim(dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0 || dim > 16000) throw new Error(`A vector size must be a whole number from 1 to 16000 (got ${dim}).`);
  return dim;
}

/** A vector in pgvector's text form. */
export const vectorText = (v: ArrayLike<number>) => `[${finiteValues(v).join(',')}]`;

/** A query vector's values, refused when one is not a number. */
function finiteValues(v: ArrayLike<number>): number[] {
  const values = Array.from(v);
  if (values.some((x) => !Number.isFinite(x))) throw new Error('The query vector has a value that is not a number.');
  return values;
}

/**
 * A query vector for a nearest-neighbour statement, sent once: `cte` is a WITH item of the statement (`with
 * ${cte}, …`), `value` stands wherever the vector is compared. A vector parameter costs ~0.6 ms to read in PGlite (vector_in, 512 values) and statements
 * that name it in both their ORDER BY and their similarity column read it twice (measured at 100k scenes: HNSW
 * statement 7.0 → 6.1 ms CPU). As an InitPlan the value is a pseudo-constant, so the HNSW index still orders by it.
 * `dim` types it for a per-model expression index (omitted: a plain vector). For a cosine distance, cosineQueryVector.
 */
export function queryVector(values: ArrayLike<number>, dim?: number): { cte: SQL; value: SQL } {
  return vectorCte(sql`${vectorText(values)}`, dim);
}

/** The largest whole number float4 holds exactly: a cosine query vector's largest value (see cosineQueryVector). */
const COSINE_SCALE = 2 ** 24;

/**
 * queryVector for a cosine distance (`<=>`), read ~0.5 ms faster: the cosine of two vectors does not change with
 * their length, so the vector is scaled to whole numbers (its largest value to ±2^24) and sent as an int4[], which
 * PostgreSQL reads in a third of the time of vector's own text (PGlite, 512 values: 0.26–0.34 against 0.82–0.98
 * ms; vector_in spends it in strtof). What rounding changes is below float4's own precision of the largest value
 * (a measured cosine distance 0.0143930597 → 0.0143929478). Never for `<->`, whose distances scale with the vector.
 */
export function cosineQueryVector(values: ArrayLike<number>, dim?: number): { cte: SQL; value: SQL } {
  const list = finiteValues(values);
  let largest = 0;
  for (const x of list) largest = Math.max(largest, Math.abs(x));
  // Built in one loop: mapping 512 values twice and joining them took ~0.1 ms of each search's JavaScript.
  let text = '{';
  for (let i = 0; i < list.length; i++) text += (i === 0 ? '' : ',') + (largest === 0 ? 0 : Math.round((list[i]! / largest) * COSINE_SCALE));
  return vectorCte(sql`${`${text}}`}::text::int4[]`, dim);
}

/**
 * How every HNSW index of ours is built (`create index … using hnsw (…) ${HNSW_BUILD} where …`): ef_construction
 * 128 instead of pgvector's 64, m at its default 16. On the 100k bench library (512-d, PGlite in Node), three builds
 * each: recall@10 at ef_search 100 0.993–0.997 against 0.950–0.987 (and 0.92–1.0 in three builds of earlier
 * stops: pgvector draws each node's level at random), nearest-100 p50 4.16–4.87 against 3.96–4.61 ms; the build
 * 148–154 s against 111–122 s; a scene row rewritten with the index in place (every later stage rewrites the
 * row, and pgvector searches the graph again to file the same vector) 1.93 against 1.55–1.84 ms at 10k scenes.
 * m 8 was faster (3.45 ms) at recall 0.86; m 12 slower (5.5 ms) at 0.997. An index built before keeps its own
 * settings until it is built again. HNSW_GRAPH: the same numbers, for the graphs built outside PostgreSQL
 * (client/src/db/picture-index.ts).
 */
export const HNSW_GRAPH = { m: 16, efConstruction: 128 } as const;
export const HNSW_BUILD = sql.raw(`with (ef_construction = ${HNSW_GRAPH.efConstruction})`);

/**
 * The CANDIDATES scenes nearest a query vector by cosine distance: rows of scene_id and distance (1 − cosine
 * similarity), nearest first — under hnsw.iterative_scan = relaxed_order a scan may return one slightly out of
 * place, so callers sort again. `vector` is the scenes' vector expression (a per-model index's own, for its HNSW
 * index to order by), `where` the filters and the model predicate, `dim` types the query vector for such an index,
 * and `tieBreak` orders equal distances (an exact scan). The distance is written once and ordered by its name:
 * ordering by the expression again made PostgreSQL compute it twice per row, each time reading the row's vector
 * (2 KB at 512 dimensions) out of TOAST: 100 neighbours at 100k scenes, p50 4.8 ms before and 3.9 ms after (PGlite,
 * the bench library). Without `tieBreak` the statement is one an index serves, and each scene's video is looked up by
 * its key (EACH_SCENES_VIDEO), a join that keeps the index's order: joined plainly, the planner hashed a user's
 * videos whenever it expected few rows (the server's index predicate names the vector size, which it cannot
 * estimate), and the scan then read every vector the index holds and sorted them (the server's embedded PGlite, 15k
 * scenes of one user in 75 videos: 145 ms against 8). `readsVideo: false` says `where` reads nothing of the video
 * (no filter on it: see filtersReadVideo), and then no video is read at all (FROM's join is dropped): the app's 100k
 * bench library, 120 query vectors interleaved, same rows, p50/p95 5.61/7.21 → 5.27/6.65 ms. The app passes it, where
 * the index predicate names the model (which the planner estimates); the server, whose predicate it cannot, does not.
 */
export function cosineNearestQuery(
  values: ArrayLike<number>,
  vector: SQL,
  where: SQL,
  options: { dim?: number; tieBreak?: SQL; readsVideo?: boolean } = {},
): SQL {
  const target = cosineQueryVector(values, options.dim);
  // No cast on the distance (<=> is float8 already): ORDER BY a cast would no longer be the index's expression.
  return sql`
    with ${target.cte}
    select s.scene_id, ${vector} <=> ${target.value} as distance
    from ${options.tieBreak || options.readsVideo === false ? FROM : EACH_SCENES_VIDEO}
    where ${where}
    order by distance${options.tieBreak ? sql`, ${options.tieBreak}` : sql``}
    limit ${CANDIDATES}`;
}

function vectorCte(value: SQL, dim?: number): { cte: SQL; value: SQL } {
  const type = dim === undefined ? sql`vector` : sql`vector(${sql.raw(String(checkDim(dim)))})`;
  return {
    cte: sql`query_vector as materialized (select ${value}::${type} as v)`,
    value: sql`(select v from query_vector)`,
  };
}

/** One term (a word or a phrase) as websearch syntax: quoted, so its words must be adjacent and in order. */
const quoted = (term: string) => `"${term.replace(/["\\]/g, ' ')}"`;
/** Every term (all must match). */
export const allOf = (terms: string[]) => sql`websearch_to_tsquery('english', ${terms.map(quoted).join(' ')})`;
/** Any of the terms. */
export const anyOf = (terms: string[]) => sql`websearch_to_tsquery('english', ${terms.map(quoted).join(' or ')})`;
export const termQuery = (term: string) => sql`websearch_to_tsquery('english', ${quoted(term)})`;

/**
 * A tsquery built once per statement (an InitPlan) instead of once per row and place: in a prepared statement's
 * generic plan websearch_to_tsquery of a parameter is not folded into a constant, so it was parsed and stemmed for
 * every row it was checked or ranked on. An index condition takes it as a run-time key, as it does a constant.
 * Measured on the 100k bench library: the hit details (a dozen places per hit) 3.2 → 2.7 ms for 50 hits; the
 * full-text lists, prepared (see fullTextQuery), 6.8 → 3.6 ms for two middling words.
 */
const once = (query: SQL) => sql`(select ${query})`;

/**
 * Terms the typo signal may take: single words long enough to have telling trigrams. A quoted phrase asks for
 * exactly those words in that order, which trigrams (a bag of letter triples) cannot tell apart from any other.
 */
export const spellable = (terms: string[]) => terms.filter((t) => wordsOf(t).length === 1 && wordsOf(t)[0]!.length >= TRIGRAM_MIN_LETTERS);

/**
 * A word found as a word (or stem) in at least this many scenes is taken as spelt right and skips the typo
 * signal. Trigram matching costs a word_similarity per scene that shares the word's trigrams (~45 µs each in
 * PGlite, measured): a well-spelt common word would pay that on thousands of scenes for nothing.
 */
export const SPELT_RIGHT_SCENES = 5;
/** Spelling corrections kept per misspelt word. */
export const CORRECTIONS_PER_TERM = 3;
/**
 * The words spelt like a misspelt word that a hit may hold to match it (see alikeWordsQuery), the most similar: a hit
 * holding only a less similar one is not said to match the word.
 */
const ALIKE_WORDS = 50;

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * OCR often drops the spaces between words ("HARBORFESTIVALTICKETS", measured on text over busy
 * backgrounds). A run of two or more words also matches on-screen text where the words stand together
 * with or without anything between them: a regular expression, what a hit's details check (gluedIn; the list of
 * glued scenes looks for the form full text cannot match: gluedQuery). A single word that reads as two or more
 * words (splitQueryWord: "blueberry") is such a run of its parts, so it also finds the sign OCR read apart
 * ("BLUE BERRY"). Null for any other single word or a run too short to be telling.
 */
export const GLUE = '[^[:alnum:]]*';

/** A glued-words pattern's words with nothing between them ("wetpaint"), as OCR reads a tight sign. */
export const runTogether = (pattern: string) => pattern.split(GLUE).join('');

export function gluedPattern(text: string): string | null {
  return gluedRun(text)?.pattern ?? null;
}

/**
 * A run of the query's words (see gluedPattern): its pattern, and whether it was typed as one word. What full text
 * cannot match differs: words typed apart may stand run together on screen (one token, "WETPAINT"); a word typed
 * whole may stand apart ("BLUE BERRY").
 */
export interface GluedRun {
  pattern: string;
  typedWhole: boolean;
}

function gluedRun(text: string): GluedRun | null {
  let words = wordsOf(text).map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w.length > 0);
  const typedWhole = words.length === 1;
  if (typedWhole) words = splitQueryWord(words[0]!) ?? words;
  if (words.length < 2 || words.join('').length < 8) return null;
  return { pattern: words.join(GLUE), typedWhole };
}

/** The glued-words runs of a query: the plain words as one run (with no phrases beside them), and each phrase. */
export function gluedRuns(words: string[], phrases: string[]): GluedRun[] {
  const runs = phrases.length === 0 ? [words.join(' ')] : words.length === 0 ? phrases : [];
  return runs.map(gluedRun).filter((r): r is GluedRun => r !== null);
}

/**
 * The glued-words patterns of a query (see gluedRuns). A scene matching one holds the whole query (a confident
 * hit): a word of several that reads as several words is matched as such per term instead (confidentIn).
 */
export const gluedPatterns = (words: string[], phrases: string[]): string[] => gluedRuns(words, phrases).map((r) => r.pattern);

export const gluedIn = (patterns: string[]) => or(patterns.map((p) => sql`s.ocr_text ~* ${p}`));

/** The video's date as YYYY-MM-DD text (ISO dates compare as text): its recorded creation time, else its import. */
const VIDEO_DAY = sql.raw(`(case
  when (v.metadata -> 'probe' ->> 'creationTime') ~ '^\\d{4}-\\d{2}-\\d{2}' then left(v.metadata -> 'probe' ->> 'creationTime', 10)
  when (v.metadata -> 'probe' ->> 'creation_time') ~ '^\\d{4}-\\d{2}-\\d{2}' then left(v.metadata -> 'probe' ->> 'creation_time', 10)
  else to_char(v.created_at, 'YYYY-MM-DD') end)`);

export const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));
export const or = (parts: SQL[]) => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`);

export type Column = 'transcript' | 'ocr_text';

/**
 * A column's text as its words are searched: on-screen text with the dictionary words of its glued tokens
 * (scenes.ocr_words, see glued-words.ts), so a word of a glued sign is found as a word. search_tsv indexes the same.
 */
export const searchedText = (column: Column) =>
  column === 'ocr_text' ? sql.raw(`(s.ocr_text || ' ' || coalesce(s.ocr_words, ''))`) : sql.raw(`s.${column}`);

/**
 * A column's searched text as a tsvector: the on-screen text's as stored (scenes.ocr_tsv, kept by a trigger as it is
 * written; parsed here only for a scene written before it existed), the transcript's parsed here.
 */
const parsedText = (column: Column) =>
  column === 'ocr_text'
    ? sql`coalesce(s.ocr_tsv, to_tsvector('english', ${searchedText(column)}))`
    : sql`to_tsvector('english', ${searchedText(column)})`;

/** A term in one column, as a word or stem, as one of its spelling corrections (see corrections()), or in on-screen text with its words run together (see gluedPattern). */
function termInColumn(term: string, column: Column, typos: ReadonlyMap<string, string[]>): SQL {
  const forms = [term, ...(typos.get(term) ?? [])];
  // The GIN tsvector index narrows the scenes; the column's own tsvector decides.
  const lexical = sql`(s.search_tsv @@ ${anyOf(forms)} and ${parsedText(column)} @@ ${anyOf(forms)})`;
  const glued = column === 'ocr_text' ? gluedPattern(term) : null;
  return glued ? sql`(${lexical} or s.ocr_text ~* ${glued})` : lexical;
}

/**
 * A person filter: a name, case-insensitive — whole, or whole words of it (a first name, a surname: "Lovelace"
 * finds Ada Lovelace, "Love" does not) — or "Person N" by number. Hidden people match.
 */
export function personMatches(name: string): SQL {
  const number = /^person\s+(\d{1,9})$/i.exec(name.trim());
  return number ? sql`(${nameMatches(name)} or fp.number = ${Number(number[1])})` : nameMatches(name);
}

/** A person's name is the text, or has it as whole words (the name half of personMatches). */
const nameMatches = (text: string) => sql`(lower(fp.name) = lower(${text})
    or (' ' || lower(fp.name) || ' ') like '% ' || lower(${escapeLike(text.trim())}) || ' %' escape '\\')`;

/**
 * The user's live scenes of live videos that finished indexing: every statement starts from here. A video in its
 * first indexing run is left out (first_indexing: half a video would answer as if it were all), and so is one whose
 * first run failed or was cancelled (first_indexing stays set: what it found is partial, and the card says so). One
 * whose stages run again (a model installed, Re-index) is searched on what it has, during the run and after it,
 * even when the run is cancelled after a stage wrote (migration 0016). Said of the scene alone (alias s), its
 * video's state as the list of the user's videos that are not searched (an InitPlan, read once per statement:
 * mostly none), so that a list needing nothing else of the video reads no video at all (FROM's join is then
 * dropped): on the 100k bench library (500 videos), interleaved, same hits, a one-word search p50 11.82 → 10.50 ms
 * and two common words 20.39 → 19.08, where the join looked up each of the up to RANKED_MATCHES scenes' video; two
 * middling words (a few hundred scenes read) 10.60 → 10.48. A scene's video is always the same user's (a foreign
 * key, and the server refuses a batch naming another user's rows).
 */
export const ownScenes = (userId: string) =>
  sql`s.user_id = ${userId} and not s.deleted and s.video_id <> all (array(
    select h.video_id from videos h where h.user_id = ${userId} and (h.deleted or h.first_indexing or h.state = 'DELETED')))`;
/**
 * The scenes and their videos (aliases s and v). A left join on the video's key, which PostgreSQL drops from a
 * statement that reads nothing of v (ownScenes alone names no video column); a filter on the video (video:,
 * after:, before:) keeps it.
 */
export const FROM = sql`scenes s left join videos v on v.video_id = s.video_id and v.user_id = s.user_id`;

/** Whether a query's filters read its scenes' videos (video:, after:, before:): no other part of filtersOf does. */
export const filtersReadVideo = (q: Pick<ParsedQuery, 'videos' | 'after' | 'before'>) => q.videos.length > 0 || q.after !== null || q.before !== null;

/** Everything a hit must satisfy, whatever signal found it: the user's live scenes and the query's filters. */
export function filtersOf(userId: string, q: ParsedQuery, typos: ReadonlyMap<string, string[]>): SQL {
  const parts = [ownScenes(userId)];
  for (const fragment of q.videos) {
    const pattern = `%${escapeLike(fragment)}%`;
    parts.push(sql`(v.title ilike ${pattern} escape '\\' or v.file_name ilike ${pattern} escape '\\')`);
  }
  if (q.after) parts.push(sql`${VIDEO_DAY} >= ${q.after}`);
  if (q.before) parts.push(sql`${VIDEO_DAY} <= ${q.before}`);
  for (const name of q.people) {
    parts.push(sql`exists (
      select 1 from scene_people sp join face_profiles fp on fp.person_id = sp.person_id
      where sp.scene_id = s.scene_id and sp.user_id = ${userId} and not sp.deleted and fp.user_id = ${userId} and not fp.deleted
        and ${personMatches(name)})`);
  }
  for (const term of q.said) parts.push(termInColumn(term, 'transcript', typos));
  for (const term of q.onScreen) parts.push(termInColumn(term, 'ocr_text', typos));
  return and(parts);
}

// ---- spelling corrections -------------------------------------------------------------------------------------

/**
 * How often each spellable term is found as a word (capped at SPELT_RIGHT_SCENES), and whether it has a lexeme
 * at all (`nodes` 0: a stop word, not misspelt, just not searchable). One subquery per term with the term as a
 * constant, so the planner sees how rare it is and takes the index. Null when no term is spellable.
 */
export function spellingCountsQuery(userId: string, terms: string[]): SQL | null {
  const candidates = [...new Set(spellable(terms))];
  if (candidates.length === 0) return null;
  return sql.join(
    candidates.map((t) => sql`
      select ${t}::text as term, numnode(${termQuery(t)}) as nodes, (select count(*) from (
        select 1 from scenes s where s.user_id = ${userId} and not s.deleted and s.search_tsv @@ ${termQuery(t)}
        limit ${SPELT_RIGHT_SCENES}) x)::int as n`),
    sql` union all `,
  );
}

/**
 * A query term that may be misspelt: found in fewer than SPELT_RIGHT_SCENES scenes. `held`: some scene holds it as
 * typed (as a word or stem), so it may be a rare word meant as written rather than a slip (see correctionsOf).
 */
export interface MisspeltTerm {
  term: string;
  held: boolean;
}

/**
 * The spellable terms whose word is a word of the library in at least SPELT_RIGHT_SCENES live scenes (scene_words:
 * lower-cased runs of letters and digits, counted as scenes are written): spelt right, with no need to count their
 * scenes (spellingCountsQuery, planned for its words: ~1.3 ms of a two-word search at 1k scenes, where most pairs
 * are said together in fewer than SPELT_RIGHT_SCENES scenes and so asked about). Such a word's scenes hold it as a
 * full-text word too, but for one seen only inside a web or e-mail address, which full text reads whole: a word the
 * library holds all the same. Rows of `term`; null when no term is spellable.
 */
export function speltRightQuery(userId: string, terms: string[]): SQL | null {
  const candidates = [...new Set(spellable(terms))];
  if (candidates.length === 0) return null;
  const words = candidates.map((t) => wordsOf(t)[0]!.toLowerCase());
  return sql`select t.term from unnest(${sql.param(candidates)}::text[], ${sql.param(words)}::text[]) t(term, word)
    where exists (select from scene_words w where w.word = t.word and w.user_id = ${userId} and w.scenes >= ${SPELT_RIGHT_SCENES})`;
}

/** The terms of spellingCountsQuery's rows that look misspelt. */
export const misspeltTerms = (counts: { term: string; nodes: number; n: number }[]): MisspeltTerm[] =>
  counts.filter((r) => Number(r.nodes) > 0 && Number(r.n) < SPELT_RIGHT_SCENES).map((r) => ({ term: r.term, held: Number(r.n) > 0 }));

/**
 * Sets the `%>` and `%>>` operators' thresholds for alikeWordsQuery and twoSlipCandidatesQuery (the caller's
 * transaction, or its session). Run with `enable_seqscan = off`: on a small table the planner prefers a sequential
 * scan that computes the similarity of every row (400 ms on 2000 scenes when corrections came from the scenes'
 * texts, measured); the trigram index answers in a few ms.
 */
export const trigramThresholdStatement = (local: boolean) =>
  sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TRIGRAM_CANDIDATE)}, ${local}),
    set_config('pg_trgm.strict_word_similarity_threshold', ${String(TRIGRAM_TWO_SLIPS_SAMPLE)}, ${local})`;

/**
 * The scene_words rows a trigram operator on the word accepts, found through the trigram index alone: each row the
 * index offers costs a similarity (~45 µs in PGlite), and with the user's rows to choose from the planner took the
 * key to read all of them instead (5000 words, 57 ms on the 100k bench library, loaded machine). The user and the
 * rest are filtered afterwards.
 */
const similarWords = (operator: SQL) => sql`select w.word, w.user_id, w.scenes from scene_words w where ${operator}`;

/**
 * The words of the user's live scenes (scene_words, counted by triggers on scenes) spelt like one misspelt term
 * (word_similarity ≥ TRIGRAM_CANDIDATE), most similar first, at most ALIKE_WORDS: rows of `word` and `confident`
 * (strict_word_similarity ≥ TRIGRAM_CONFIDENT). The first CORRECTIONS_PER_TERM are the term's spelling corrections
 * ("quartely" → "quarterly"), which then search as words through the full-text index; all of them say which hits
 * hold the term spelt alike (see AlikeWords). The trigram index over the distinct words answers in about a
 * millisecond; taking the words of a few scenes that the trigram indexes over the scenes' whole texts picked cost
 * 20–32 ms at 100k scenes (measured in the bench), and matching whole scenes by trigrams 2.6 s on 20k scenes.
 */
export function alikeWordsQuery(userId: string, term: string): SQL {
  return sql`
    with spelt_alike as materialized (${similarWords(sql`w.word %> ${term}`)})
    select word, strict_word_similarity(${term}, word) >= ${TRIGRAM_CONFIDENT} as confident from spelt_alike
    where user_id = ${userId} and scenes > 0 and word <> lower(${term}) and word_similarity(${term}, word) >= ${TRIGRAM_CANDIDATE}
    order by similarity(${term}, word) desc, word
    limit ${ALIKE_WORDS}`;
}

/**
 * Candidates for two letter slips (see corrections.ts): the user's words of about the term's length at
 * strict_word_similarity ≥ TRIGRAM_TWO_SLIPS_SAMPLE (the `%>>` operator, its threshold set by
 * trigramThresholdStatement), most similar first.
 */
export function twoSlipCandidatesQuery(userId: string, term: string, limit: number): SQL {
  return sql`
    with spelt_alike as materialized (${similarWords(sql`w.word %>> ${term}`)})
    select word from spelt_alike
    where user_id = ${userId} and scenes > 0 and length(word) between ${term.length - 2} and ${term.length + 2}
      and strict_word_similarity(${term}, word) >= ${TRIGRAM_TWO_SLIPS_SAMPLE}
    order by strict_word_similarity(${term}, word) desc, word
    limit ${limit}`;
}

// ---- ranked candidate lists (rows of scene_id, best first) ----------------------------------------------------

/**
 * Matches of the full-text index that get ranked, per tier (see rankedMatches). ts_rank_cd itself is cheap; what
 * costs is reading each matching row from the table: two words of middling frequency match ~12,700 of the 100k
 * bench scenes, and EXPLAIN ANALYZE (PGlite) showed the time in the bitmap heap scan over those rows and the rank
 * of each; ranking them all made the words-only search 49 ms p95. All the words together matched 374 of them.
 * Chosen by recall against the exact ranking on the 100k bench library (recall@10 / counting ties of
 * ts_rank_cd as equal): two middling words 1.0 / 1.0 at 1000 and 2000; one middling word (1300–7000 scenes)
 * 0.42 / 0.89 at 1000, 0.79 / 1.0 at 2000, 0.96 at 4000; two common words 0.25 / 0.57 at 1000, 0.41 / 0.76 at
 * 2000. At most RANKED_MATCHES + CANDIDATES rows are read per list, whatever the words.
 */
export const RANKED_MATCHES = 2000;

/**
 * The bound of the second tier (scenes with some of the words, see fullTextQuery): it only fills the places the
 * first tier leaves, and reading each of its rows is what costs (~2.5 µs a row in PGlite, measured at 100k scenes:
 * 2000 rows took 6–7 ms of a 9 ms list, 500 rows 2.7 ms). Its ranks mostly tie — a middling word is said once
 * in a scene — so more rows mostly change which of the tied scenes come. Chosen by rank recall in the bench
 * (`npm run bench -- --only search`, "by rank@100").
 */
export const SOME_TERMS_RANKED = 500;

/** At most `limit` scenes matching `condition`, in the order the index gives them (table order). */
const matches = (condition: SQL, where: SQL, limit = RANKED_MATCHES) =>
  sql`select s.scene_id, s.search_tsv from ${FROM} where ${where} and ${condition} limit ${limit}`;

/** Scenes matching `any`, best first by ts_rank_cd over at most RANKED_MATCHES of its matches (see fullTextQuery). */
function rankedMatches(any: SQL, where: SQL, wanted: number): SQL {
  return sql`
    select m.scene_id, 0 as tier from (${matches(sql`s.search_tsv @@ ${any}`, where)}) m
    order by ts_rank_cd(m.search_tsv, ${any}) desc, m.scene_id
    limit ${wanted}`;
}

/**
 * Full text over transcript + on-screen text (rows of scene_id and tier, best first): scenes with every term first
 * (tier 0), then by ts_rank_cd. Each tier ranks a bounded set of its matches, taken in the order the index gives
 * them (table order), instead of every matching row:
 *   - every term: the GIN index intersects the terms' posting lists, so this tier is small unless all the terms
 *     are common; ranked exactly whenever it holds at most RANKED_MATCHES scenes;
 *   - some of the terms (tier 1): only read when the first tier holds fewer than CANDIDATES scenes (it can never
 *     reach the top CANDIDATES otherwise), and then exact up to SOME_TERMS_RANKED such scenes.
 * What a query of common words (tens of thousands of scenes) gives up: the order within a tier is ts_rank_cd over
 * its first bounded set of scenes in table order (the earliest stored) rather than over all of them, so a scene
 * that says the words more often, stored later, can be missed. Every-term scenes still come before some-term
 * ones; within a tier ts_rank_cd differs mostly by how often a word is said (cover density), and many scenes tie;
 * the other signals (the picture, the glued words, the corrections) are fused over their own lists. A word that
 * common says little about which scene is meant, and ranking all its matches cost 170–400 ms at 100k scenes.
 * (Two statements, one per tier, gave the same rows and were no faster at 100k scenes: measured.)
 * Its tsqueries are InitPlans (once), so one plan serves any words: the app runs it prepared (prepared.ts), where
 * a plan made for each search's words cost 0.8–1.9 ms to make and chose the same scans (100k bench library, p50,
 * the same lists: two middling words 4.6 → 3.6 ms, rare words 3.3 → 2.8, common words 12.0 → 11.5, one word
 * 6.4 → 6.7).
 * `wanted`: the list's length, CANDIDATES unless the caller fuses it with no other list and shows fewer hits (see
 * FullTextList.whole); its rows are the first `wanted` of the CANDIDATES list, and the second tier is only read
 * when the first holds fewer than `wanted`.
 */
export function fullTextQuery(terms: string[], where: SQL, wanted = CANDIDATES): SQL {
  return termGroupsQuery(terms.map((term) => [term]), where, wanted);
}

/**
 * fullTextQuery over groups of terms where any term of a group stands for the group (a misspelt word or one of its
 * spelling corrections): "every term" is one of each group.
 */
function termGroupsQuery(groups: string[][], where: SQL, wanted = CANDIDATES): SQL {
  const any = once(anyOf(groups.flat()));
  if (groups.length === 1) return rankedMatches(any, where, wanted);
  const all = once(groups.every((group) => group.length === 1) ? allOf(groups.flat()) : sql`(${sql.join(groups.map(anyOf), sql` && `)})`);
  return sql`
    with every_term as materialized (${matches(sql`s.search_tsv @@ ${all}`, where)})
    select scene_id, tier from (
      select scene_id, 0 as tier, ts_rank_cd(search_tsv, ${any}) as rank from every_term
      union all
      select m.scene_id, 1, ts_rank_cd(m.search_tsv, ${any}) from (${matches(sql`s.search_tsv @@ ${any} and not (s.search_tsv @@ ${all})`, where, SOME_TERMS_RANKED)}) m
      where (select count(*) from every_term) < ${wanted}
    ) ranked
    order by tier, rank desc, scene_id
    limit ${wanted}`;
}

/** The full-text list (see fullTextQuery): the scene ids, best first, and how many of them hold every term. */
export async function fullTextList(terms: string[], where: SQL, run: RunRows): Promise<FullTextList> {
  return fullTextListOf(await run<FullTextRow>(fullTextQuery(terms, where)));
}

/** A row of fullTextQuery. */
export type FullTextRow = { scene_id: string; tier: number };
export interface FullTextList {
  ids: string[];
  everyTerm: number;
  /**
   * Whether `ids` is the whole list of CANDIDATES, as fusion with other lists needs it: a list asked for fewer rows
   * (fullTextQuery's `wanted`) is whole when it came back shorter than that.
   */
  whole: boolean;
}

/** fullTextList from the rows of fullTextQuery, asked for `wanted` rows. */
export function fullTextListOf(found: readonly FullTextRow[], wanted = CANDIDATES): FullTextList {
  return {
    ids: found.map((r) => r.scene_id),
    everyTerm: found.filter((r) => Number(r.tier) === 0).length,
    whole: wanted >= CANDIDATES || found.length < wanted,
  };
}

/**
 * The typo signal: the full-text list again, each misspelt term standing for itself or one of its spelling
 * corrections, so that scenes holding the query's other words as well come first ("quartely report": quarterly and
 * report, then either). Ranking the scenes of any correction alone read up to RANKED_MATCHES scenes of words that
 * may be common and ranked the scenes of both words no higher: on the 100k bench library a search with one letter
 * dropped had 0.22 of the right spelling's top 10, and this list took 7.3 ms. Null when no term has corrections.
 */
export function correctedQuery(terms: string[], typos: ReadonlyMap<string, readonly string[]>, where: SQL): SQL | null {
  if (!terms.some((term) => (typos.get(term) ?? []).length > 0)) return null;
  return termGroupsQuery(terms.map((term) => [term, ...(typos.get(term) ?? [])]), where);
}

/**
 * FROM for a statement that reads few scenes (the hits' details, the glued words' matches, the nearest neighbours an
 * index gives): each scene's video looked up by its key (a LATERAL subquery that OFFSET 0 keeps apart). Joined
 * plainly, the generic plan hashed every video of the library for them: 0.3 of 2.7 ms of the 50 hits' details at
 * 500 videos (100k bench library), and more the more videos a library holds.
 */
const EACH_SCENES_VIDEO = sql`scenes s cross join lateral (select * from videos v where v.video_id = s.video_id and v.user_id = s.user_id offset 0) v`;

/**
 * The words of a glued-words pattern as a LIKE pattern ('%blue%berry%'): a superset of the pattern's matches.
 * pg_trgm answers it from the trigram index in ~1.3 ms where the regular expression itself, analysed into trigrams,
 * took ~10 ms at 100k scenes (measured, EXPLAIN ANALYZE in PGlite). regexp_like needs PostgreSQL 15 or later
 * (PGlite is 18, deploy/ runs 17).
 */
const gluedLike = (pattern: string) => `%${pattern.split(GLUE).map(escapeLike).join('%')}%`;

/**
 * On-screen text holding a glued run in the form full text cannot match (see GluedRun), where the run's own rank
 * is its text's length (shortest first):
 * - Words typed apart, run together in one token of on-screen text: ILIKE through the trigram index, asked only when
 *   the library's words (scene_words, every run of letters and digits of its texts) hold one with the run inside —
 *   as good as never but for a glued sign, and ~0.1 ms where the scan took ~1 ms, up to ~5 ms, on every search of
 *   two words or more (100k bench library). The words side by side are full text's every-word matches.
 * - A word typed whole that reads as several, its parts apart on screen: narrowed by their words (gluedLike), then
 *   the pattern checked on those rows only, as regexp_like — a function, which the planner does not hand to the index.
 */
function gluedRunScenes(userId: string, run: GluedRun, where: SQL): SQL {
  if (run.typedWhole) return sql`${where} and s.ocr_text ilike ${gluedLike(run.pattern)} and regexp_like(s.ocr_text, ${run.pattern}, 'i')`;
  // A condition on no column of the scan: the planner runs it once, before the scan, and skips the scan when false.
  // A count, not EXISTS: planned to stop at a first match it expects early, EXISTS scanned every word of a small
  // library (~2.8 ms at 1k bench scenes, 3,913 words) where the gate is as good as always false and the trigram index
  // answers in ~0.1 ms (with ILIKE's cost as planner-costs.ts sets it in the app).
  const inside = `%${escapeLike(runTogether(run.pattern))}%`;
  return sql`${where} and s.ocr_text ilike ${inside}
    and (select count(*) from scene_words w where w.user_id = ${userId} and w.scenes > 0 and w.word ilike ${inside}) > 0`;
}

/** The scenes of the query's glued runs (see gluedRunScenes), shortest on-screen text first. */
export function gluedQuery(userId: string, runs: GluedRun[], where: SQL): SQL {
  const each = runs.map((run) => sql`select s.scene_id, length(s.ocr_text) as length from ${EACH_SCENES_VIDEO} where ${gluedRunScenes(userId, run, where)}`);
  return sql`
    select g.scene_id from (${sql.join(each, sql` union `)}) g
    order by g.length, g.scene_id
    limit ${CANDIDATES}`;
}

/** said:/text: terms, ranked by their column's own full-text rank (the filter requires them), then by scene id. */
export function columnQuery(terms: string[], typos: ReadonlyMap<string, string[]>, column: Column, where: SQL): SQL {
  const forms = terms.flatMap((t) => [t, ...(typos.get(t) ?? [])]);
  return sql`
    select s.scene_id from ${FROM}
    where ${where}
    order by ts_rank_cd(${parsedText(column)}, ${anyOf(forms)}) desc, s.scene_id
    limit ${CANDIDATES}`;
}

/** Scenes matching the filters alone (a query of filters only): newest video first, in scene order. */
export function browseQuery(where: SQL): SQL {
  return sql`
    select s.scene_id from ${FROM} where ${where}
    order by ${VIDEO_DAY} desc, v.created_at desc, s.video_id, s.idx
    limit ${CANDIDATES}`;
}

/** The people the user named whom a name typed without `person:` names (see namedPersonScenesQuery): rows of person_id. */
export const namedPeopleQuery = (userId: string, text: string) => sql`
    select fp.person_id from face_profiles fp
    where fp.user_id = ${userId} and not fp.deleted and fp.name is not null and ${nameMatches(text)}`;

/**
 * The scenes of the given people under the filters (see namedPersonList), newest video first, in scene order.
 */
export function namedPersonScenesQuery(userId: string, personIds: string[], where: SQL): SQL {
  return sql`
    select s.scene_id from ${FROM}
    where ${where} and s.scene_id in (
      select sp.scene_id from scene_people sp
      where sp.user_id = ${userId} and not sp.deleted and sp.person_id = any(${sql.param(personIds)}::uuid[]))
    order by ${VIDEO_DAY} desc, v.created_at desc, s.video_id, s.idx
    limit ${CANDIDATES}`;
}

/**
 * A name typed without `person:` ("ada", "Ada Lovelace"): the scenes of the named people the free text names, by
 * the rule of a person: filter (the whole name or whole words of it), newest video first, in scene order. Only
 * people the user named: a bare "person 2" stays words. Hidden people are found, as by a filter. Most searches
 * name nobody: the people are looked up first (a small table, ~0.2 ms) and the scenes only read for someone
 * named — one statement with the scenes' joins and their ordering cost ~1.6–2.4 ms a search to plan and run for
 * nothing (measured at 100k scenes in the bench, PGlite in Node).
 */
export async function namedPersonList(userId: string, text: string, where: SQL, run: RunRows): Promise<string[]> {
  const people = (await run<{ person_id: string }>(namedPeopleQuery(userId, text))).map((r) => r.person_id);
  return namedPersonScenes(userId, people, where, run);
}

/** The second half of namedPersonList, for a side that has asked namedPeopleQuery already: the people's scenes. */
export async function namedPersonScenes(userId: string, personIds: string[], where: SQL, run: RunRows): Promise<string[]> {
  if (personIds.length === 0) return [];
  return (await run<{ scene_id: string }>(namedPersonScenesQuery(userId, personIds, where))).map((r) => r.scene_id);
}

// ---- the top hits' details ------------------------------------------------------------------------------------

/** The text terms of a search, as hit details and snippets need them. */
export interface Terms {
  free: string[];
  said: string[];
  onScreen: string[];
  people: string[];
  /** The terms that take part in the typo signal (see SPELT_RIGHT_SCENES), with their corrections. */
  typos: ReadonlyMap<string, readonly string[]>;
  /** The same terms, with the library's words spelt like them (see AlikeWords). */
  alike: ReadonlyMap<string, AlikeWords>;
  /** Glued-words patterns of the free words (see gluedPattern): a match is a confident on-screen text match. */
  glued: string[];
}

export const NO_TERMS: Terms = { free: [], said: [], onScreen: [], people: [], typos: new Map(), alike: new Map(), glued: [] };

/**
 * The library's words spelt like a misspelt term (alikeWordsQuery): a hit's text holding one of `words` matches the
 * term, one of `confident` holds it confidently (which those are: correctionsOf). Asked once per search from the few
 * thousand words of scene_words instead of a trigram similarity over each hit's whole text (~70 µs a 200-character
 * transcript in PGlite, up to four per hit: 5–6 ms of a misspelt search's 50 hits' details at 100k scenes). Word by
 * word, as highlighting matches (snippets.ts); a misspelt word that only text run across two words resembles no
 * longer matches it.
 */
export interface AlikeWords {
  words: readonly string[];
  confident: readonly string[];
}

/** Signs the english parser drops though they change what is meant: currency, number and percent signs. */
const SIGNS = '$€£¥₹¢#%';

/**
 * For a term with such a sign ("€12.50" is the lexeme 12.50, as "$12.50" is): a regular expression for its
 * number written with another of the signs, in front or behind ("$12.50", "12.50 %"); null for any other term.
 * The number without a sign still counts: PP-OCR's charset has no € or £ at all (measured: "€12.50" reads "12.50").
 */
function otherSignPattern(term: string): string | null {
  const own = [...term].filter((c) => SIGNS.includes(c));
  const number = [...term].filter((c) => !SIGNS.includes(c)).join('').trim();
  const others = [...SIGNS].filter((c) => !own.includes(c));
  if (own.length === 0 || number === '') return null;
  const escape = (text: string) => text.replace(/[^\p{L}\p{N}\s]/gu, (c) => `\\${c}`);
  const sign = `[${others.map(escape).join('')}]`;
  return `(${sign}\\s?${escape(number)}|${escape(number)}\\s?${sign})`;
}

/** A regular expression for the term's words as whole words, anything but letters and digits between them. */
const wholeWords = (term: string) => `\\m${wordsOf(term).join('[^[:alnum:]]+')}\\M`;

/**
 * The on-screen text's tsvector for detailsQuery (alias tsv): as stored (scenes.ocr_tsv), or for a scene written
 * before that column existed, parsed once per hit and only for a hit whose search_tsv holds one of `forms` (every
 * form a tsquery of detailsQuery names): search_tsv parses the on-screen text too, so a hit without any of them
 * cannot match one in its on-screen text (a hit found by its picture alone). A parse costs ~1 µs a word in PGlite;
 * reading the stored one instead: words paired median −0.25 ms at 100k scenes (four words on screen a scene). The
 * transcript's (alias said), once per hit too, and only where the on-screen text holds one of them: the only case
 * columnMatches reads it (a word matched on screen may also have been said). Each check parsed it again before (up
 * to three per hit): interleaved on the 100k bench library, hybrid paired median −0.23 ms, words −0.28, every hit
 * the same. OFFSET 0 keeps the planner from folding a subquery back into each expression that reads it.
 */
function ocrTsvector(forms: string[]): SQL {
  const any = once(anyOf(forms));
  const parsed =
    forms.length === 0
      ? sql`''::tsvector`
      : sql`case when s.ocr_tsv is not null or s.search_tsv @@ ${any} then ${parsedText('ocr_text')} else ''::tsvector end`;
  const said = forms.length === 0 ? sql`''::tsvector` : sql`case when tsv.ocr_text @@ ${any} then to_tsvector('english', s.transcript) else ''::tsvector end`;
  return sql`cross join lateral (select ${parsed} as ocr_text offset 0) tsv cross join lateral (select ${said} as transcript offset 0) said`;
}

/**
 * A column's words match `query` (a websearch tsquery of `terms`), for detailsQuery. Parsing the transcript again
 * (to_tsvector, ~0.1 ms for 30 words in PGlite) was most of the details' time — 7 of a 50-hit search's 20 ms at
 * 100k scenes — so the transcript is read from search_tsv (transcript, on-screen text and its split words, parsed
 * when stored) wherever the on-screen text cannot be what matched: search_tsv matches and the on-screen text does
 * not, so the transcript does. Its own tsvector (said, parsed once per hit: see ocrTsvector) decides only when both
 * could be (a word on screen and maybe said); a phrase parses it here, since search_tsv could match one across the
 * end of the transcript and the start of the on-screen text.
 */
function columnMatches(column: Column, terms: string[], query: SQL): SQL {
  if (column === 'ocr_text') return sql`tsv.ocr_text @@ ${query}`;
  if (terms.some((t) => wordsOf(t).length > 1)) return sql`to_tsvector('english', s.transcript) @@ ${query}`;
  return sql`(s.search_tsv @@ ${query} and (not (tsv.ocr_text @@ ${query}) or said.transcript @@ ${query}))`;
}

/**
 * The longest a transcript segment can be: Whisper hears 30 s at a time, and each segment lies inside the window
 * it was heard in (ml/asr/whisper.ts clamps its end to the window's). Bounds the segments a hit's details read.
 */
export const LONGEST_SEGMENT_S = 30;

/** What detailsQuery answers per scene (as its `hit` column), besides the columns a side adds. */
export interface DetailRow {
  scene_id: string;
  video_id: string;
  title: string;
  file_name: string;
  idx: number;
  start_s: number;
  end_s: number;
  transcript: string;
  ocr_text: string;
  speech_match: boolean;
  text_match: boolean;
  words_confident: boolean;
  play_from: number | null;
  people: string[] | null;
}

/** A row of detailsQuery as a driver returns it: the hit's details as one JSON value, and a side's own columns. */
export type DetailQueryRow<Extra> = { hit: DetailRow } & Extra;

/** detailsQuery's rows as one object each: the hit's details and the side's own columns. */
export const detailRows = <Extra>(rows: readonly DetailQueryRow<Extra>[]): (DetailRow & Extra)[] =>
  rows.map(({ hit, ...extra }) => ({ ...hit, ...(extra as Extra) }));

/**
 * Reasons, the moment to play from and the people of the given scenes (the snippets are built from the texts
 * afterwards). `extra` adds columns and joins a side needs (the app's thumbnail bytes, the server's device name).
 * The shared details come as one JSON value per hit (`hit`; detailRows spreads it): PGlite reads each field of
 * each row on its own in JavaScript (a copy and a text decode each), and 50 hits of 14 fields cost ~0.4 ms more
 * than 50 of one (100k bench library, interleaved: p50 2.66 → 2.22 ms).
 */
export function detailsQuery(userId: string, sceneIds: string[], terms: Terms, extra: { columns?: SQL; joins?: SQL } = {}): SQL {
  const speechTerms = [...terms.free, ...terms.said];
  const textTerms = [...terms.free, ...terms.onScreen];
  /**
   * The terms and the words that stand for them: their corrections within two slips (closeSpellings) and, for a
   * misspelt term, the library's words spelt like it (AlikeWords).
   */
  const formsOf = (list: string[]) => [
    ...new Set(list.flatMap((t) => [t, ...closeSpellings(t, terms.typos.get(t) ?? []), ...(terms.alike.get(t)?.words ?? [])])),
  ];
  const matchIn = (column: Column, list: string[]) => {
    if (list.length === 0) return sql`false`;
    const forms = formsOf(list);
    return columnMatches(column, forms, once(anyOf(forms)));
  };
  /**
   * A term is confidently there: as a word or stem, or as one of the words that confidently stand for it
   * (AlikeWords.confident: spelt within TRIGRAM_CONFIDENT or two slips of it), in the allowed columns; a
   * term of stop words only ("no", "do not": full text drops them) as written, as whole words. A price or a
   * number with a sign full text drops is not there when the text shows it with another sign (see otherSignPattern).
   */
  const confidentIn = (term: string, columns: Column[]) => {
    const lexical = columns.map((c) => columnMatches(c, [term], once(termQuery(term))));
    const alike = [...(terms.alike.get(term)?.confident ?? [])];
    const spelt = alike.length > 0 ? columns.map((c) => columnMatches(c, alike, once(anyOf(alike)))) : [];
    const glued = columns.includes('ocr_text') ? gluedPattern(term) : null;
    const stopWords = columns.map((c) => sql`(numnode(${once(termQuery(term))}) = 0 and ${searchedText(c)} ~* ${wholeWords(term)})`);
    const found = or([...lexical, ...spelt, ...(glued ? [sql`s.ocr_text ~* ${glued}`] : []), ...stopWords]);
    const otherSign = otherSignPattern(term);
    return otherSign ? sql`(${found} and not ${or(columns.map((c) => sql`${sql.raw(`s.${c}`)} ~ ${otherSign}`))})` : found;
  };
  const required = [
    ...terms.free.map((t) => confidentIn(t, ['transcript', 'ocr_text'])),
    ...terms.said.map((t) => confidentIn(t, ['transcript'])),
    ...terms.onScreen.map((t) => confidentIn(t, ['ocr_text'])),
  ];
  const speechForms = formsOf(speechTerms);
  // A segment holding any of them matches; the best is the one that holds most of what the search looked for: the
  // terms and their corrections, not every word spelt alike.
  const rankedForms = [...new Set(speechTerms.flatMap((t) => [t, ...(terms.typos.get(t) ?? [])]))];
  // The segments that overlap the scene, read through the index on (video_id, start_s) from LONGEST_SEGMENT_S
  // before the scene's start: bounded by the scene's end alone, a scene late in a long video read every segment
  // before it. Their words are the row's own (transcript_segments.words), not parsed again here.
  const playFrom =
    speechForms.length > 0
      ? sql`(select greatest(ts.start_s, s.start_s) from transcript_segments ts
           where ts.video_id = s.video_id and not ts.deleted and ts.start_s > s.start_s - ${LONGEST_SEGMENT_S}::float8
             and ts.start_s < s.end_s and ts.end_s > s.start_s and ts.words @@ ${once(anyOf(speechForms))}
           order by ts_rank_cd(ts.words, ${once(anyOf(rankedForms))}) desc, ts.start_s
           limit 1)`
      : sql`null::float8`;
  const named = terms.people.length > 0 ? or(terms.people.map(personMatches)) : sql`false`;
  const parsedForms = formsOf([...speechTerms, ...textTerms]);
  const columns: Record<keyof DetailRow, SQL> = {
    scene_id: sql`s.scene_id`,
    video_id: sql`s.video_id`,
    title: sql`v.title`,
    file_name: sql`v.file_name`,
    idx: sql`s.idx`,
    start_s: sql`s.start_s`,
    end_s: sql`s.end_s`,
    transcript: sql`s.transcript`,
    ocr_text: sql`s.ocr_text`,
    speech_match: sql`speech.matched`,
    text_match: sql`(${matchIn('ocr_text', textTerms)} or ${gluedIn([...terms.glued, ...gluedPatterns([], terms.onScreen)])})`,
    words_confident: sql`(${required.length > 0 ? and(required) : sql`false`} or ${gluedIn(terms.glued)})`,
    // Only where speech matched: the card plays from the scene's start otherwise (describeHits), and a hit found by
    // its picture or its on-screen text alone read the segments for nothing (hybrid, interleaved on the 100k bench
    // library: paired median −0.32 ms, every hit the same).
    play_from: sql`case when speech.matched then ${playFrom} end`,
    // The scene's people by their keys. Joined, the plan hashed every profile of the library again for each hit: with
    // 200 people (the bench library's since LIBRARY_VERSION 5), interleaved, the 50 hits' details took p50 4.55 ms
    // at 100k scenes and 3.7 at 1k, and 3.70 and 2.8 this way; the same people.
    people: sql`(select array_agg(coalesce(fp.name, 'Person ' || fp.number) order by fp.name nulls last, fp.number)
         from face_profiles fp
         where fp.person_id = any(array(select sp.person_id from scene_people sp
             where sp.scene_id = s.scene_id and sp.user_id = ${userId} and not sp.deleted))
           and fp.user_id = ${userId} and not fp.deleted and (not fp.hidden or ${named}))`,
  };
  const hit = sql.join(Object.entries(columns).map(([name, value]) => sql`${sql.raw(`'${name}'`)}, ${value}`), sql`, `);
  return sql`
    select json_build_object(${hit}) as hit ${extra.columns ? sql`, ${extra.columns}` : sql``}
    from ${EACH_SCENES_VIDEO} ${extra.joins ?? sql``} ${ocrTsvector(parsedForms)}
      cross join lateral (select ${matchIn('transcript', speechTerms)} as matched offset 0) speech
    where ${ownScenes(userId)} and s.scene_id = any(${sql.param(sceneIds)}::uuid[])`;
}

/** english_stem lexemes of each distinct lower-cased word: rows of `w` and `l` (null when not stemmed). */
export const stemsQuery = (distinctWords: string[]) =>
  sql`select w, ts_lexize('english_stem', w) as l from unnest(${sql.param(distinctWords)}::text[]) w`;

/**
 * The same for a library's `limit` commonest words (scene_words: three letters or more) and every word of one or two
 * letters or digits (a, to, tv, 3d), the words its searches' snippets mostly need stemmed (see makeStemCache).
 */
export function commonStemsQuery(userId: string, limit: number): SQL {
  const characters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const short = [...characters].flatMap((first) => [first, ...[...characters].map((second) => first + second)]);
  return sql`select w, ts_lexize('english_stem', w) as l from (
      (select word as w from scene_words where user_id = ${userId} and scenes > 0 order by scenes desc limit ${limit})
      union all select unnest(${sql.param(short)}::text[])) words`;
}
