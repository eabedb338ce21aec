// @vitest-environment node
// The embedded database on disk: opened again with the data it holds, and with PostgreSQL's page cache sized to it
// (pglite-buffers.ts) — the default for a small one, more for a large one.
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedBuffersMb } from '@heimdex/shared-schema/pglite-buffers';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.ts';
import { selectRows } from '../src/db/rows.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'heimdex-open-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const pageCache = async (database: Awaited<ReturnType<typeof openDatabase>>) =>
  (await selectRows<{ shared_buffers: string }>(database.db, sql`show shared_buffers`))[0]?.shared_buffers;

describe('the embedded database on disk', () => {
  it('starts small with the default page cache, and a large one with a cache sized to it', async () => {
    const small = await openDatabase({ dataDir });
    try {
      await small.db.execute(sql`create table kept (n int)`);
      await small.db.execute(sql`insert into kept values (42)`);
      expect(await pageCache(small)).toBe('128MB');
    } finally {
      await small.close();
    }
    // 300 MB more on disk under the database's files (a sparse file: nothing written, only its size counts).
    const padding = join(dataDir, 'pglite', 'base', 'padding-for-test');
    const fd = openSync(padding, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    const large = await openDatabase({ dataDir });
    try {
      const expected = sharedBuffersMb(300 * 1024 * 1024, totalmem());
      expect(expected).toBeGreaterThan(128); // a test machine has 4 GB or more
      expect(await pageCache(large)).toBe(`${expected}MB`);
      expect(await selectRows<{ n: number }>(large.db, sql`select n from kept`)).toEqual([{ n: 42 }]);
    } finally {
      await large.close();
    }
  });
});
