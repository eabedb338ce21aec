// @vitest-environment node
// Prepared statements on a real in-memory PGlite: every kind of value a search sends comes back as the unnamed
// statement (PGlite's own query) returns it — quotes, backslashes and braces included, where a wrong escape would
// change the statement — each text is prepared once, the oldest is deallocated past the capacity, and a schema
// change under a kept statement is planned again by Postgres.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePreparedStatements } from './prepared.ts';
import { openTestDatabase } from './testing.ts';

let pg: PGlite;

beforeAll(async () => {
  pg = await openTestDatabase();
  await pg.exec(`create table probe (id uuid primary key, label text, score float8, tags text[], v vector(3))`);
  await pg.exec(`insert into probe values
    ('00000000-0000-4000-8000-000000000001', 'it''s a "sign"', 0.5, '{"a,b","c\\\\d"}', '[1,0,0]'),
    ('00000000-0000-4000-8000-000000000002', 'back\\slash {brace}', 2.25, '{}', '[0,1,0]')`);
});
afterAll(() => pg.close());

/** The unnamed statement (PGlite's own query, through drizzle), to compare with. */
const plain = async (query: SQL) => (await drizzle(pg).execute(query)).rows;
const preparedNames = async () => (await pg.query<{ name: string }>(`select name from pg_prepared_statements order by name`)).rows.map((r) => r.name);

describe('prepared statements', () => {
  it('returns what the unnamed statement returns, for every kind of value', async () => {
    const { rows } = makePreparedStatements(pg);
    const tricky = [`it's a "sign"`, `back\\slash {brace}`, `'; drop table probe; --`, `€12.50 \u00e9t\u00e9`];
    for (const label of tricky) {
      const query = sql`select id, label, score, tags, v::text as v from probe where label = ${label} or ${label} = any(tags)`;
      expect(await rows(query)).toEqual(await plain(query));
    }
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    const arrays = sql`select id, label from probe where id = any(${sql.param(ids)}::uuid[]) and ${sql.param(['a,b', 'x"y', 'c\\d'])}::text[] && (tags || '{x}') order by id`;
    const found = await rows(arrays);
    expect(found).toEqual(await plain(arrays));
    expect(found).toHaveLength(1); // the first row's tags: "a,b" and "c\d" read back as written
    const numbers = sql`select id, ${1.5}::float8 * score as scaled, ${true}::bool as yes, ${null}::text as nothing from probe where score > ${0.75} order by id`;
    expect(await rows(numbers)).toEqual([{ id: ids[1], scaled: 3.375, yes: true, nothing: null }]);
    const vector = sql`select id, (v <=> ${'[1,0,0]'}::vector(3))::float8 as distance from probe order by 2`;
    expect(await rows(vector)).toEqual(await plain(vector));
    expect(await pg.query(`select count(*)::int as n from probe`)).toMatchObject({ rows: [{ n: 2 }] }); // nothing dropped
  });

  it('prepares each text once and keeps at most its capacity', async () => {
    await pg.exec('deallocate all');
    const { rows } = makePreparedStatements(pg, 2);
    const byLabel = (label: string) => sql`select id from probe where label = ${label}`;
    await rows(byLabel('a'));
    await rows(byLabel('b')); // same text, other value
    expect(await preparedNames()).toHaveLength(1);
    await rows(sql`select id from probe where score > ${1}`);
    await rows(byLabel('c')); // used again: now the most recent
    await rows(sql`select id from probe where score < ${1}`); // a third text: the least recently used goes
    const kept = await preparedNames();
    expect(kept).toHaveLength(2);
    expect(await rows(byLabel(`it's a "sign"`))).toEqual([{ id: '00000000-0000-4000-8000-000000000001' }]);
    expect(await preparedNames()).toEqual(kept); // still prepared: it was not the one evicted
  });

  it('runs the plan made once for any values, and leaves other statements planned for theirs', async () => {
    const prepared = makePreparedStatements(pg);
    const query = sql`select id from probe where label = ${'x'}`;
    expect(await prepared.plan(query)).toMatch(/label = \$1/); // a parameter, not the value: the generic plan
    await prepared.rows(query);
    expect((await pg.query<{ plan_cache_mode: string }>('show plan_cache_mode')).rows[0]!.plan_cache_mode).toBe('auto');
    // After a failed statement too: the setting goes back with the statement's implicit transaction.
    await expect(prepared.rows(sql`select id from probe where id = ${'not-a-uuid'}::uuid`)).rejects.toThrow();
    expect((await pg.query<{ plan_cache_mode: string }>('show plan_cache_mode')).rows[0]!.plan_cache_mode).toBe('auto');
  });

  it('prepares a statement again when it was dropped under it', async () => {
    const { rows } = makePreparedStatements(pg);
    const query = sql`select id from probe where score > ${1}`;
    expect(await rows(query)).toHaveLength(1);
    await pg.exec('deallocate all');
    expect(await rows(query)).toHaveLength(1);
    expect(await preparedNames()).toHaveLength(1);
  });

  it('plans again after the schema changes under a kept statement', async () => {
    const { rows } = makePreparedStatements(pg);
    const query = sql`select id, label from probe where label like ${'%sign%'}`;
    expect(await rows(query)).toHaveLength(1);
    await pg.exec(`create index probe_label on probe (label)`);
    await pg.exec(`alter table probe add column extra int`);
    expect(await rows(query)).toEqual(await plain(query));
  });

  it('runs several statements in one message, each answering its own rows, prepared once each', async () => {
    await pg.exec('deallocate all');
    const { rowsOfEach } = makePreparedStatements(pg);
    const byLabel = sql`select id from probe where label = ${`it's a "sign"`}`;
    const byScore = sql`select label, score from probe where score > ${1} order by id`;
    const none = sql`select id from probe where score > ${99}`;
    const answers = await rowsOfEach([byLabel, byScore, none]);
    expect(answers).toEqual([await plain(byLabel), await plain(byScore), []]);
    expect(answers[0]).toHaveLength(1);
    expect(answers[1]).toEqual([{ label: 'back\\slash {brace}', score: 2.25 }]);
    expect(await preparedNames()).toHaveLength(3);
    expect(await rowsOfEach([])).toEqual([]);
    // Dropped under it: all prepared again; a statement that fails fails them all, and the setting goes back.
    await pg.exec('deallocate all');
    expect(await rowsOfEach([byScore, byLabel])).toEqual([answers[1], answers[0]]);
    await expect(rowsOfEach([byLabel, sql`select id from probe where id = ${'not-a-uuid'}::uuid`])).rejects.toThrow(/uuid/);
    expect((await pg.query<{ plan_cache_mode: string }>('show plan_cache_mode')).rows[0]!.plan_cache_mode).toBe('auto');
  });

  it('gives the database’s own error for a bad value', async () => {
    const { rows } = makePreparedStatements(pg);
    await expect(rows(sql`select id from probe where id = ${'not-a-uuid'}::uuid`)).rejects.toThrow(/invalid input syntax for type uuid/);
    await expect(rows(sql`select ${'a\0b'}::text`)).rejects.toThrow(/NUL/);
  });
});
