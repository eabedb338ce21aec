// All SQL of server-side search. The text signals are the app's own statements (@heimdex/shared-schema/search);
// what is the server's is the visual signal over many users' vectors, and the device holding each video.
// Every statement is scoped to one user (the shared statements through ownScenes/filtersOf, the rest here).
import {
  CANDIDATES,
  detailsQuery,
  detailRows,
  misspeltOf,
  spellingsOf,
  makeStemCache,
  trigramThresholdStatement,
  cosineNearestQuery,
  type DetailRow,
  type Spelling,
  type DetailQueryRow,
  type RunRows,
  type Terms,
} from '@heimdex/shared-schema/search';
import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../db/rows.ts';
import type { Db } from '../db/types.ts';
import type { VectorModel } from '@heimdex/shared-schema/sync';
import { indexedVector, ofModel, plainVector } from './vector-index.ts';

/**
 * A user with at most this many scenes of a model is searched by an exact scan of their own rows (B-tree on
 * user_id, then a distance per row): recall 1.0 whatever share of the index they hold. Measured on embedded
 * PGlite, 512-d: ~12 µs a row (2,500 rows: 31 ms p50), against 15 ms through the index with an iterative scan
 * for that user holding a quarter of the rows; plain filtered HNSW found 0.06 of a 50-scene user's true top 10
 * among 10,050 rows. Above it, the model's HNSW index with iterative scans (see nearest()).
 */
export const EXACT_SCAN_MAX = 10_000;
/** HNSW candidate list: never below the candidates asked for (pgvector's default 40 caps a LIMIT 100 at 40). */
const EF_SEARCH = Math.max(100, CANDIDATES);
/**
 * How many index tuples an iterative scan may visit before it gives up (pgvector's default is 20,000): a user
 * above EXACT_SCAN_MAX holding 1% of a model's vectors still finds CANDIDATES of theirs within this.
 */
const MAX_SCAN_TUPLES = 200_000;

/** What the details of a hit add on the server: its thumbnail blob and the device that holds the video. */
interface ServerDetailColumns {
  thumbnail_sha256: string | null;
  device_id: string | null;
  device_name: string | null;
}

export type ServerDetailRow = DetailRow & ServerDetailColumns;

export interface Candidate {
  id: string;
  /** Cosine similarity, for the visual signal. */
  value?: number;
}

/**
 * The nearest scenes of one model by cosine distance (cosineNearestQuery: rows of scene_id and distance). `exact`:
 * the distance on the plain column, which is not the index's expression, so no index can serve it and every row of
 * the user's counts. `index`: the distance on the per-model index's expression under its predicate, so its HNSW
 * index can.
 */
export function nearestStatement(where: SQL, model: VectorModel, values: Float32Array, way: 'exact' | 'index'): SQL {
  const conditions = sql`${where} and ${ofModel('s', model)}`;
  return way === 'exact'
    ? cosineNearestQuery(values, plainVector('s', model.kind), conditions, { tieBreak: sql`s.scene_id` })
    : cosineNearestQuery(values, indexedVector('s', model), conditions, { dim: model.dim });
}

export function makeSearchRepo(db: Db, { exactScanMax = EXACT_SCAN_MAX }: { exactScanMax?: number } = {}) {
  return {
    /** The rows of a shared statement (for the shared helpers that run several, see fullTextList). */
    rows: <T extends Record<string, unknown>>(query: SQL) => selectRows<T>(db, query),

    /** A ranked list of the shared statements (rows of scene_id). */
    async ranked(query: SQL): Promise<Candidate[]> {
      return (await selectRows<{ scene_id: string }>(db, query)).map((r) => ({ id: r.scene_id }));
    },

    /** Spelling corrections of the terms that look misspelt and the words spelt like them (see alikeWordsQuery), by term. */
    async corrections(userId: string, terms: string[]): Promise<Map<string, Spelling>> {
      const run: RunRows = (query) => selectRows(db, query);
      const misspelt = await misspeltOf(userId, terms, run, run); // the server plans every statement alike
      if (misspelt.length === 0) return new Map();
      // Settings local to the transaction: a pooled connection must not carry them to another request.
      return db.transaction(async (tx) => {
        await tx.execute(trigramThresholdStatement(true));
        await tx.execute(sql`set local enable_seqscan = off`);
        return spellingsOf(userId, misspelt, terms, (query) => selectRows(tx as Db, query));
      });
    },

    /**
     * The user's scenes nearest to the vector among those of the same kind (picture or words) embedded by the same
     * model (and size), most similar first. Filtered nearest-neighbour search over a shared index loses rows for a user holding a small share of
     * it (pgvector filters after the scan), so a user with few scenes of the model is scanned exactly; a user
     * with many takes the HNSW index with an iterative scan, which keeps scanning until enough of theirs turn up.
     */
    async nearest(userId: string, where: SQL, model: VectorModel, values: Float32Array): Promise<Candidate[]> {
      const same = ofModel('s', model);
      const [held] = await selectRows<{ n: number }>(db, sql`
        select count(*)::int as n from (
          select 1 from scenes s where s.user_id = ${userId} and not s.deleted and ${same} limit ${exactScanMax + 1}) x`);
      const n = Number(held?.n ?? 0);
      if (n === 0) return [];
      const statement = nearestStatement(where, model, values, n <= exactScanMax ? 'exact' : 'index');
      let found: { scene_id: string; distance: number }[];
      if (n <= exactScanMax) {
        found = await selectRows(db, statement);
      } else {
        found = await db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('hnsw.ef_search', ${String(EF_SEARCH)}, true),
            set_config('hnsw.iterative_scan', 'relaxed_order', true),
            set_config('hnsw.max_scan_tuples', ${String(MAX_SCAN_TUPLES)}, true)`);
          return selectRows<{ scene_id: string; distance: number }>(tx as Db, statement);
        });
        // relaxed_order may return a near neighbour slightly out of place.
        found.sort((a, b) => Number(a.distance) - Number(b.distance));
      }
      return found.map((r) => ({ id: r.scene_id, value: 1 - Number(r.distance) }));
    },

    /** The shared details of the top scenes, with their thumbnail blob and the device that holds each video. */
    async details(userId: string, sceneIds: string[], terms: Terms): Promise<ServerDetailRow[]> {
      if (sceneIds.length === 0) return [];
      const rows = await selectRows<DetailQueryRow<ServerDetailColumns>>(db, detailsQuery(userId, sceneIds, terms, {
        columns: sql`s.thumbnail_sha256, v.device_id, d.name as device_name`,
        joins: sql`left join devices d on d.device_id = v.device_id and d.user_id = ${userId}`,
      }));
      return detailRows(rows);
    },

    /** english_stem lexemes of each word (an empty list for a stop word). */
    /** Each word's stems (see makeStemCache: the same for every user, so one cache serves them all). */
    stems: makeStemCache((query) => selectRows<{ w: string; l: string[] | null }>(db, query)),
  };
}

export type SearchRepo = ReturnType<typeof makeSearchRepo>;
