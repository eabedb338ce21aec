/**
 * Search latency on PGlite in Node (the same WASM Postgres the DB worker runs), on synthetic libraries of 10k and
 * 100k scenes: 512-d picture vectors with cluster structure (64 topics, each scene near its topic's centre, as
 * real keyframe embeddings are — uniform noise would make HNSW look worse than it is) and transcripts / on-screen
 * text drawn from a Zipf vocabulary, each scene's speech also as three transcript segments. Rows are bulk-loaded
 * first and the HNSW index built after (what a restore or a sync pull would do; index build time is reported).
 * Measured, each over the same query set:
 *   - nearest 100 scenes through the per-model HNSW index, exactly as db/search.ts writes the query;
 *   - the same statement with index scans off: the exact scan, the reference the ratios are taken against;
 *   - recall@10 of the HNSW answer against the exact one;
 *   - the full-text list alone: the bounded ranking the app runs (fullTextList, see RANKED_MATCHES) against the
 *     same ranking over every matching row (the previous statement, kept here as the reference), on words of
 *     middling frequency, one such word and common words, with recall@10 (plain and counting ties of rank) and
 *     recall@100 of the bounded list against it;
 *   - searchScenes end to end (full text + typo lists + fusion + snippets), words only and words + vector; for one
 *     misspelt word, recall@10 against the same words spelt right;
 *   - words only again on a library just written to (REWRITTEN_SCENES scenes rewritten, their index entries in the
 *     GIN pending lists), then after the app's tidy;
 *   - a session's first search, after the app's warm-up at open and without it (firstSearchRows);
 *   - how steady the machine's CPU was around each pass of searches (steadiness.ts), on the report's first lines.
 * `npm run bench` runs it after the media rows (`npm run bench -- --only search` for this part alone);
 * `tsx bench/search.ts --sizes 10000` runs it directly. Writes bench/results/search.json. Built libraries are kept in
 * bench/cache (see CACHE; `--rebuild` builds them afresh).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openAsBlob, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrationsFolder } from '@heimdex/shared-schema/node';
import { pgliteBufferOptions } from '@heimdex/shared-schema/pglite-buffers';
import { DB_OPTIONS } from '../client/src/db/extensions.ts';
import { trackChanges } from '../client/src/sync/tracking.ts';
import { drizzle } from 'drizzle-orm/pglite';
import { LOCAL_USER_ID } from '../client/src/db/api.ts';
import { ensureVectorIndex, makeSearchRepo, nearestScenesQuery, ownScenes, type PictureSource } from '../client/src/db/search.ts';
import { makePictureGraphs } from '../client/src/db/picture-graphs.ts';
import { PICTURE_EF_SEARCH } from '../client/src/db/picture-index.ts';
import { openTestDatabase } from '../client/src/db/testing.ts';
import { makeIndexPrewarm } from '../client/src/db/prewarm.ts';
import { makeMaintenanceQueries } from '../client/src/db/maintenance.ts';
import { setPlannerCosts } from '../client/src/db/planner-costs.ts';
import { allOf, anyOf, CANDIDATES, filtersOf, FROM, freeTerms, fullTextList, HNSW_BUILD, parseQuery, RANKED_MATCHES, SOME_TERMS_RANKED, type ModelVector, type RunRows } from '@heimdex/shared-schema/search';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { measureThumbnailReads } from './thumbnail-reads.ts';
import { makeSteadinessProbe, steadinessLine } from './steadiness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results/search.json');
const MODEL = 'bench-clip-512';
const DIM = 512;
const TOPICS = 64;
const VOCABULARY = 5000;
const SCENES_PER_VIDEO = 200;
/** People in the library (see load). */
const PEOPLE = 200;
const COPY_BATCH = 5000;
/**
 * Library sizes measured. 1k, a library of a few hours of video, since its tables are small enough to change the
 * plans: there the glued words' gate scanned every word and most searches counted their words' scenes, and a
 * search took longer than at 100k (p50 10.0 against 9.0 ms).
 */
const DEFAULT_SIZES = [1_000, 10_000, 100_000];
/**
 * Built libraries (data-dir images) kept between runs: the 100k library takes minutes to load and index. A
 * library is rebuilt when the migrations, PGlite, how HNSW indexes are built (HNSW_BUILD) or the generator below
 * change (LIBRARY_VERSION: bump it when load() or the synthetic data change). `--rebuild` ignores the cache.
 */
const CACHE = join(ROOT, 'bench/cache');
const LIBRARY_VERSION = 5;

export interface SearchBenchRow {
  name: string;
  scenes: number;
  p50Ms: number;
  p95Ms: number;
  /** The reference's p50 over this row's p50: the exact vector scan, or the full-text ranking of every match. */
  vsExact: number | null;
  recallAt10: number | null;
  /** Full-text rows: the bounded list's recall of the reference's whole candidate list (what fusion sees). */
  recallAt100?: number | null;
  /**
   * Full-text rows: recall@10 counting a hit whose rank (every word, ts_rank_cd) equals the reference's 10th or
   * better — many scenes tie on ts_rank_cd (a word said once), and the reference breaks ties by scene id.
   */
  scoreRecallAt10?: number | null;
  /** The same at 100: the whole candidate list fusion sees, the tier of scenes holding some of the words included. */
  scoreRecallAt100?: number | null;
  /**
   * searchScenes rows: this process's CPU time per search (PGlite runs on the same thread), p50 and p95. On a
   * machine shared with other work, wall time waits for a core and CPU time does not: compare changes by it.
   */
  cpuP50Ms?: number | null;
  cpuP95Ms?: number | null;
  queries: number;
}

export interface SearchBenchSize {
  scenes: number;
  insertS: number;
  /** Full-text and trigram GIN indexes, built after the load. */
  textIndexS: number;
  indexBuildS: number;
  tableMB: number;
  hnswMB: number;
  /** The same vectors' graph in memory, read from the library and built as the DB worker does (picture-graphs.ts), in seconds. */
  pictureGraphS: number;
  rows: SearchBenchRow[];
}

// ---- synthetic library ------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run builds the same library. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function normalise(v: Float64Array): Float64Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}

/** A point near `centre`: cosine to it ≈ 0.8, like keyframes of one kind of shot. */
export function near(centre: Float64Array, random: () => number, spread = 0.75): Float64Array {
  const sigma = spread / Math.sqrt(DIM);
  return normalise(centre.map((x) => x + gaussian(random) * sigma));
}

export function makeWords(random: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'po', 'si', 've', 'da', 'gu', 'be', 'zo', 'fi', 'ha', 'nu'];
  const words = new Set<string>();
  while (words.size < VOCABULARY) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  }
  return [...words];
}

/** Zipf(1) sampling over ranks 1..n by inverting the harmonic CDF. */
export function zipfSampler(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / (i + 1);
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
const vectorLiteral = (v: Float64Array) => `[${Array.from(v, (x) => x.toFixed(5)).join(',')}]`;

interface Library {
  centres: Float64Array[];
  words: string[];
  insertS: number;
  textIndexS: number;
}

/** The library's topic centres and vocabulary, and the generator that goes on to draw its scenes. */
function vocabulary() {
  const random = prng(42);
  const centres = Array.from({ length: TOPICS }, () => normalise(Float64Array.from({ length: DIM }, () => gaussian(random))));
  return { random, centres, words: makeWords(random) };
}

async function load(pg: PGlite, scenes: number): Promise<Library> {
  const { random, centres, words } = vocabulary();
  const zipf = zipfSampler(words.length, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[zipf()]).join(' ');

  // Text indexes are dropped for the load and rebuilt after it from their own definitions (as a restore would).
  const { rows: textIndexes } = await pg.query<{ indexdef: string; indexname: string }>(
    `select indexname, indexdef from pg_indexes where tablename = 'scenes' and indexdef ~* 'using gin'`,
  );
  for (const index of textIndexes) await pg.exec(`drop index ${index.indexname}`);
  const started = performance.now();
  const videoCount = Math.ceil(scenes / SCENES_PER_VIDEO);
  const { rows: videoRows } = await pg.query<{ video_id: string }>(
    `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state)
     select $1, 'Video ' || i, 'video-' || i || '.mp4', 1000000, 'sha-' || i, 'INDEXED' from generate_series(1, $2) i
     returning video_id`,
    [LOCAL_USER_ID, videoCount],
  );
  for (let from = 0; from < scenes; from += COPY_BATCH) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(scenes, from + COPY_BATCH); i++) {
      const video = videoRows[Math.floor(i / SCENES_PER_VIDEO)]!.video_id;
      const idx = i % SCENES_PER_VIDEO;
      const vector = near(centres[Math.floor(random() * TOPICS)]!, random);
      lines.push(
        [video, LOCAL_USER_ID, idx, idx * 5, idx * 5 + 5, csvField(sentence(30)), csvField(sentence(4)), csvField(vectorLiteral(vector)), MODEL].join(','),
      );
    }
    await pg.query(`copy scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text, image_vec, image_model) from '/dev/blob' with (format csv)`, [], {
      blob: new Blob([lines.join('\n')]),
    });
  }
  // Speech as the app keeps it besides the scene's transcript: three segments a scene (a hit's details read the
  // ones overlapping it for the moment to play from). Not tracked for sync: the bench measures search.
  await pg.exec(`set heimdex.outbox = 'off'`);
  await pg.exec(`
    insert into transcript_segments (video_id, start_s, end_s, text)
    select s.video_id, s.start_s + k * (s.end_s - s.start_s) / 3, s.start_s + (k + 1) * (s.end_s - s.start_s) / 3,
      array_to_string((string_to_array(s.transcript, ' '))[k * 10 + 1:(k + 1) * 10], ' ')
    from scenes s, generate_series(0, 2) k`);
  // People as face grouping leaves them: PEOPLE profiles, two in three named and one in ten hidden, each video with
  // three of them, each in about a third of its scenes (a hit's details list its people; a typed name is looked up).
  // Without them every hit's people came from an empty table. Not their faces: no text search reads them.
  await pg.query(
    `insert into face_profiles (user_id, name, number, face_model, hidden)
     select $1, case when i % 3 <> 0 then initcap(($2::text[])[i % $3 + 1]) || ' ' || initcap(($2::text[])[(i * 7) % $3 + 1]) end,
       i, 'bench-faces', i % 10 = 0
     from generate_series(1, $3) i`,
    [LOCAL_USER_ID, words.slice(2000, 2000 + PEOPLE), PEOPLE],
  );
  await pg.query(
    `insert into scene_people (scene_id, person_id, user_id)
     select s.scene_id, p.person_id, s.user_id
     from (select v.video_id, row_number() over (order by v.video_id) as n from videos v) v
     join scenes s on s.video_id = v.video_id
     cross join generate_series(0, 2) k
     join face_profiles p on p.number = (v.n * 3 + k) % $1 + 1
     where left(md5(s.scene_id::text || k), 1) < '5'`,
    [PEOPLE],
  );
  await trackChanges(pg);
  const insertS = (performance.now() - started) / 1000;
  const indexing = performance.now();
  for (const index of textIndexes) await pg.exec(index.indexdef);
  await pg.exec('analyze');
  return { centres, words, insertS, textIndexS: (performance.now() - indexing) / 1000 };
}

/** Query vectors: each near one topic's centre, as a picture's text embedding would be. */
export function vectorQueries(centres: Float64Array[], count = 60): ModelVector[] {
  const random = prng(7);
  return Array.from({ length: count }, () => ({ modelId: MODEL, vector: Array.from(near(centres[Math.floor(random() * TOPICS)]!, random)) }));
}

/**
 * Two words of middling frequency (ranks 50–300): a few hundred to a few thousand scenes each, each word in one
 * query. 90 of them, the first 30 those the bench timed alone until stop 27: the p95 of 30 searches is their second
 * slowest, and on a shared machine it moved by 2–3 ms between runs of the same code (words-only 12.8 to 15.1 ms).
 */
export const middlingWordQueries = (words: string[]) =>
  [[50, 60], [51, 53], [55, 57]].flatMap(([first, second]) => Array.from({ length: 30 }, (_, i) => `${words[first! + i * 8]} ${words[second! + i * 8]}`));
/** Scenes rewritten to measure a library just written to (see measureSize): ten videos of SCENES_PER_VIDEO. */
const REWRITTEN_SCENES = 2000;
/** Searches that warm a fresh process up before the measured ones (see measureSize). */
const WARM_UP_SEARCHES = 40;
/** Two-word queries of words of other ranks (400–1600) than middlingWordQueries', to warm a fresh process up. */
export const warmUpQueries = (words: string[]) => Array.from({ length: WARM_UP_SEARCHES }, (_, i) => `${words[400 + i * 30]} ${words[410 + i * 30]}`);
/** One letter dropped from the second word: the typo path. */
export const misspelt = (queries: string[]) => queries.map((q) => q.replace(/(\S)\S$/, '$1'));

// ---- measuring --------------------------------------------------------------------------------------------

/**
 * The full-text list as it was before RANKED_MATCHES: every matching row read and ranked (every word first, then
 * ts_rank_cd). The reference the bounded list is timed and its recall measured against.
 */
export function everyMatchRankedQuery(terms: string[], where: SQL): SQL {
  return sql`
    select s.scene_id from ${FROM}
    where ${where} and s.search_tsv @@ ${anyOf(terms)}
    order by (s.search_tsv @@ ${allOf(terms)}) desc, ts_rank_cd(s.search_tsv, ${anyOf(terms)}) desc, s.scene_id
    limit ${CANDIDATES}`;
}

/** Mean share of each reference list's first k ids that the other list has in its first k. */
export function recallAtK(reference: string[][], found: string[][], k: number): number {
  return (
    reference.reduce((total, truth, i) => {
      const expected = new Set(truth.slice(0, k));
      if (expected.size === 0) return total + 1;
      return total + found[i]!.slice(0, k).filter((id) => expected.has(id)).length / expected.size;
    }, 0) / reference.length
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const [started, cpuStarted] = [performance.now(), cpuMs()];
  const value = await work();
  return { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted, value };
}

// ---- built libraries, kept between runs ----------------------------------------------------------------------

export interface BuiltLibrary {
  pg: PGlite;
  library: Library;
  indexBuildS: number;
  /** The per-model HNSW index. */
  indexName: string;
  /** PostgreSQL's page cache it was opened with (shared_buffers). */
  pageCache: string;
}

/**
 * The page cache a library is opened with: 'sized' as the app and the server size it (pglite-buffers.ts, from the
 * library's size here, from the one it last measured there), 'default' PostgreSQL's 128 MB (the reference).
 */
export type PageCache = 'sized' | 'default';

/** What a built library depends on: the generator's version, its size, the migrations and the PGlite release. */
function libraryKey(scenes: number): string {
  const hash = createHash('sha256').update(`${LIBRARY_VERSION}:${scenes}:`);
  hash.update(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  hash.update(new PgDialect().sqlToQuery(HNSW_BUILD).sql);
  // released.json only records which migrations have shipped (upgrades.test); it changes no database.
  const files = readdirSync(migrationsFolder, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && f.name !== 'released.json');
  for (const f of files.map((f) => join(f.parentPath, f.name)).sort()) hash.update(f.slice(migrationsFolder.length)).update(readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

/** The library of `scenes` scenes: from bench/cache when one was built with the same key, else built (and kept). */
export async function openLibrary(scenes: number, log: (line: string) => void, rebuild: boolean, pageCache: PageCache = 'sized'): Promise<BuiltLibrary> {
  const image = join(CACHE, `search-${scenes}-${libraryKey(scenes)}.tar`);
  const facts = `${image}.json`;
  if (!rebuild && existsSync(image) && existsSync(facts)) {
    const opening = performance.now();
    // The saved data directory's size stands for the database's (it holds a little write-ahead log as well).
    const buffers = pageCache === 'sized' ? pgliteBufferOptions(PGlite.defaultStartParams, statSync(image).size, totalmem()) : {};
    const pg = await PGlite.create({ loadDataDir: await openAsBlob(image), ...DB_OPTIONS, ...buffers });
    await trackChanges(pg);
    await setPlannerCosts(pg);
    const saved = JSON.parse(readFileSync(facts, 'utf8')) as Omit<BuiltLibrary, 'pg' | 'library'> & Pick<Library, 'insertS' | 'textIndexS'>;
    const { centres, words } = vocabulary();
    log(`  ${scenes} scenes: opened the library built before (${image}) in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
    return {
      pg,
      library: { centres, words, insertS: saved.insertS, textIndexS: saved.textIndexS },
      indexBuildS: saved.indexBuildS,
      indexName: saved.indexName,
      pageCache: await pageCacheOf(pg),
    };
  }
  const pg = await openTestDatabase();
  // STACK-NOTES: the HNSW build took 142 s at 512 MB against 523 s at the default 64 MB.
  await pg.exec(`set maintenance_work_mem = '512MB'`);
  log(`  ${scenes} scenes: loading…`);
  const library = await load(pg, scenes);
  log(`  ${scenes} scenes: loaded in ${library.insertS.toFixed(1)} s; building the HNSW index…`);
  const build = await timed(() => ensureVectorIndex(drizzle(pg), MODEL, DIM));
  // As the app leaves a library once indexing settles (db/maintenance.ts): vacuumed and analysed.
  await pg.exec('vacuum analyze');
  await pg.exec('reset maintenance_work_mem');
  // dumpDataDir copies the data files as they are: without a checkpoint they lack what VACUUM left in the page
  // cache (hint bits among it), and every first read of a page after the library is opened set them again, each
  // an 8 KB full-page image in the write-ahead log (data checksums are on): 2.2 MB of WAL written by one search
  // of the first pass, which an app's library (never dumped) and a backup (checkpointed: db/dump.ts) do not pay.
  await pg.exec('checkpoint');
  mkdirSync(CACHE, { recursive: true });
  for (const old of readdirSync(CACHE).filter((f) => f.startsWith(`search-${scenes}-`))) rmSync(join(CACHE, old));
  writeFileSync(`${image}.partial`, new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer()));
  renameSync(`${image}.partial`, image);
  const { insertS, textIndexS } = library;
  writeFileSync(facts, JSON.stringify({ insertS, textIndexS, indexBuildS: build.ms / 1000, indexName: build.value }));
  // Measured as every later run measures it: opened from the image, with the page cache sized for it. The database
  // it was built in has the default cache (128 MB), and a run that measured there (as it did until stop 28) gave
  // the 100k hybrid search ~4 ms more than the next run on the same library.
  await pg.close();
  return openLibrary(scenes, log, false, pageCache);
}

/**
 * searchScenes on the middling-word queries, words only and with a vector (hybrid), after the warm-up searches the
 * first searches of a freshly opened library need; wall and CPU ms, and the words-only hits. With `inMemory` (the
 * same library's search with its pictures from memory: PictureSource), each hybrid search also through it, which of
 * the two goes first alternating per query.
 */
async function timeWordSearches(
  repo: ReturnType<typeof makeSearchRepo>,
  library: Library,
  options: { hybrid: boolean; inMemory?: ReturnType<typeof makeSearchRepo> } = { hybrid: true },
) {
  steadiness?.sample();
  const wordQueries = middlingWordQueries(library.words);
  const vectors = vectorQueries(library.centres, wordQueries.length);
  const textOnly: number[] = [];
  const hybrid: number[] = [];
  const hybridInMemory: number[] = [];
  const cpu = { textOnly: [] as number[], hybrid: [] as number[], hybridInMemory: [] as number[] };
  const rightHits: string[][] = [];
  for (const words of wordQueries) {
    const { ms, cpuMs, value } = await timed(() => repo.searchScenes({ query: parseQuery(words), textVector: null }));
    textOnly.push(ms);
    cpu.textOnly.push(cpuMs);
    rightHits.push(value.hits.map((h) => h.sceneId));
  }
  if (options.hybrid) {
    for (const [i, words] of wordQueries.entries()) {
      const request = { query: parseQuery(words), textVector: vectors[i]! };
      const statement = async () => {
        const { ms, cpuMs } = await timed(() => repo.searchScenes(request));
        hybrid.push(ms);
        cpu.hybrid.push(cpuMs);
      };
      const inMemory = options.inMemory;
      if (!inMemory) {
        await statement();
        continue;
      }
      const memory = async () => {
        const { ms, cpuMs } = await timed(() => inMemory.searchScenes(request));
        hybridInMemory.push(ms);
        cpu.hybridInMemory.push(cpuMs);
      };
      for (const run of i % 2 === 0 ? [statement, memory] : [memory, statement]) await run();
    }
  }
  steadiness?.sample();
  return { textOnly, hybrid, hybridInMemory, cpu, rightHits };
}

/**
 * The words and hybrid searches again with the library opened with PostgreSQL's default page cache (the reference
 * for the sized cache), after the same warm-up; no rows when the sized cache is the default.
 */
async function withDefaultCache(
  scenes: number,
  log: (line: string) => void,
  sized: string,
  row: (label: string, ms: number[], cpuMs: number[]) => SearchBenchRow,
): Promise<SearchBenchRow[]> {
  const { pg, library, pageCache } = await openLibrary(scenes, log, false, 'default');
  try {
    if (pageCache === sized) return [];
    const repo = makeSearchRepo(pg, LOCAL_USER_ID);
    await openAsTheApp(pg, repo);
    for (const words of warmUpQueries(library.words)) await repo.searchScenes({ query: parseQuery(words), textVector: null });
    const { textOnly, hybrid, cpu } = await timeWordSearches(repo, library);
    return [
      row(`searchScenes: words (${pageCache} page cache, PostgreSQL's default: reference)`, textOnly, cpu.textOnly),
      row(`searchScenes: words + vector (hybrid) (${pageCache} page cache, reference)`, hybrid, cpu.hybrid),
    ];
  } finally {
    await pg.close();
  }
}

/**
 * What the DB worker runs as a library opens, before anyone types (db/worker.ts): the search warm-up (search.ts
 * warmUp), then the vector indexes read into the page cache (prewarm.ts); each one's time.
 */
export async function openAsTheApp(pg: PGlite, repo: ReturnType<typeof makeSearchRepo>): Promise<{ warmUpMs: number; readAheadMs: number }> {
  const warmUp = await timed(() => repo.warmUp());
  const prewarm = makeIndexPrewarm(pg);
  const readAhead = await timed(async () => {
    while (await prewarm.step());
  });
  return { warmUpMs: warmUp.ms, readAheadMs: readAhead.ms };
}

/**
 * A session's first search as a person meets it: the library opened afresh, the app's warm-up and read-ahead run
 * as the DB worker runs them on open (openAsTheApp), then one hybrid search; and the same first search with no
 * warm-up (the reference). A session has one first search, so each is a fresh open: FIRST_SEARCH_OPENS of each,
 * alternating.
 */
const FIRST_SEARCH_OPENS = 3;

async function firstSearchRows(
  scenes: number,
  log: (line: string) => void,
  row: (label: string, ms: number[], reference: number) => SearchBenchRow,
): Promise<SearchBenchRow[]> {
  const first = async (warm: boolean) => {
    const { pg, library } = await openLibrary(scenes, log, false);
    try {
      const repo = makeSearchRepo(pg, LOCAL_USER_ID);
      const opened = warm ? await openAsTheApp(pg, repo) : { warmUpMs: 0, readAheadMs: 0 };
      const request = { query: parseQuery(middlingWordQueries(library.words)[0]!), textVector: vectorQueries(library.centres)[0]! };
      return { ...opened, search: (await timed(() => repo.searchScenes(request))).ms };
    } finally {
      await pg.close();
    }
  };
  const warmed: { warmUpMs: number; readAheadMs: number; search: number }[] = [];
  const cold: number[] = [];
  for (let i = 0; i < FIRST_SEARCH_OPENS; i++) {
    warmed.push(await first(true));
    cold.push((await first(false)).search);
  }
  const reference = percentile(cold, 50);
  return [
    { ...row("the app's warm-up as the library opens (search.ts warmUp)", warmed.map((w) => w.warmUpMs), reference), vsExact: null },
    { ...row("the app's vector indexes read ahead, after it (prewarm.ts)", warmed.map((w) => w.readAheadMs), reference), vsExact: null },
    row("searchScenes: a session's first search (hybrid), no warm-up (reference)", cold, reference),
    row("searchScenes: a session's first search (hybrid), after the warm-up and read-ahead", warmed.map((w) => w.search), reference),
  ];
}

const pageCacheOf = async (pg: PGlite) => (await pg.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers;

async function measureSize(scenes: number, log: (line: string) => void, options: { rebuild: boolean }): Promise<SearchBenchSize> {
  const { pg, library, indexBuildS, indexName, pageCache } = await openLibrary(scenes, log, options.rebuild);
  try {
    const db = drizzle(pg);
    const repo = makeSearchRepo(pg, LOCAL_USER_ID);
    const rows: RunRows = async (query) => (await db.execute(query)).rows as never;
    const [sizes] = (
      await pg.query<{ table_mb: number; index_mb: number }>(
        `select pg_total_relation_size('scenes')::float8 / 1048576 as table_mb, pg_relation_size($1)::float8 / 1048576 as index_mb`,
        [indexName],
      )
    ).rows;

    const exactCount = scenes > 50_000 ? 15 : 40;
    const queries = vectorQueries(library.centres);
    const nearest = async (vector: ModelVector) =>
      (await db.execute<{ scene_id: string }>(nearestScenesQuery(vector, ownScenes(LOCAL_USER_ID), { readsVideo: false }))).rows.map((r) => r.scene_id);

    // The exact scan first: it reads every vector (at 100k scenes the table's 260 MB of them), which pushes the
    // index out of the page cache, and the app never scans them all. Then the library as the DB worker opens it.
    await pg.exec('set enable_indexscan = off; set enable_bitmapscan = off');
    const exact: { ms: number; value: string[] }[] = [];
    for (const q of queries.slice(0, exactCount)) exact.push(await timed(() => nearest(q)));
    await pg.exec('reset enable_indexscan; reset enable_bitmapscan');
    // The vectors' graph in memory, read and built here, where the cache already holds the vectors the exact scan
    // read: what the DB worker would build from the library.
    log(`  ${scenes} scenes: building the picture graph in memory…`);
    const building = performance.now();
    const graphs = makePictureGraphs(pg, LOCAL_USER_ID);
    while (await graphs.step());
    const pictureGraphS = (performance.now() - building) / 1000;
    const pictures: PictureSource = graphs.source;
    await openAsTheApp(pg, repo);
    // The same library's search with its pictures from memory, as the DB worker has it: warmed up as the library
    // opens and by the process's first searches, like `repo`. Measured cold until stop 38 (its statements prepared
    // and its hits' word stems read by its measured searches), which gave its hybrid row p95 16.4-18.2 ms where a
    // warmed repository measured 13.8-14.0 in a process of its own.
    const inMemoryRepo = makeSearchRepo(pg, LOCAL_USER_ID, pictures);
    await inMemoryRepo.warmUp();

    await pg.exec(`set hnsw.ef_search = 100; set hnsw.iterative_scan = relaxed_order`);
    log(`  ${scenes} scenes: HNSW index (${indexBuildS.toFixed(1)} s to build); querying…`);
    await nearest(queries[0]!); // warm-up: first use of the statement
    const hnsw: { ms: number; value: string[] }[] = [];
    for (const q of queries) hnsw.push(await timed(() => nearest(q)));

    // A wider candidate list: what recall costs in latency.
    await pg.exec('set hnsw.ef_search = 200');
    const hnswWide: { ms: number; value: string[] }[] = [];
    for (const q of queries) hnswWide.push(await timed(() => nearest(q)));
    await pg.exec('set hnsw.ef_search = 100');

    const inMemory: { ms: number; value: string[] }[] = [];
    for (const q of queries) inMemory.push(await timed(async () => pictures.nearest(q, CANDIDATES)!.map((n) => n.sceneId)));

    const recallOf = (approximate: { value: string[] }[]) =>
      exact.reduce((total, e, i) => {
        const truth = new Set(e.value.slice(0, 10));
        return total + approximate[i]!.value.slice(0, 10).filter((id) => truth.has(id)).length / truth.size;
      }, 0) / exact.length;

    // A fresh process's first searches are slow while V8 compiles PGlite's hot WebAssembly functions with its
    // optimising tier (dynamic tiering: every function starts in the baseline compiler). It is not the library's
    // rows: on the 100k library after 10 searches, words of a first pass took p50 16.4 ms, new words in the passes
    // after it 12.3-13.2 and the first pass's words again 12.0; with every function optimised up front (node
    // --no-wasm-dynamic-tiering) the first pass took 11.6. In a browser, V8's WebAssembly code cache can keep the
    // optimised code of a module loaded by streaming (PGlite's loader streams where it can) for the next visit. So
    // the bench warms the process up with WARM_UP_SEARCHES searches timed apart (this row), on words of other ranks
    // than the measured queries', which still read their own rows for the first time. (A session's very first
    // search, after a fresh open: firstSearchRows.)
    const warmUp: number[] = [];
    for (const words of warmUpQueries(library.words)) warmUp.push((await timed(() => repo.searchScenes({ query: parseQuery(words), textVector: null }))).ms);
    for (const words of warmUpQueries(library.words)) await inMemoryRepo.searchScenes({ query: parseQuery(words), textVector: null });

    // Words of middling frequency (ranks 50–300): a few hundred to a few thousand scenes each.
    const wordQueries = middlingWordQueries(library.words);
    const { textOnly, hybrid, hybridInMemory, cpu, rightHits } = await timeWordSearches(repo, library, { hybrid: true, inMemory: inMemoryRepo });
    // The full-text list alone, bounded against every match ranked, one query after the other (alternating which
    // goes first), so both see the same load. Common words: ranks 3–26, each in ~15–70% of the scenes.
    const commonQueries = Array.from({ length: 15 }, (_, i) => `${library.words[3 + i]} ${library.words[11 + i]}`);
    const singleQueries = wordQueries.map((q) => q.split(' ')[0]!);
    /** (every word, ts_rank_cd) of each scene, as one comparable number. */
    const rankKeys = async (ids: string[], terms: string[]) => {
      const keys = await db.execute<{ scene_id: string; key: number }>(sql`
        select s.scene_id, ((s.search_tsv @@ ${allOf(terms)})::int * 1000 + ts_rank_cd(s.search_tsv, ${anyOf(terms)}))::float8 as key
        from scenes s where s.scene_id = any(${sql.param(ids)}::uuid[])`);
      return new Map(keys.rows.map((r) => [r.scene_id, Number(r.key)]));
    };
    const textLists = async (queries: string[]) => {
      const timing = { exact: [] as number[], bounded: [] as number[] };
      const lists = { exact: [] as string[][], bounded: [] as string[][] };
      const scoreRecall = { 10: 0, 100: 0 };
      const run = async (kind: 'exact' | 'bounded', terms: string[], where: SQL) => {
        const { ms, value } = await timed(async () =>
          kind === 'exact'
            ? (await db.execute<{ scene_id: string }>(everyMatchRankedQuery(terms, where))).rows.map((r) => r.scene_id)
            : (await fullTextList(terms, where, rows)).ids,
        );
        timing[kind].push(ms);
        lists[kind].push(value);
      };
      for (const [i, words] of queries.entries()) {
        const parsed = parseQuery(words);
        const terms = freeTerms(parsed);
        const where = filtersOf(LOCAL_USER_ID, parsed, new Map());
        const order = i % 2 === 0 ? (['exact', 'bounded'] as const) : (['bounded', 'exact'] as const);
        for (const kind of order) await run(kind, terms, where);
        const keys = await rankKeys([...lists.exact.at(-1)!, ...lists.bounded.at(-1)!], terms);
        for (const k of [10, 100] as const) {
          const [exactTop, boundedTop] = [lists.exact.at(-1)!.slice(0, k), lists.bounded.at(-1)!.slice(0, k)];
          const last = Math.min(...exactTop.map((id) => keys.get(id)!));
          scoreRecall[k] += exactTop.length === 0 ? 1 : boundedTop.filter((id) => keys.get(id)! >= last - 1e-9).length / exactTop.length;
        }
      }
      return {
        timing,
        recall10: recallAtK(lists.exact, lists.bounded, 10),
        recall100: recallAtK(lists.exact, lists.bounded, CANDIDATES),
        scoreRecall10: scoreRecall[10] / queries.length,
        scoreRecall100: scoreRecall[100] / queries.length,
      };
    };
    await fullTextList([library.words[100]!], filtersOf(LOCAL_USER_ID, parseQuery(library.words[100]!), new Map()), rows); // warm-up
    const middling = await textLists(wordQueries);
    const single = await textLists(singleQueries);
    const common = await textLists(commonQueries);

    // One letter dropped from the second word: the typo path (corrections from the trigram indexes).
    const typoQueries = misspelt(wordQueries);
    const typos: number[] = [];
    const typoCpu: number[] = [];
    const typoHits: string[][] = [];
    for (const words of typoQueries) {
      const { ms, cpuMs, value } = await timed(() => repo.searchScenes({ query: parseQuery(words), textVector: null }));
      typos.push(ms);
      typoCpu.push(cpuMs);
      typoHits.push(value.hits.map((h) => h.sceneId));
    }

    // A library just written to, as after ten videos' indexing: REWRITTEN_SCENES scenes' transcript and on-screen
    // text rewritten, their full-text and trigram index entries waiting in the GIN pending lists every search reads;
    // then the app's tidy as the runner runs it after each video (db/maintenance.ts). Last: it changes the library.
    await pg.query(
      `update scenes set transcript = transcript || ' ' || split_part(transcript, ' ', 1), ocr_text = ocr_text || ' ' || split_part(ocr_text, ' ', 1)
       where scene_id in (select scene_id from scenes order by md5(scene_id::text) limit $1)`,
      [REWRITTEN_SCENES],
    );
    const justWritten = await timeWordSearches(repo, library, { hybrid: false });
    const tidy = await timed(() => makeMaintenanceQueries(db).tidyTables());
    log(`  ${scenes} scenes: the app's tidy after ${REWRITTEN_SCENES} rewritten scenes took ${(tidy.ms / 1000).toFixed(1)} s`);
    const tidied = await timeWordSearches(repo, library, { hybrid: false });

    const exactP50 = percentile(exact.map((e) => e.ms), 50);
    const row = (name: string, ms: number[], recallAt10: number | null = null, reference = exactP50, recallAt100: number | null = null, scoreRecallAt10: number | null = null): SearchBenchRow => ({
      name,
      scenes,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
      vsExact: reference / percentile(ms, 50),
      recallAt10,
      recallAt100,
      scoreRecallAt10,
      queries: ms.length,
    });
    const withCpu = (measured: SearchBenchRow, ms: number[]): SearchBenchRow => ({ ...measured, cpuP50Ms: percentile(ms, 50), cpuP95Ms: percentile(ms, 95) });
    const textRows = (label: string, measured: Awaited<ReturnType<typeof textLists>>) => {
      const reference = percentile(measured.timing.exact, 50);
      return [
        row(`full text ${label}, every match ranked (reference)`, measured.timing.exact, null, reference),
        { ...row(`full text ${label}, bounded (${RANKED_MATCHES} / ${SOME_TERMS_RANKED})`, measured.timing.bounded, measured.recall10, reference, measured.recall100, measured.scoreRecall10), scoreRecallAt100: measured.scoreRecall100 },
      ];
    };
    return {
      scenes,
      insertS: library.insertS,
      textIndexS: library.textIndexS,
      indexBuildS,
      tableMB: sizes!.table_mb,
      hnswMB: sizes!.index_mb,
      pictureGraphS,
      rows: [
        row('nearest 100, exact scan (reference)', exact.map((e) => e.ms)),
        row('nearest 100, HNSW (ef_search 100)', hnsw.map((h) => h.ms), recallOf(hnsw)),
        row('nearest 100, HNSW (ef_search 200)', hnswWide.map((h) => h.ms), recallOf(hnswWide)),
        row(`nearest 100, graph in memory (hnswlib, ef_search ${PICTURE_EF_SEARCH})`, inMemory.map((h) => h.ms), recallOf(inMemory)),
        ...textRows('middling words', middling),
        ...textRows('one middling word', single),
        ...textRows('common words', common),
        row(`searchScenes: ${WARM_UP_SEARCHES} searches of other words first (warming the process up)`, warmUp),
        withCpu(row(`searchScenes: words (${pageCache} page cache)`, textOnly), cpu.textOnly),
        withCpu(row('searchScenes: words, one misspelt', typos, recallAtK(rightHits, typoHits, 10)), typoCpu),
        withCpu(row(`searchScenes: words + vector (hybrid) (${pageCache} page cache)`, hybrid), cpu.hybrid),
        withCpu(row('searchScenes: words + vector (hybrid), pictures from the graph in memory', hybridInMemory), cpu.hybridInMemory),
        withCpu(row(`searchScenes: words, ${REWRITTEN_SCENES} scenes just rewritten (GIN pending lists)`, justWritten.textOnly), justWritten.cpu.textOnly),
        withCpu(row('searchScenes: words, after the app\'s tidy (pending lists merged)', tidied.textOnly), tidied.cpu.textOnly),
        // The same searches on the library opened again with PostgreSQL's default cache, when the sized one differs.
        ...(await withDefaultCache(scenes, log, pageCache, (label, ms, cpuMs) => withCpu(row(label, ms), cpuMs))),
        ...(await firstSearchRows(scenes, log, (label, ms, reference) => row(label, ms, null, reference))),
      ],
    };
  } finally {
    await pg.close();
  }
}

// ---- report -----------------------------------------------------------------------------------------------

/** Samples the machine's steadiness around each pass of searches while runSearchBench runs (see steadiness.ts). */
let steadiness: ReturnType<typeof makeSteadinessProbe> | null = null;

export function formatSearchReport(results: SearchBenchSize[], machine: string, thumbnails: SearchBenchRow[] = []): string {
  const header = ['search (PGlite in Node)', 'scenes', 'p50 ms', 'p95 ms', 'vs ref', 'recall@10', 'by rank@10', 'recall@100', 'by rank@100', 'cpu p50/p95 ms', 'queries'];
  const body = [...results.flatMap((size) => size.rows), ...thumbnails].map((r) => [
      r.name,
      String(r.scenes),
      r.p50Ms.toFixed(2),
      r.p95Ms.toFixed(2),
      r.vsExact === null ? '—' : `${r.vsExact.toFixed(1)}×`,
      r.recallAt10 === null ? '—' : r.recallAt10.toFixed(3),
      r.scoreRecallAt10 == null ? '—' : r.scoreRecallAt10.toFixed(3),
      r.recallAt100 == null ? '—' : r.recallAt100.toFixed(3),
      r.scoreRecallAt100 == null ? '—' : r.scoreRecallAt100.toFixed(3),
      r.cpuP50Ms == null ? '—' : `${r.cpuP50Ms.toFixed(1)} / ${r.cpuP95Ms!.toFixed(1)}`,
      String(r.queries),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [`\n${machine}`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  for (const size of results) {
    out.push(
      `${size.scenes} scenes: bulk load ${size.insertS.toFixed(1)} s (COPY), full-text + trigram indexes ${size.textIndexS.toFixed(1)} s, HNSW build ${size.indexBuildS.toFixed(1)} s ` +
        `(maintenance_work_mem 512MB); scenes ${size.tableMB.toFixed(0)} MB of which HNSW ${size.hnswMB.toFixed(0)} MB; ` +
        `the graph in memory read and built in ${size.pictureGraphS.toFixed(1)} s.`,
    );
  }
  out.push(
    `vectors: ${DIM}-d, ${TOPICS} clusters (cosine to centre ≈ 0.8); words: Zipf over ${VOCABULARY} synthetic words, 30 spoken (also as 3 transcript segments) + 4 on screen per scene; ${PEOPLE} people, three a video, each in ~31% of its scenes.`,
    'vs ref: the reference\'s median over the row\'s median (the exact vector scan; for full-text rows, every match ranked, timed in turn with the bounded list on the same queries).',
    'recall@10 / @100: the top 10 / whole candidate list against the reference\'s, same queries (HNSW against the exact scan; the bounded full text against every match ranked).',
    'searchScenes misspelt recall@10: its top 10 against the top 10 of the same words spelt right (what the spelling corrections recover).',
    'cpu: this process\'s CPU time per search (PGlite runs on its thread): unlike wall time, it does not count waiting for a core on a busy machine.',
    'by rank@10: the bounded top 10 that rank (every word, ts_rank_cd) as high as the reference\'s 10th — ties (a word said once) are broken by scene id, so plain recall undercounts; by rank@100 the same over the whole candidate list.',
  );
  return out.join('\n');
}

export async function runSearchBench(options: { sizes?: number[]; log?: (line: string) => void; rebuild?: boolean } = {}): Promise<string> {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const log = options.log ?? ((line: string) => console.log(line));
  const loadAverage = loadavg()[0]!.toFixed(1);
  const results: SearchBenchSize[] = [];
  log('search bench:');
  steadiness = makeSteadinessProbe();
  for (const scenes of sizes) results.push(await measureSize(scenes, log, { rebuild: options.rebuild ?? false }));
  const thumbnails = await measureThumbnailReads();
  const steady = steadiness.summary();
  steadiness = null;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start); Node ${process.version}, PGlite in memory\n${steadinessLine(steady)}`;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, steadiness: steady, results, thumbnails }, null, 2)}\n`);
  return `${formatSearchReport(results, machine, thumbnails)}\nwritten: ${RESULTS}`;
}

/** `--sizes 10000,100000` */
export function sizesFromArgs(argv: string[]): number[] | undefined {
  const i = argv.indexOf('--sizes');
  if (i < 0) return undefined;
  const sizes = (argv[i + 1] ?? '').split(',').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--sizes wants whole numbers of scenes, e.g. --sizes 10000,100000');
  return sizes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSearchBench({ sizes: sizesFromArgs(process.argv), rebuild: process.argv.includes('--rebuild') })
    .then((report) => console.log(report))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}
