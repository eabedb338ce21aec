// @vitest-environment node
// A cosine query vector sent as whole numbers (cosineQueryVector) finds the same neighbours with the same
// similarities as the vector sent as it is (queryVector), on PGlite and through postgres.js (the server's driver).
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineQueryVector, queryVector } from '../../src/search/sql.ts';

const DIM = 64;
/** Values of very different sizes, as a real embedding's are (the rounding matters most for the small ones). */
const valuesOf = (seed: number) => Array.from({ length: DIM }, (_, d) => Math.sin(seed * 12.9898 + d * 78.233) * 10 ** -((seed + d) % 4));

let pg: PGlite;
let server: PGLiteSocketServer;
let client: postgres.Sql;

beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector } });
  await pg.exec(`
    create extension vector;
    create table items (id int primary key, v vector(${DIM}));`);
  for (let i = 0; i < 200; i++) await pg.query(`insert into items values ($1, $2::vector)`, [i, `[${valuesOf(i).join(',')}]`]);
  server = new PGLiteSocketServer({ db: pg, port: 0, host: '127.0.0.1' });
  await server.start();
  client = postgres({ host: '127.0.0.1', port: Number(server.getServerConn().split(':').pop()), max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
  await pg?.close();
});

const nearest = (target: { cte: SQL; value: SQL }) => sql`
  with ${target.cte}
  select id, (1 - (v <=> ${target.value}))::float8 as similarity from items order by v <=> ${target.value}, id limit 20`;

describe('cosineQueryVector', () => {
  for (const driver of ['PGlite', 'postgres.js'] as const) {
    it(`gives the neighbours and similarities of the vector itself (${driver})`, async () => {
      const run = async (target: { cte: SQL; value: SQL }) => {
        const result = driver === 'PGlite' ? (await drizzlePglite(pg).execute(nearest(target))).rows : [...(await drizzlePostgres(client).execute(nearest(target)))];
        return result.map((r) => ({ id: Number(r.id), similarity: Number(r.similarity) }));
      };
      for (const seed of [1000, 1001, 1002]) {
        const query = valuesOf(seed);
        const [a, b] = [await run(queryVector(query, DIM)), await run(cosineQueryVector(query, DIM))];
        expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id));
        for (const [i, x] of a.entries()) expect(Math.abs(b[i]!.similarity - x.similarity)).toBeLessThan(1e-6);
      }
    });
  }

  it('sends a vector of zeros as zeros, and refuses a value that is not a number', async () => {
    const [row] = (await drizzlePglite(pg).execute<{ v: string }>(sql`with ${cosineQueryVector([0, 0, 0]).cte} select v::text as v from query_vector`)).rows;
    expect(row!.v).toBe('[0,0,0]');
    expect(() => cosineQueryVector([1, Number.NaN, 2])).toThrow(/not a number/);
  });
});
