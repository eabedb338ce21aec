// What the query planner is told a vector distance costs, so that it chooses the HNSW index where the index is
// faster. pgvector declares cosine_distance as cheap as adding two numbers (COST 1), and in PGlite it is not: the
// 512-d distance with its vector read out of TOAST took 4.1 µs a row against ~0.016 µs for a plain operator
// (PGlite in Node, summed over 5,000 rows: about 250 times as much). Believing it cheap, the planner read and
// sorted every scene of a 10k-scene library instead of asking the HNSW index: the bench's hybrid search took
// 52.5 ms p50 there, 8.8 ms with the cost set. The catalog keeps the setting; it is set again on each open, since
// updating the extension would bring its own back.
import type { PGlite } from '@electric-sql/pglite';

/** cosine_distance's cost in units of cpu_operator_cost (see the header). */
export const COSINE_DISTANCE_COST = 250;

const DISTANCE = `cosine_distance(vector, vector)`;

export async function setVectorDistanceCost(pg: PGlite): Promise<void> {
  const { rows } = await pg.query<{ procost: number }>(`select procost from pg_proc where oid = '${DISTANCE}'::regprocedure`);
  if (Number(rows[0]?.procost) !== COSINE_DISTANCE_COST) await pg.exec(`alter function ${DISTANCE} cost ${COSINE_DISTANCE_COST}`);
}
