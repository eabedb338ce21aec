// @vitest-environment node
// The planner asks the HNSW index for a library's nearest pictures once it knows what a distance costs
// (planner-costs.ts), on a real PGlite holding thousands of scenes with 512-d picture vectors. Its own library:
// plans depend on the size of the tables.
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from './api.ts';
import { COSINE_DISTANCE_COST, setVectorDistanceCost } from './planner-costs.ts';
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
      await setVectorDistanceCost(pg);
    }
    expect(await genericPlan(nearest())).toContain(`Index Scan using ${indexName}`);
  });
});
