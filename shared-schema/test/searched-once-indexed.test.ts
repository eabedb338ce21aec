// @vitest-environment node
// Migration 0016: a video that finished its first indexing run stays searched when a later run of its stages fails
// or is cancelled; a failed first run stays left out (first_indexing), including those an earlier release failed
// before first_indexing existed, and those the server holds without jobs.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { expect, it } from 'vitest';
import { readMigrations } from '../src/node.ts';
import { migrateThrough } from '../src/releases.ts';
import { ownScenes } from '../src/search/index.ts';

const USER = '00000000-0000-4000-8000-0000000000a1';
const { journal } = readMigrations();
const through0015 = journal.entries.findIndex((e) => e.tag === '0016_searched_once_indexed');

/** Each video as 0015 left it: its state, first_indexing, and its jobs not completed (`again` when queued again). */
const VIDEOS: Record<string, { state: string; firstIndexing?: boolean; deleted?: boolean; jobs?: boolean; unfinished?: { stage: string; again?: boolean }[] }> = {
  indexed: { state: 'INDEXED' },
  firstRun: { state: 'PROCESSING', firstIndexing: true, unfinished: [{ stage: 'OCR' }] },
  // Failed in its first run since 0014: marked already.
  failedFirstRun: { state: 'FAILED', firstIndexing: true, unfinished: [{ stage: 'OCR' }] },
  // Failed in its first run before 0014 existed (which left failed videos unmarked).
  failedBefore0014: { state: 'FAILED', unfinished: [{ stage: 'OCR' }, { stage: 'FINALIZE' }] },
  // An indexed video whose faces ran again (a model installed) and was cancelled after detection wrote.
  cancelledRunAgain: { state: 'FAILED', unfinished: [{ stage: 'FACE_EMBED', again: true }, { stage: 'FINALIZE', again: true }] },
  // Held by the server, which holds no jobs: nothing says which run failed.
  failedOnServer: { state: 'FAILED', jobs: false },
  deletedFailed: { state: 'FAILED', deleted: true, unfinished: [{ stage: 'OCR' }] },
};

it('0016 keeps a failed video out of search only when its first run failed', async () => {
  expect(through0015).toBeGreaterThan(0);
  const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
  try {
    await migrateThrough(pg, through0015);
    for (const [title, video] of Object.entries(VIDEOS)) {
      const { rows } = await pg.query<{ video_id: string }>(
        `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state, deleted, first_indexing)
         values ($1, $2, $2 || '.mp4', 1, md5($2), $3, $4, $5) returning video_id`,
        [USER, title, video.state, video.deleted ?? false, video.firstIndexing ?? false],
      );
      const videoId = rows[0]!.video_id;
      await pg.query(`insert into scenes (video_id, user_id, idx, start_s, end_s) values ($1, $2, 0, 0, 5)`, [videoId, USER]);
      if (video.jobs === false) continue;
      await pg.query(`insert into jobs (video_id, stage, state) values ($1, 'SCENE_DETECT', 'COMPLETED')`, [videoId]);
      for (const job of video.unfinished ?? []) {
        await pg.query(`insert into jobs (video_id, stage, state, metadata) values ($1, $2, 'PENDING', $3)`, [
          videoId,
          job.stage,
          JSON.stringify(job.again ? { again: true, hadResults: true } : {}),
        ]);
      }
    }

    await migrateThrough(pg, journal.entries.length);

    const marked = await pg.query<{ title: string }>(`select title from videos where first_indexing order by title`);
    expect(marked.rows.map((r) => r.title)).toEqual(['failedBefore0014', 'failedFirstRun', 'failedOnServer', 'firstRun']);
    const db = drizzle(pg);
    const searched = await db.execute<{ title: string }>(
      sql`select v.title from scenes s join videos v on v.video_id = s.video_id where ${ownScenes(USER)} order by v.title`,
    );
    expect(searched.rows.map((r) => r.title)).toEqual(['cancelledRunAgain', 'indexed']);
    // The videos search leaves out are read through the index of them, as ownScenes asks for them.
    await pg.exec('set enable_seqscan = off');
    const plan = await db.execute<{ 'QUERY PLAN': string }>(sql`explain select s.scene_id from scenes s where ${ownScenes(USER)}`);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('videos_unsearched_idx');
  } finally {
    await pg.close();
  }
});
