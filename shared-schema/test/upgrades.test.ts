// @vitest-environment node
// Upgrades keep what people made. A released migration is never edited (a library that already ran it would
// never see the edit: drizzle skips what it has applied); and a database made by each earlier release, filled
// with one row of everything, comes through every later migration with every value it held.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { describe, expect, it } from 'vitest';
import { migrationsFolder, readMigrations } from '../src/node.ts';
import { migrateThrough } from '../src/releases.ts';

const { journal } = readMigrations();
/** Migrations on main at a stop, with the sha256 of their SQL: add each new one when it lands. */
const released = JSON.parse(readFileSync(`${migrationsFolder}/released.json`, 'utf8')) as Record<string, string>;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('released migrations', () => {
  it('are never edited, and come first in the journal in the order they were released', () => {
    const tags = journal.entries.map((e) => e.tag);
    expect(tags.slice(0, Object.keys(released).length), 'released migrations must be the first in the journal').toEqual(Object.keys(released));
    for (const [tag, hash] of Object.entries(released)) {
      const now = sha256(readFileSync(`${migrationsFolder}/${tag}.sql`, 'utf8'));
      expect(now, `${tag}.sql was edited after it was released: libraries that ran it never see the change — write a new migration instead`).toBe(hash);
    }
  });
});

// ---- one row of everything, as SQL literals per column ---------------------------------------------------------

const U = '00000000-0000-4000-8000-0000000000a1';
const V = '00000000-0000-4000-8000-0000000000b1';
const S = '00000000-0000-4000-8000-0000000000c1';
const P1 = '00000000-0000-4000-8000-0000000000d1';
const P2 = '00000000-0000-4000-8000-0000000000d2';
const D = '00000000-0000-4000-8000-0000000000e1';
const vec8 = (offset: number) => `'[${Array.from({ length: 8 }, (_, i) => ((i + offset) / 10).toFixed(1)).join(',')}]'`;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const hlc = q('2026-11-01T10:00:00.000Z-0001-node1');

/** Tables in an order their foreign keys accept; a column absent at a release is left out of that release's row. */
const SEED: Record<string, Record<string, string>[]> = {
  users: [{ user_id: q(U), email: q('ada@example.com'), password_hash: q('scrypt$17$8$1$c2FsdA$aGFzaA'), tier: q('PRO'), email_verified_at: q('2026-01-02T03:04:05Z'), external_id: q('supabase|42') }],
  devices: [{ device_id: q(D), user_id: q(U), name: q('Ada’s laptop'), last_seen_at: q('2026-02-03T04:05:06Z'), last_batch_seq: '12' }],
  videos: [{
    video_id: q(V), user_id: q(U), device_id: q(D), title: q('Beach day'), file_name: q('beach.mp4'), size_bytes: '123456789',
    content_sha256: q('ab'.repeat(32)), mime: q('video/mp4'), duration_s: '12.5', width: '640', height: '360', fps: '25',
    state: q('INDEXED'), error: q('a warning kept for the record'), metadata: q('{"probe":{"creationTime":"2024-05-01T10:00:00Z"}}'),
    hlc, server_seq: '7',
  }],
  scenes: [{
    scene_id: q(S), video_id: q(V), user_id: q(U), idx: '0', start_s: '0', end_s: '4.5', keyframe_s: '1.25',
    transcript: q('the waves crash on the shore'), ocr_text: q('WETPAINT keep off'), thumbnail: q('\\xffd8ffe0'),
    thumbnail_sha256: q('cd'.repeat(32)), image_vec: vec8(1), image_model: q('mobileclip-s0'), text_vec: vec8(2),
    text_model: q('test-text-model'), hlc, server_seq: '8',
  }],
  transcript_segments: [{ segment_id: q('00000000-0000-4000-8000-0000000000f1'), video_id: q(V), user_id: q(U), start_s: '0.5', end_s: '2', text: q('the waves crash'), hlc, server_seq: '9' }],
  face_profiles: [
    { person_id: q(P1), user_id: q(U), name: q('Ada Lovelace'), number: '1', centroid: vec8(3), face_model: q('face-api'), hidden: 'false', hlc, server_seq: '10' },
    { person_id: q(P2), user_id: q(U), name: 'null', number: '2', centroid: vec8(4), face_model: q('face-api'), hidden: 'true', hlc, server_seq: '11' },
  ],
  faces: [{
    face_id: q('00000000-0000-4000-8000-000000000101'), scene_id: q(S), video_id: q(V), user_id: q(U), bbox: q('{"x":10,"y":20,"width":30,"height":40}'),
    score: '0.875', embedding: vec8(5), face_model: q('face-api'), crop: q('\\x0102'), crop_sha256: q('ef'.repeat(32)), person_id: q(P1),
    person_locked: 'true', hlc, server_seq: '12',
  }],
  scene_people: [{ scene_id: q(S), person_id: q(P1), user_id: q(U), hlc, server_seq: '13' }],
  person_never_merge: [{ user_id: q(U), person_a: q(P1), person_b: q(P2), hlc, server_seq: '14' }],
  jobs: [{ job_id: q('00000000-0000-4000-8000-000000000201'), video_id: q(V), stage: q('OCR'), state: q('COMPLETED'), progress: '1', attempts: '2', error: q('retried once'), metadata: q('{"model":"ppocr-v4"}') }],
  settings: [{ user_id: q(U), key: q('visualModel'), value: q('"mobileclip-s0"') }],
  refresh_tokens: [{ token_id: q('00000000-0000-4000-8000-000000000301'), user_id: q(U), token_hash: q('12'.repeat(32)), family_id: q('00000000-0000-4000-8000-000000000302'), expires_at: q('2030-01-01T00:00:00Z') }],
  blobs: [{ user_id: q(U), sha256: q('cd'.repeat(32)), content_type: q('image/jpeg'), size_bytes: '4', bytes: q('\\xffd8ffe0') }],
  sync_batches: [{ user_id: q(U), first_seq: '1', last_seq: '14', device_id: q(D), batch_seq: '12' }],
  user_sync_state: [{ user_id: q(U), next_server_seq: '15', purge_watermark: '3' }],
  device_sync_state: [{
    id: '1', node: q('node1'), clock_millis: '1793000000000', clock_counter: '3', device_id: q(D), cursor: '14', last_batch_seq: '12',
    pending_batch: q('{"batchSeq":13,"changes":[]}'), account: q(`{"owner":"${U}","account":{"email":"ada@example.com"}}`),
  }],
  sync_outbox: [{ kind: q('scene'), key: q(`{"sceneId":"${S}"}`), hlc }],
};

/**
 * Tables and columns (`table.column`) the app first wrote at a later release than the one that created them, by
 * journal index: the database of an earlier release cannot hold them. From the history: people (face_profiles,
 * scene_people and a face's person_id) arrived with 0002 — 0002 adds face_profiles.number NOT NULL, which only an empty table takes.
 */
const FIRST_WRITTEN_AT: Record<string, number> = { face_profiles: 2, scene_people: 2, 'faces.person_id': 2 };
const writtenAt = (key: string, release: number) => release >= (FIRST_WRITTEN_AT[key] ?? 0);

/** Columns a table has now, generated ones aside; null when the table does not exist yet. */
async function columnsOf(pg: PGlite, table: string): Promise<{ name: string; required: boolean }[] | null> {
  const { rows } = await pg.query<{ name: string; required: boolean }>(
    `select column_name as name, (is_nullable = 'NO' and column_default is null) as required from information_schema.columns
     where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  return rows.length === 0 ? null : rows;
}

/** Every seeded table's rows as text, column by column (the columns the release had), in a stable order. */
async function snapshot(pg: PGlite, columns: Map<string, string[]>): Promise<Record<string, string[][]>> {
  const out: Record<string, string[][]> = {};
  for (const [table, cols] of columns) {
    const list = cols.map((c) => `${c}::text`).join(', ');
    const { rows } = await pg.query<Record<string, string | null>>(`select ${list} from ${table} order by 1`, [], { rowMode: 'array' } as never);
    out[table] = (rows as unknown as (string | null)[][]).map((r) => r.map((v) => String(v)));
  }
  return out;
}

describe('a database from each earlier release', () => {
  // 0000 only creates extensions: the first release with tables is 0001. The newest has nothing after it.
  const releases = journal.entries.slice(1, -1);

  it.for(releases.map((e) => ({ tag: e.tag, count: e.idx + 1 })))('made at $tag keeps every value through the later migrations', async ({ tag, count }) => {
    const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
    try {
      await migrateThrough(pg, count);
      const seeded = new Map<string, string[]>();
      for (const [table, rows] of Object.entries(SEED)) {
        const cols = (await columnsOf(pg, table))?.filter((c) => writtenAt(`${table}.${c.name}`, count - 1));
        if (cols === undefined || !writtenAt(table, count - 1)) continue;
        const names = new Set(cols.map((c) => c.name));
        for (const row of rows) {
          const missing = cols.filter((c) => c.required && !(c.name in row)).map((c) => c.name);
          expect(missing, `the seed has no value for ${table}.${missing.join(', ')} (needed by ${tag}): add one to SEED`).toEqual([]);
          const used = Object.keys(row).filter((c) => names.has(c));
          await pg.exec(`insert into ${table} (${used.join(', ')}) values (${used.map((c) => row[c]).join(', ')})`);
        }
        seeded.set(table, cols.map((c) => c.name));
      }
      expect(seeded.has('scenes') && seeded.has('videos')).toBe(true);
      const before = await snapshot(pg, seeded);

      await migrateThrough(pg, journal.entries.length);

      expect(await snapshot(pg, seeded), `a value made under ${tag} changed or was lost by a later migration`).toEqual(before);
      // Still found by its words, through the index the latest schema builds.
      const found = await pg.query<{ n: number }>(`select count(*)::int as n from scenes where search_tsv @@ websearch_to_tsquery('english', 'waves shore')`);
      expect(found.rows[0]!.n).toBe(1);
      // Its words are where a misspelt query word finds its corrections (0009_scene_words fills them in).
      const words = await pg.query<{ word: string }>(`select word from scene_words where user_id = $1 order by word`, [U]);
      expect(words.rows.map((r) => r.word)).toEqual(['crash', 'keep', 'off', 'shore', 'the', 'waves', 'wetpaint']);
    } finally {
      await pg.close();
    }
  });
});
