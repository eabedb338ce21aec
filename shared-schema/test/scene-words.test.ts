// @vitest-environment node
// scene_words, the library's words that spelling corrections come from: counted by the triggers of migration
// 0009 as scenes come, change and go, on a real PGlite.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src/node.ts';

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000a2';
let pg: PGlite;
let video: string;

const counts = async (user = A) =>
  Object.fromEntries(
    (await pg.query<{ word: string; scenes: number }>(`select word, scenes from scene_words where user_id = $1 and scenes > 0 order by word`, [user])).rows.map(
      (r) => [r.word, r.scenes],
    ),
  );
const insertScene = async (idx: number, transcript: string, ocrText = '', user = A) =>
  (
    await pg.query<{ scene_id: string }>(
      `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, ocr_text) values ($1, $2, $3, 0, 1, $4, $5) returning scene_id`,
      [video, user, idx, transcript, ocrText],
    )
  ).rows[0]!.scene_id;

beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector, pg_trgm } });
  await migrate(drizzle(pg), { migrationsFolder });
  video = (
    await pg.query<{ video_id: string }>(
      `insert into videos (user_id, title, file_name, size_bytes, content_sha256) values ($1, 'v', 'v.mp4', 1, 'x') returning video_id`,
      [A],
    )
  ).rows[0]!.video_id;
});
afterAll(async () => {
  await pg.close();
});

describe('scene_words', () => {
  it('counts the scenes holding each word (3 letters or more, any case, once a scene) per user, as scenes come, change and go', async () => {
    const first = await insertScene(0, 'Harbor harbor at dusk', 'HARBOR-FESTIVAL');
    const second = await insertScene(1, 'the harbor', '');
    await insertScene(2, 'harbor of someone else', '', B);
    expect(await counts()).toEqual({ dusk: 1, festival: 1, harbor: 2, the: 1 });
    expect((await counts(B)).harbor).toBe(1);

    await pg.query(`update scenes set transcript = 'quiet dusk' where scene_id = $1`, [second]);
    expect(await counts()).toEqual({ dusk: 2, festival: 1, harbor: 1, quiet: 1 });
    // Nothing counted when neither the text nor `deleted` changes.
    await pg.query(`update scenes set keyframe_s = 0.5 where video_id = $1`, [video]);
    expect(await counts()).toEqual({ dusk: 2, festival: 1, harbor: 1, quiet: 1 });

    await pg.query(`update scenes set deleted = true where scene_id = $1`, [first]);
    expect(await counts()).toEqual({ dusk: 1, quiet: 1 });
    await pg.query(`update scenes set deleted = false where scene_id = $1`, [first]);
    expect(await counts()).toEqual({ dusk: 2, festival: 1, harbor: 1, quiet: 1 });

    await pg.query(`delete from scenes where scene_id = $1`, [second]);
    expect(await counts()).toEqual({ dusk: 1, festival: 1, harbor: 1 });
  });
});
