/**
 * What a search's thumbnails cost to read (bytea, ~12 KB of JPEG each; the bench's synthetic library has none:
 * 1.2 GB more for 100k scenes). Measured apart, on an in-memory PGlite: a statement reading 50 thumbnails (what a
 * search read with its hits until the cards read their own) with PGlite's own bytea parser (the reference) and
 * with the codec every Heimdex database is opened with (shared-schema/src/pglite-bytea.ts); the 12 of the cards
 * a screen shows at once, read as they come into view (app/scene-thumbnails.ts); a long video's scene strip: all its
 * 1000 thumbnails read with its scenes (the Video page until the strip read its own) against the scenes a wide
 * window's strip shows and has ahead; and writing a video's 100.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_BYTEA } from '@heimdex/shared-schema/pglite-bytea';
import { percentile, prng, type SearchBenchRow } from './search.ts';

const THUMBNAIL_BYTES = 12_000;
const THUMBNAILS = 1000;
const HITS = 50;
/** Cards that come into view together: a wide window's first screen of results. */
const IN_VIEW = 12;
const ROUNDS = 40;
/** A wide window's scene strip: ~7 scenes shown (152 px each) and a strip's width ahead (SceneStrip.tsx). */
const IN_STRIP = 14;
/** Rounds of reading a whole video's 1000 thumbnails (12 MB each time). */
const WHOLE_ROUNDS = 10;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function measure(options: Partial<typeof PGLITE_BYTEA>): Promise<{ read: number[]; inView: number[]; write: number[]; whole: number[]; strip: number[] }> {
  const pg = await PGlite.create(options);
  try {
    await pg.exec('create table thumbnails (id int primary key, jpeg bytea)');
    const random = prng(3);
    // JPEG bytes do not compress: random ones, as the stored thumbnails are to PostgreSQL.
    const thumbnail = () => Uint8Array.from({ length: THUMBNAIL_BYTES }, () => Math.floor(random() * 256));
    const write: number[] = [];
    for (let id = 0; id < THUMBNAILS; id += 100) {
      const batch = Array.from({ length: 100 }, thumbnail);
      const started = cpuMs();
      await pg.transaction(async (tx) => {
        for (const [i, jpeg] of batch.entries()) await tx.query('insert into thumbnails values ($1, $2)', [id + i, jpeg]);
      });
      write.push(cpuMs() - started);
    }
    const timedRead = async (ids: number[]) => {
      const started = cpuMs();
      await pg.query('select id, jpeg from thumbnails where id = any($1::int[])', [ids]);
      return cpuMs() - started;
    };
    const read: number[] = [];
    const inView: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: HITS }, (_, k) => (round * 37 + k * 19) % THUMBNAILS);
      read.push(await timedRead(ids));
      inView.push(await timedRead(ids.slice(0, IN_VIEW).map((id) => (id + 500) % THUMBNAILS)));
    }
    const whole: number[] = [];
    const strip: number[] = [];
    const every = Array.from({ length: THUMBNAILS }, (_, id) => id);
    for (let round = 0; round < WHOLE_ROUNDS; round++) {
      whole.push(await timedRead(every));
      strip.push(await timedRead(every.slice(round * IN_STRIP, (round + 1) * IN_STRIP)));
    }
    return { read, inView, write, whole, strip };
  } finally {
    await pg.close();
  }
}

export async function measureThumbnailReads(): Promise<SearchBenchRow[]> {
  const reference = await measure({});
  const ours = await measure(PGLITE_BYTEA);
  const row = (name: string, ms: number[], referenceMs: number[]): SearchBenchRow => ({
    name,
    scenes: THUMBNAILS,
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    vsExact: percentile(referenceMs, 50) / percentile(ms, 50),
    recallAt10: null,
    queries: ms.length,
  });
  return [
    row(`${HITS} hit thumbnails read, PGlite's bytea parser (reference)`, reference.read, reference.read),
    row(`${HITS} hit thumbnails read, pglite-bytea`, ours.read, reference.read),
    row(`the ${IN_VIEW} cards in view read their thumbnails, pglite-bytea`, ours.inView, reference.read),
    row(`a ${THUMBNAILS}-scene video's thumbnails read with its scenes, pglite-bytea (reference)`, ours.whole, ours.whole),
    row(`its scene strip's ${IN_STRIP} scenes shown and ahead read their thumbnails, pglite-bytea`, ours.strip, ours.whole),
    row(`a video's 100 thumbnails written, PGlite's serializer (reference)`, reference.write, reference.write),
    row(`a video's 100 thumbnails written, pglite-bytea`, ours.write, reference.write),
  ];
}
