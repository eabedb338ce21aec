// @vitest-environment node
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { eq } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMigrations, type Journal } from '../src/migrations.ts';
import { migrationsFolder } from '../src/node.ts';
import { scenes, videos } from '../src/schema.ts';

const userId = '00000000-0000-4000-8000-000000000001';
const vec = Array.from({ length: 8 }, (_, i) => (i + 1) / 10);

async function roundTripScene(db: ReturnType<typeof drizzlePglite> | ReturnType<typeof drizzlePostgres>) {
  const [video] = await db
    .insert(videos)
    .values({ userId, title: 'Beach', fileName: 'beach.mp4', sizeBytes: 1234, contentSha256: 'abc' })
    .returning();
  await db.insert(scenes).values({
    videoId: video!.videoId,
    userId,
    idx: 0,
    startS: 0,
    endS: 4.5,
    transcript: 'waves crashing on the shore',
    imageVec: vec,
    imageModel: 'test-model',
    thumbnail: new Uint8Array([0xff, 0xd8, 0xff]),
  });
  const [scene] = await db.select().from(scenes).where(eq(scenes.videoId, video!.videoId));
  return scene!;
}

function expectRoundTripped(scene: Awaited<ReturnType<typeof roundTripScene>>) {
  expect(scene.endS).toBe(4.5);
  expect(scene.imageVec).toHaveLength(8);
  scene.imageVec!.forEach((v, i) => expect(v).toBeCloseTo(vec[i]!, 6));
  expect([...scene.thumbnail!]).toEqual([0xff, 0xd8, 0xff]);
  expect(scene.searchTsv).toContain("'wave'");
}

describe('migrations', () => {
  it('the browser-built migration list equals the Node one (same hashes, same statements)', async () => {
    const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as Journal;
    const files = Object.fromEntries(
      journal.entries.map((e) => [e.tag, readFileSync(`${migrationsFolder}/${e.tag}.sql`, 'utf8')]),
    );
    const fromBrowser = await buildMigrations(journal, files);
    expect(fromBrowser).toEqual(readMigrationFiles({ migrationsFolder }));
  });

  it('apply to an in-memory PGlite and round-trip a scene with a vector', async () => {
    const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
    const db = drizzlePglite(pg);
    await migratePglite(db, { migrationsFolder });
    await migratePglite(db, { migrationsFolder }); // idempotent
    expectRoundTripped(await roundTripScene(db));
    const trgm = await pg.query<{ s: number }>(`select similarity('heimdex', 'heimdx')::float8 as s`);
    expect(trgm.rows[0]!.s).toBeGreaterThan(0.4);
    await pg.close();
  });

  describe('over the Postgres wire protocol (postgres.js)', () => {
    let server: PGLiteSocketServer | undefined;
    let sql: postgres.Sql | undefined;
    afterAll(async () => {
      await sql?.end();
      await server?.stop();
    });

    it('apply through postgres.js and round-trip a scene with a vector', async () => {
      const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
      server = new PGLiteSocketServer({ db: pg, port: 0, host: '127.0.0.1' });
      await server.start();
      const port = Number(server.getServerConn().split(':').pop());
      // One PGlite is one session: a larger pool interleaves protocol messages (STACK-NOTES).
      sql = postgres({ host: '127.0.0.1', port, max: 1, onnotice: () => {} });
      const db = drizzlePostgres(sql);
      await migratePostgres(db, { migrationsFolder });
      expectRoundTripped(await roundTripScene(db));
    });
  });
});
