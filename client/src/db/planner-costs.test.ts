// @vitest-environment node
// Plans on a library of thousands of scenes with 512-d picture vectors, thousands of words and hundreds of people,
// on a real PGlite. The planner asks the HNSW index for the nearest pictures, and the trigram index for the words,
// once it knows what a distance and ILIKE cost (planner-costs.ts); a hit's people are read by their keys. Its own
// library: plans depend on the size of the tables.
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsQuery, filtersOf, gluedQuery, gluedRuns, NO_TERMS, parseQuery } from '@heimdex/shared-schema/search';
import { LOCAL_USER_ID } from './api.ts';
import { COSINE_DISTANCE_COST, setPlannerCosts, TEXT_ILIKE_COST } from './planner-costs.ts';
import { makePreparedStatements } from './prepared.ts';
import { ensureVectorIndex, nearestScenesQuery, ownScenes } from './search.ts';
import { openTestDatabase } from './testing.ts';

const MODEL = 'test-clip-512';
const SCENES = 6000;
let pg: PGlite;
let indexName: string;

beforeAll(async () => {
  pg = await openTestDatabase();
  const { rows } = await pg.query<{ video_id: string }>(
    `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state)
     select $1, 'Video ' || i, 'video-' || i || '.mp4', 1000, 'sha-' || i, 'INDEXED' from generate_series(1, 30) i returning video_id`,
    [LOCAL_USER_ID],
  );
  // Each scene its own random vector (the subquery names g, so it is drawn per row).
  await pg.query(
    `insert into scenes (video_id, user_id, idx, start_s, end_s, image_vec, image_model)
     select ($2::uuid[])[1 + g % 30], $1, g / 30, g, g + 1,
       (select array_agg(random() - 0.5) from generate_series(1, 512) where g >= 0)::vector, $3
     from generate_series(0, $4 - 1) g`,
    [LOCAL_USER_ID, rows.map((r) => r.video_id), MODEL, SCENES],
  );
  indexName = await ensureVectorIndex(drizzle(pg), MODEL, 512);
  // Four words of six letters and digits of its own in each of 1,000 scenes: the library's words (scene_words, kept
  // by triggers) number 4,000.
  await pg.exec(`update scenes set transcript = (
      select string_agg(substr(md5(idx || ' ' || start_s || ' ' || k), 1, 6), ' ') from generate_series(1, 4) k)
    where start_s < 1000`);
  // 200 people, as face grouping leaves them, one of them in every third scene (2,000 scenes).
  await pg.query(
    `insert into face_profiles (user_id, name, number, face_model) select $1, 'Person of ' || i, i, 'test-faces' from generate_series(1, 200) i`,
    [LOCAL_USER_ID],
  );
  await pg.exec(`insert into scene_people (scene_id, person_id, user_id)
    select s.scene_id, p.person_id, s.user_id from scenes s join face_profiles p on p.number = 1 + (s.start_s::int % 600) / 3
    where s.start_s::int % 3 = 0`);
  await pg.exec('analyze');
}, 120_000);
afterAll(async () => {
  await pg.close();
});

/** The plan the app's prepared statement runs (one plan for any values, see prepared.ts). */
async function genericPlan(query: SQL): Promise<string> {
  const { sql: text, params } = new PgDialect().sqlToQuery(query);
  await pg.exec('set plan_cache_mode = force_generic_plan');
  try {
    const { rows } = await pg.query<{ 'QUERY PLAN': string }>(`explain ${text}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await pg.exec('reset plan_cache_mode');
  }
}

/** As a search runs it: without a filter on the video (no video read), unless `readsVideo`. */
const nearest = (readsVideo = false) => {
  const vector = Array.from({ length: 512 }, (_, i) => Math.sin(i));
  return nearestScenesQuery({ modelId: MODEL, vector }, ownScenes(LOCAL_USER_ID), { readsVideo });
};

describe('the nearest pictures of a library of thousands of scenes', () => {
  it('come from the HNSW index', async () => {
    const { rows } = await pg.query<{ procost: number }>(`select procost from pg_proc where oid = 'cosine_distance(vector, vector)'::regprocedure`);
    expect(Number(rows[0]!.procost)).toBe(COSINE_DISTANCE_COST);
    expect(await genericPlan(nearest())).toContain(`Index Scan using ${indexName}`);
    expect(await genericPlan(nearest(true))).toContain(`Index Scan using ${indexName}`);
  });

  it('came from reading and sorting every scene while the planner took a distance for as cheap as an addition', async () => {
    await pg.exec('alter function cosine_distance(vector, vector) cost 1');
    try {
      const plan = await genericPlan(nearest());
      expect(plan).not.toContain(indexName);
      expect(plan).toMatch(/Seq Scan on scenes/);
    } finally {
      await setPlannerCosts(pg);
    }
    expect(await genericPlan(nearest())).toContain(`Index Scan using ${indexName}`);
  });
});

describe("the glued words' gate on a library of thousands of words", () => {
  /** As a search of two words runs it (gluedRunScenes): is any of the library's words the two run together? */
  const glued = () => {
    const q = parseQuery('roast chicken');
    return gluedQuery(LOCAL_USER_ID, gluedRuns(q.words, q.phrases), filtersOf(LOCAL_USER_ID, q, new Map()));
  };
  /** The plan the app's prepared statement runs (a fresh statement: the plan as the costs stand now). */
  const preparedPlan = async () => makePreparedStatements(pg).plan(glued());

  it('asks the trigram index', async () => {
    const { rows } = await pg.query<{ words: number; procost: number }>(
      `select (select count(*) from scene_words)::int as words, procost from pg_proc where oid = 'texticlike(text, text)'::regprocedure`,
    );
    expect(rows[0]!.words).toBeGreaterThanOrEqual(4000);
    expect(Number(rows[0]!.procost)).toBe(TEXT_ILIKE_COST);
    expect(await preparedPlan()).toContain('Bitmap Index Scan on scene_words_word_trgm_idx');
  });

  it('scanned every word while the planner took ILIKE for as cheap as an addition', async () => {
    await pg.exec('alter function texticlike(text, text) cost 1');
    try {
      const plan = await preparedPlan();
      expect(plan).not.toContain('scene_words_word_trgm_idx');
      expect(plan).toContain('Seq Scan on scene_words');
    } finally {
      await setPlannerCosts(pg);
    }
    expect(await preparedPlan()).toContain('Bitmap Index Scan on scene_words_word_trgm_idx');
  });
});

describe("a hit's people on a library of hundreds of people", () => {
  it('are read by their keys, not by reading every profile again for each hit', async () => {
    const { rows } = await pg.query<{ scene_id: string }>(`select scene_id from scene_people order by scene_id limit 50`);
    const query = detailsQuery(LOCAL_USER_ID, rows.map((r) => r.scene_id), NO_TERMS);
    const plan = await makePreparedStatements(pg).plan(query);
    expect(plan).toMatch(/Index Scan (using|on) face_profiles_pkey/);
    expect(plan).not.toContain('Seq Scan on face_profiles');
    const hits = await makePreparedStatements(pg).rows<{ hit: { people: string[] | null } }>(query);
    expect(hits).toHaveLength(50);
    expect(hits.every((h) => h.hit.people?.length === 1 && h.hit.people[0]!.startsWith('Person of '))).toBe(true);
  });
});
