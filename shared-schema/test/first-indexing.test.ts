// @vitest-environment node
// Migration 0014 marks the videos an earlier release left in their first indexing run, which search leaves out from
// then on; every other video stays searchable as before.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { expect, it } from 'vitest';
import { readMigrations } from '../src/node.ts';
import { migrateThrough } from '../src/releases.ts';

const USER = '00000000-0000-4000-8000-0000000000a1';
const { journal } = readMigrations();
const through0013 = journal.entries.findIndex((e) => e.tag === '0014_first_indexing');

/** Each video as 0013 left it: its state, deleted or not, and its jobs not completed (`again` when queued again). */
const VIDEOS: Record<string, { state: string; deleted?: boolean; unfinished?: { stage: string; again?: boolean }[] }> = {
  indexed: { state: 'INDEXED' },
  uploading: { state: 'UPLOADING' },
  validating: { state: 'VALIDATING', unfinished: [{ stage: 'UPLOAD_VALIDATE' }] },
  firstRun: { state: 'PROCESSING', unfinished: [{ stage: 'OCR' }, { stage: 'FINALIZE' }] },
  // An indexed video whose faces stage runs again (a model installed since): searched on what it has.
  runAgain: { state: 'PROCESSING', unfinished: [{ stage: 'FACE_DETECT', again: true }, { stage: 'FINALIZE', again: true }] },
  // Pulled from another device mid-run: the server holds no jobs for it (and neither does this device).
  pulledMidRun: { state: 'PROCESSING' },
  failed: { state: 'FAILED', unfinished: [{ stage: 'OCR' }] },
  deletedMidRun: { state: 'PROCESSING', deleted: true, unfinished: [{ stage: 'OCR' }] },
};

it('0014 marks the videos left in their first run, and only those', async () => {
  expect(through0013).toBeGreaterThan(0);
  const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
  try {
    await migrateThrough(pg, through0013);
    for (const [title, video] of Object.entries(VIDEOS)) {
      const { rows } = await pg.query<{ video_id: string }>(
        `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state, deleted)
         values ($1, $2, $2 || '.mp4', 1, md5($2), $3, $4) returning video_id`,
        [USER, title, video.state, video.deleted ?? false],
      );
      await pg.query(`insert into jobs (video_id, stage, state) values ($1, 'SCENE_DETECT', 'COMPLETED')`, [rows[0]!.video_id]);
      for (const job of video.unfinished ?? []) {
        await pg.query(`insert into jobs (video_id, stage, state, metadata) values ($1, $2, 'PENDING', $3)`, [
          rows[0]!.video_id,
          job.stage,
          JSON.stringify(job.again ? { again: true, hadResults: true } : {}),
        ]);
      }
    }

    await migrateThrough(pg, through0013 + 1);

    const { rows } = await pg.query<{ title: string }>(`select title from videos where first_indexing order by title`);
    expect(rows.map((r) => r.title)).toEqual(['firstRun', 'uploading', 'validating']);
    // The videos search left out are read through the index of them (as 0014 has it; 0016 changes both).
    await pg.exec('set enable_seqscan = off');
    const plan = await pg.query<{ 'QUERY PLAN': string }>(
      `explain select video_id from videos h where h.user_id = '${USER}' and (h.deleted or h.first_indexing or h.state in ('FAILED', 'DELETED'))`,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('videos_unsearched_idx');
  } finally {
    await pg.close();
  }
});
