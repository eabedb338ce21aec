// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { readMigrations } from '@heimdex/shared-schema/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DB_EXTENSIONS } from '../../client/src/db/extensions.ts';
import { imageTar, tarFileCount } from '../../client/src/db/image.ts';
import { applyMigrations } from '../../client/src/db/migrate.ts';
import { buildDbImage } from './build.ts';

describe('the empty library image', () => {
  let image: Uint8Array<ArrayBuffer>;
  beforeAll(async () => {
    image = new Uint8Array(await buildDbImage());
  }, 120_000);

  it('opens with PGlite, with the extensions and every migration applied, and needs no migration after', async () => {
    const pg = await PGlite.create({ loadDataDir: await imageTar(image), extensions: DB_EXTENSIONS });
    try {
      const { journal, files } = readMigrations();
      const applied = await pg.query<{ created_at: string }>('select created_at::text from drizzle.__drizzle_migrations order by id');
      expect(applied.rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
      const extensions = await pg.query<{ extname: string }>('select extname from pg_extension order by extname');
      expect(extensions.rows.map((r) => r.extname)).toEqual(expect.arrayContaining(['pg_trgm', 'vector']));
      // The schema is really there and usable (vector type, trigram operator class).
      expect((await pg.query<{ n: number }>('select count(*)::int as n from videos')).rows[0]!.n).toBe(0);
      expect((await pg.query<{ d: number }>(`select ('[1,0]'::vector <=> '[0,1]'::vector)::float8 as d`)).rows[0]!.d).toBeCloseTo(1);
      expect((await pg.query<{ s: number }>(`select similarity('heimdex', 'heimdal')::float8 as s`)).rows[0]!.s).toBeGreaterThan(0);

      // The worker migrates after opening the image: a no-op on an image as new as the code.
      await applyMigrations(pg, journal, files);
      expect((await pg.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n).toBe(journal.entries.length);
    } finally {
      await pg.close();
    }
  });

  it('holds only the database PGlite uses, and the worker counts its files as tar does', async () => {
    const pg = await PGlite.create({ loadDataDir: await imageTar(image), extensions: DB_EXTENSIONS });
    try {
      expect((await pg.query<{ datname: string }>('select datname from pg_database')).rows).toEqual([{ datname: 'postgres' }]);
    } finally {
      await pg.close();
    }
    const tar = gunzipSync(image);
    const listed = execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' }).split('\n').filter((line) => line.startsWith('-'));
    expect(tarFileCount(tar)).toBe(listed.length);
    expect(listed.length).toBeLessThan(600);
  });
});
