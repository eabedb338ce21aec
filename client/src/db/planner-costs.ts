// What the query planner is told two functions cost, so that it chooses an index where the index is faster. Both
// are declared as cheap as adding two numbers (COST 1), and in PGlite they are not:
// - pgvector's cosine_distance: the 512-d distance with its vector read out of TOAST took 4.1 µs a row against
//   ~0.016 µs for a plain operator (PGlite in Node, summed over 5,000 rows: about 250 times as much). Believing it
//   cheap, the planner read and sorted every scene of a 10k-scene library instead of asking the HNSW index: the
//   bench's hybrid search took 52.5 ms p50 there, 8.8 ms with the cost set.
// - ILIKE (texticlike): 0.6–1.5 µs a row on the library's words (3,913 of them, PGlite in Node; 3.9 µs on a
//   216-character transcript) against ~0.1 µs for LIKE, since each row is lower-cased first. The glued words' gate
//   (search/sql.ts, gluedRunScenes), asked on every search of two words or more, is a prepared statement whose one
//   plan cannot see its pattern: on the 1k-scene bench library it scanned every word (2.8 ms) instead of asking the
//   trigram index (~0.1 ms). With the gate a count (not EXISTS) and this cost, the index is the cheaper plan.
// The catalog keeps the settings; they are set again on each open, since updating PostgreSQL or the extension would
// bring their own back.
import type { PGlite } from '@electric-sql/pglite';

/** cosine_distance's cost in units of cpu_operator_cost (see the header). */
export const COSINE_DISTANCE_COST = 250;
/** ILIKE's on text, the same way (see the header). */
export const TEXT_ILIKE_COST = 100;

const COSTS: Record<string, number> = {
  'cosine_distance(vector, vector)': COSINE_DISTANCE_COST,
  'texticlike(text, text)': TEXT_ILIKE_COST,
};

export async function setPlannerCosts(pg: PGlite): Promise<void> {
  for (const [fn, cost] of Object.entries(COSTS)) {
    const { rows } = await pg.query<{ procost: number }>(`select procost from pg_proc where oid = '${fn}'::regprocedure`);
    if (Number(rows[0]?.procost) !== cost) await pg.exec(`alter function ${fn} cost ${cost}`);
  }
}
