// Reads the library's nearest-neighbour (HNSW) indexes into PostgreSQL's page cache as the library opens, a few
// megabytes at a time between the person's own calls. A nearest-neighbour search walks a graph spread over the
// whole index, so until most of it has been read, each of a session's searches reads pages of its own for the
// first time: on the 100k-scene bench library (HNSW 260 MB) the picture list of a hybrid search took 8.6 ms p50
// in a session's first searches and 4.8 once its pages were cached. Reading the whole index took 0.22 s in Node.
// PGlite has no pg_prewarm; pageinspect's get_raw_page reads a page through the page cache, where it stays.
import type { PGlite } from '@electric-sql/pglite';

/** Pages read per step (8 MB): one step keeps the queue ~7 ms in Node, so a search waits no longer than that. */
export const PREWARM_CHUNK_PAGES = 1024;

/**
 * Of the page cache, the share the indexes may fill: beyond it they would push out the table's pages that the
 * full-text side reads (and an index larger than the whole cache would push out its own first pages). The app
 * sizes the cache from the library (pglite-buffers.ts): 512 MB for the 662 MB bench library, whose 260 MB index
 * fits in three quarters of it.
 */
const CACHE_SHARE = 0.75;

interface Range {
  relation: string;
  from: number;
  to: number;
}

/**
 * The pages to read: every HNSW index, largest first, within the cache's share. Reading the scenes table and its
 * other indexes as well (another 120 MB at 100k scenes) made no measurable difference to the words-only searches
 * in Node (p50 13.4 against 12.6–13.8 ms): full text reads few pages of its own, and the first searches read them.
 */
async function pagesToRead(pg: PGlite, chunkPages: number): Promise<Range[]> {
  const indexes = (
    await pg.query<{ name: string; pages: number; cache_pages: number }>(`
      select c.oid::regclass::text as name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
        (select setting::int from pg_settings where name = 'shared_buffers') as cache_pages
      from pg_class c join pg_am a on a.oid = c.relam
      where a.amname = 'hnsw' and c.relkind = 'i'
      order by pages desc`)
  ).rows;
  let budget = Math.floor((indexes[0]?.cache_pages ?? 0) * CACHE_SHARE);
  const ranges: Range[] = [];
  for (const { name, pages } of indexes) {
    const read = Math.min(pages, budget);
    for (let from = 0; from < read; from += chunkPages) ranges.push({ relation: name, from, to: Math.min(read, from + chunkPages) });
    budget -= read;
  }
  return ranges;
}

/**
 * `step` reads the next chunk of pages (the first call creates pageinspect and plans the reads) and answers
 * whether any remain; a caller runs each step through the DB worker's queue, so the person's calls interleave.
 * `chunkPages` is how many pages a step reads.
 */
export function makeIndexPrewarm(pg: PGlite, chunkPages = PREWARM_CHUNK_PAGES) {
  let ranges: Range[] | null = null;
  /** What the steps have done so far: pages read, and the time spent in them (not waiting in a queue). */
  const done = { pages: 0, ms: 0 };
  return {
    done,
    async step(): Promise<boolean> {
      const started = performance.now();
      try {
        if (ranges === null) {
          await pg.exec('create extension if not exists pageinspect');
          ranges = await pagesToRead(pg, chunkPages);
        }
        const range = ranges.shift();
        if (!range) return false;
        await pg.query(`select count(length(get_raw_page($1, 'main', block))) from generate_series($2::bigint, $3::bigint) block`, [
          range.relation,
          range.from,
          range.to - 1,
        ]);
        done.pages += range.to - range.from;
        return ranges.length > 0;
      } finally {
        done.ms += performance.now() - started;
      }
    },
  };
}
