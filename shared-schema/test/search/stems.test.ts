// @vitest-environment node
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, expect, it } from 'vitest';
import { makeStemCache } from '../../src/search/stems.ts';

const pg = await PGlite.create();
const db = drizzle(pg);
afterAll(() => pg.close());

it('asks the database once per word, and answers stems, the word itself or nothing for a stop word', async () => {
  const asked: number[] = [];
  const stemsOf = makeStemCache(async (query: SQL) => {
    const rows = (await db.execute<{ w: string; l: string[] | null }>(query)).rows;
    asked.push(rows.length);
    return rows;
  });
  const first = await stemsOf(['waves', 'crashing', 'the', 'waves']);
  expect(Object.fromEntries(first)).toEqual({ waves: ['wave'], crashing: ['crash'], the: [] });
  expect(asked).toEqual([3]);
  const second = await stemsOf(['waves', 'shore']);
  expect(Object.fromEntries(second)).toEqual({ waves: ['wave'], shore: ['shore'] });
  expect(asked).toEqual([3, 1]);
  expect((await stemsOf(['the'])).get('the')).toEqual([]);
  expect(await stemsOf([])).toEqual(new Map());
  expect(asked).toEqual([3, 1]);
});
