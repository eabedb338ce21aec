// @vitest-environment node
// The index read-ahead on a real PGlite: a library saved and opened again starts with an empty page cache, as an
// app's does; after the read-ahead a nearest-neighbour search finds the index's pages in the cache.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_OPTIONS } from './extensions.ts';
import { makeIndexPrewarm } from './prewarm.ts';

const DIM = 32;
const open: PGlite[] = [];

/** A saved library of 3000 vectors with an HNSW index (the saved data directory, as the app's files are). */
async function savedLibrary(): Promise<Blob> {
  const pg = await PGlite.create(DB_OPTIONS);
  await pg.exec(`
    create extension vector;
    create table items (id int primary key, v vector(${DIM}));
    insert into items select i, (select array_agg(sin(i * 7.3 + d * 1.7))::vector(${DIM}) from generate_series(1, ${DIM}) d)
      from generate_series(1, 3000) i;
    create index items_v on items using hnsw (v vector_cosine_ops);
    checkpoint;`);
  const image = await pg.dumpDataDir('none');
  await pg.close();
  return image;
}

async function reopen(image: Blob): Promise<PGlite> {
  const pg = await PGlite.create({ loadDataDir: image, ...DB_OPTIONS });
  open.push(pg);
  return pg;
}

/** Pages a nearest-neighbour search read from the files rather than the page cache (its index scan's "read"). */
async function pagesRead(pg: PGlite): Promise<number> {
  const plan = await pg.query<{ 'QUERY PLAN': string }>(`
    explain (analyze, buffers, costs off) select id from items
    order by v <=> (select array_agg(cos(d * 0.9))::vector(${DIM}) from generate_series(1, ${DIM}) d) limit 10`);
  const lines = plan.rows.map((r) => r['QUERY PLAN']);
  const scan = lines.findIndex((l) => l.includes('Index Scan using items_v'));
  expect(scan).toBeGreaterThanOrEqual(0);
  const buffers = lines.slice(scan).find((l) => l.includes('Buffers:'))!;
  return Number(/read=(\d+)/.exec(buffers)?.[1] ?? 0);
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((pg) => pg.close()));
});

describe('reading the vector indexes ahead', () => {
  it('reads every page of the HNSW index, a step at a time, so that a search finds them in the page cache', async () => {
    const image = await savedLibrary();
    const cold = await pagesRead(await reopen(image));

    const pg = await reopen(image);
    const [{ pages }] = (await pg.query<{ pages: number }>(`select (pg_relation_size('items_v') / 8192)::int as pages`)).rows as [{ pages: number }];
    const prewarm = makeIndexPrewarm(pg, 16);
    let steps = 1;
    while (await prewarm.step()) steps++;
    expect(steps).toBe(Math.ceil(pages / 16));
    expect(prewarm.done.pages).toBe(pages);
    expect(prewarm.done.ms).toBeGreaterThan(0);
    const warm = await pagesRead(pg);

    // Cold, the search read index pages and the rows' pages; warm, at most the pages of the ten rows it returns.
    expect(cold).toBeGreaterThan(10);
    expect(warm).toBeLessThanOrEqual(10);
    expect(await prewarm.step()).toBe(false);
  });

  it('has nothing to read in a library without a vector index', async () => {
    const pg = await reopen(await (async () => {
      const fresh = await PGlite.create(DB_OPTIONS);
      await fresh.exec('create table items (id int primary key)');
      const image = await fresh.dumpDataDir('none');
      await fresh.close();
      return image;
    })());
    expect(await makeIndexPrewarm(pg).step()).toBe(false);
  });
});
