// @vitest-environment node
// Which query words look misspelt (misspeltOf), on a real PGlite: a word the library's words show in enough scenes
// is spelt right without its scenes being counted; the others are counted as before.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/node.ts';
import { misspeltOf, SPELT_RIGHT_SCENES, type RunRows } from '../../src/search/index.ts';

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000a2';
let pg: PGlite;

const run: RunRows = async (query) => (await drizzle(pg).execute(query)).rows as never;
/** misspeltOf with the words each counting statement was asked about. */
async function misspelt(terms: string[], user = A) {
  const counted: string[][] = [];
  const planned: RunRows = async (query: SQL) => {
    counted.push(new PgDialect().sqlToQuery(query).params.filter((p): p is string => typeof p === 'string' && terms.includes(p)));
    return run(query);
  };
  const found = await misspeltOf(user, terms, run, planned);
  return { found: found.map((m) => `${m.term}${m.held ? ' (held)' : ''}`).sort(), counted: counted.map((words) => [...new Set(words)].sort()) };
}

beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector, pg_trgm } });
  await migrate(drizzle(pg), { migrationsFolder });
  for (const user of [A, B]) {
    const { rows } = await pg.query<{ video_id: string }>(
      `insert into videos (user_id, title, file_name, size_bytes, content_sha256) values ($1, 'v', 'v.mp4', 1, 'x') returning video_id`,
      [user],
    );
    let next = 0;
    const scenes = (count: number, text: string, deleted = false) =>
      pg.query(
        `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, deleted)
         select $1, $2, i, i, i + 1, $3, $4 from generate_series($5::int, $6::int) i`,
        [rows[0]!.video_id, user, text, deleted, next, (next += count) - 1],
      );
    if (user === A) {
      await scenes(SPELT_RIGHT_SCENES, 'a heron by the lake');
      await scenes(2, 'an otter in the reeds');
      await scenes(SPELT_RIGHT_SCENES, 'children swimming');
      await scenes(SPELT_RIGHT_SCENES, 'a kingfisher dives', true);
    } else await scenes(SPELT_RIGHT_SCENES, 'an otter and a kingfisher');
  }
});
afterAll(async () => {
  await pg.close();
});

describe('the words of a search that look misspelt', () => {
  it('leaves out, uncounted, a word the library holds in enough scenes', async () => {
    expect(await misspelt(['heron', 'Otter', 'herom'])).toEqual({ found: ['Otter (held)', 'herom'], counted: [['Otter', 'herom']] });
    expect(await misspelt(['HERON'])).toEqual({ found: [], counted: [] });
  });

  it('counts a word the library holds only in another form, as full text finds it', async () => {
    // "swim" is not a word of the library ("swimming" is), yet full text finds it in its scenes by its stem.
    expect(await misspelt(['swim'])).toEqual({ found: [], counted: [['swim']] });
  });

  it("counts only the user's own live scenes' words", async () => {
    // A's kingfisher scenes are deleted; B's are B's own.
    expect(await misspelt(['kingfisher'])).toEqual({ found: ['kingfisher'], counted: [['kingfisher']] });
    expect(await misspelt(['kingfisher', 'otter'], B)).toEqual({ found: [], counted: [] });
  });
});
