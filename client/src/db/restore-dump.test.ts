// @vitest-environment node
// A backup's database made at an older schema (before the newest migration) is restored into a data directory of
// its own, brought up to date and found again: words, a person's name, a merge and a never-merge mark. A damaged
// archive and one from a newer release are refused in plain words. Real PGlite, real migrations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { readMigrations } from '@heimdex/shared-schema/node';
import { migrateThrough } from '@heimdex/shared-schema/releases';
import { parseQuery } from '@heimdex/shared-schema/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from './api.ts';
import { makeDumpQueries, type DatabaseDump } from './dump.ts';
import { DB_OPTIONS } from './extensions.ts';
import { backfillOcrWords } from './ocr-words.ts';
import { makePeopleRepo } from './people.ts';
import { restoreDump, UNREADABLE_DATABASE } from './restore-dump.ts';
import { makeSearchRepo } from './search.ts';
import { trackChanges } from '../sync/tracking.ts';

const migrations = readMigrations();
/** The schema of the release before the newest migration. */
const OLDER = migrations.journal.entries.at(-2)!;

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdex-restore-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const V = '00000000-0000-4000-8000-0000000000b1';
const S = '00000000-0000-4000-8000-0000000000c1';
const P1 = '00000000-0000-4000-8000-0000000000d1';
const P2 = '00000000-0000-4000-8000-0000000000d2';
const P3 = '00000000-0000-4000-8000-0000000000d3';
const vec = (k: number) => `'[${Array.from({ length: 128 }, (_, i) => (i === k ? 1 : 0)).join(',')}]'`;

let dump: DatabaseDump;

beforeAll(async () => {
  const pg = await PGlite.create(DB_OPTIONS);
  await migrateThrough(pg, OLDER.idx + 1);
  await pg.exec(`
    insert into users (user_id, email, password_hash) values ('${LOCAL_USER_ID}', 'local@device', 'x') on conflict do nothing;
    insert into videos (video_id, user_id, title, file_name, size_bytes, content_sha256, state)
      values ('${V}', '${LOCAL_USER_ID}', 'Beach day', 'beach.mp4', 10, '${'ab'.repeat(32)}', 'INDEXED');
    insert into scenes (scene_id, video_id, user_id, idx, start_s, end_s, transcript, ocr_text)
      values ('${S}', '${V}', '${LOCAL_USER_ID}', 0, 0, 4.5, 'the waves crash on the shore', 'WET PAINT');
    insert into face_profiles (person_id, user_id, name, number, centroid, face_model) values
      ('${P1}', '${LOCAL_USER_ID}', 'Ada Lovelace', 1, ${vec(1)}, 'face-api'),
      ('${P2}', '${LOCAL_USER_ID}', null, 2, ${vec(2)}, 'face-api'),
      ('${P3}', '${LOCAL_USER_ID}', null, 3, ${vec(3)}, 'face-api');
    insert into faces (face_id, scene_id, video_id, user_id, bbox, score, embedding, face_model, person_id)
      values ('00000000-0000-4000-8000-000000000101', '${S}', '${V}', '${LOCAL_USER_ID}', '{"x":1,"y":2,"width":3,"height":4}', 0.9, ${vec(1)}, 'face-api', '${P1}'),
             ('00000000-0000-4000-8000-000000000102', '${S}', '${V}', '${LOCAL_USER_ID}', '{"x":5,"y":2,"width":3,"height":4}', 0.9, ${vec(3)}, 'face-api', '${P3}');
    insert into scene_people (scene_id, person_id, user_id) values ('${S}', '${P1}', '${LOCAL_USER_ID}'), ('${S}', '${P3}', '${LOCAL_USER_ID}');
    insert into device_sync_state (id, node, device_id, cursor, last_batch_seq, account)
      values (1, 'node-a', '00000000-0000-4000-8000-0000000000e1', 14, 12, '{"owner":"u1","account":{"refreshToken":"secret"}}');
  `);
  // A merge and a never-merge mark, made the way the app makes them.
  await trackChanges(pg);
  const people = makePeopleRepo(pg, LOCAL_USER_ID);
  await people.mergePeople(P2, P1);
  await people.setNeverMerge(P1, P3, true);
  dump = await makeDumpQueries(pg, migrations.journal).dumpDatabase();
  await pg.close();
});

/** Restores `archive` into a new data directory and opens it the way the DB worker does. */
async function restoreAndOpen(archive: Blob, migration = dump.migration) {
  const dataDir = tempDir();
  const counts = await restoreDump(archive, migration, (image) => PGlite.create({ dataDir, loadDataDir: image, ...DB_OPTIONS }), migrations);
  const pg = await PGlite.create({ dataDir, ...DB_OPTIONS });
  await trackChanges(pg);
  await backfillOcrWords(pg);
  return { pg, counts };
}

describe('restoring a backup’s database', () => {
  it('records the schema it was made at and what it holds', () => {
    expect(dump.migration).toBe(OLDER.tag);
    expect(dump.counts).toEqual({ videos: 1, scenes: 1, people: 2 });
    expect(dump.videoHashes).toEqual({ [V]: 'ab'.repeat(32) });
  });

  it('upgrades an older backup and finds its scene by words and by person, with names, merges and marks', async () => {
    const { pg, counts } = await restoreAndOpen(dump.archive);
    try {
      expect(counts).toEqual({ videos: 1, scenes: 1, people: 2 });
      const { rows } = await pg.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(rows[0]!.n).toBe(migrations.journal.entries.length);

      const search = makeSearchRepo(pg, LOCAL_USER_ID);
      const byWords = await search.searchScenes({ query: parseQuery('waves shore'), textVector: null });
      expect(byWords.hits.map((h) => h.sceneId)).toEqual([S]);
      const byPerson = await search.searchScenes({ query: parseQuery('person:"Ada Lovelace"'), textVector: null });
      expect(byPerson.hits.map((h) => h.sceneId)).toEqual([S]);

      const people = makePeopleRepo(pg, LOCAL_USER_ID);
      const listed = await people.listPeople();
      expect(listed.map((p) => p.personId).sort()).toEqual([P1, P3].sort()); // P2 was merged into Ada
      expect(listed.find((p) => p.personId === P1)?.name).toBe('Ada Lovelace');
      const ada = await people.getPerson(P1);
      expect(JSON.stringify(ada)).toContain(P3); // the never-merge mark names the other person
    } finally {
      await pg.close();
    }
  });

  it('makes the restored library a new device, signed out, with its changes still to push', async () => {
    const { pg } = await restoreAndOpen(dump.archive);
    try {
      const { rows } = await pg.query<{ device_id: string | null; node: string; cursor: number; account: unknown }>(
        'select device_id, node, cursor, account from device_sync_state',
      );
      expect(rows[0]).toMatchObject({ device_id: null, cursor: 0, account: { owner: 'u1', account: null } });
      expect(rows[0]!.node).not.toBe('node-a');
      const outbox = await pg.query<{ n: number }>('select count(*)::int as n from sync_outbox');
      expect(outbox.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await pg.close();
    }
  });

  it('refuses a damaged archive and one from a newer release, in plain words', async () => {
    const bytes = new Uint8Array(await dump.archive.arrayBuffer());
    const damaged = bytes.slice(0, bytes.length / 2);
    await expect(restoreAndOpen(new Blob([damaged]))).rejects.toThrow(UNREADABLE_DATABASE);
    await expect(restoreAndOpen(dump.archive, '9999_from_the_future')).rejects.toThrow('newer version of Heimdex');
  });
});
