// @vitest-environment node
// The page cache a PGlite database starts with (pglite-buffers.ts): PostgreSQL's default for a small library, sized
// to a large one within the device's memory, and really applied by a real PGlite.
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUFFERS_MB, MAX_BUFFERS_MB, pgliteBufferOptions, sharedBuffersMb } from '../src/pglite-buffers.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('the page cache of a PGlite database', () => {
  it.for([
    ['a new library', 0, 8 * GB, DEFAULT_BUFFERS_MB],
    ['a library under the default', 150 * MB, 8 * GB, DEFAULT_BUFFERS_MB],
    ['a library of 300 MB: three quarters of it, in steps of 64 MB', 300 * MB, 8 * GB, 256],
    ['the 100k-scene bench library (662 MB)', 662 * MB, 24 * GB, MAX_BUFFERS_MB],
    ['a huge library: never above the most', 20 * GB, 64 * GB, MAX_BUFFERS_MB],
    ['a phone of 4 GB: a sixteenth of its memory', 662 * MB, 4 * GB, 256],
    ['a device of 2 GB: never below the default', 662 * MB, 2 * GB, DEFAULT_BUFFERS_MB],
    ['nonsense sizes: the default', -5, Number.NaN, DEFAULT_BUFFERS_MB],
  ] as const)('%s', ([, database, memory, expected]) => {
    expect(sharedBuffersMb(database, memory)).toBe(expected);
  });

  it('leaves PGlite its own start-up when the default serves, and starts a real PGlite with the larger cache otherwise', async () => {
    expect(pgliteBufferOptions(PGlite.defaultStartParams, 10 * MB, 8 * GB)).toEqual({});
    const options = pgliteBufferOptions(PGlite.defaultStartParams, 300 * MB, 8 * GB);
    expect(options.startParams?.slice(0, PGlite.defaultStartParams.length)).toEqual(PGlite.defaultStartParams);
    const pg = await PGlite.create(options);
    try {
      expect((await pg.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]?.shared_buffers).toBe('256MB');
      // The defaults it keeps still hold (a given startParams replaces them all).
      expect((await pg.query<{ max_worker_processes: string }>('show max_worker_processes')).rows[0]?.max_worker_processes).toBe('0');
    } finally {
      await pg.close();
    }
  });
});
