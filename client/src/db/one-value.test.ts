// @vitest-environment node
// Lists read as one value on a real in-memory PGlite: the same rows, in the statement's own order, as the
// statement run plainly — through the prepared statements and the unnamed one alike.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRows } from '@heimdex/shared-schema/search';
import { asOneValue } from './one-value.ts';
import { makePreparedStatements } from './prepared.ts';
import { openTestDatabase } from './testing.ts';

let pg: PGlite;

beforeAll(async () => {
  pg = await openTestDatabase();
  // Stored in one order, listed in another (by a score that is neither the key nor the storage order).
  await pg.exec(`create table probe (id uuid primary key, label text, score float8, tier int, tags text[], ok boolean)`);
  await pg.exec(`insert into probe
    select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'it''s "label" ' || i, ((i * 7919) % 1000) / 7.0,
      i % 3, array['a,b', 'c\\d'], i % 2 = 0
    from generate_series(1, 300) i`);
});
afterAll(() => pg.close());

const plain: RunRows = async (query) => (await drizzle(pg).execute(query)).rows as never;
const list = (limit: number): SQL => sql`select id, label, score, tier, tags, ok from probe order by tier, score desc, id limit ${limit}`;

describe('lists read as one value', () => {
  it('gives the rows the statement gives, in its order, prepared or not', async () => {
    const expected = await plain(list(100));
    expect(expected).toHaveLength(100);
    expect(expected.map((r) => r.id)).not.toEqual([...expected.map((r) => r.id)].sort()); // not the key's order
    expect(await asOneValue(plain)(list(100))).toEqual(expected);
    expect(await asOneValue(makePreparedStatements(pg).rows)(list(100))).toEqual(expected);
  });

  it('gives an empty list for no rows', async () => {
    expect(await asOneValue(plain)(sql`select id from probe where false`)).toEqual([]);
  });
});
