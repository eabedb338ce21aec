// Nearest-neighbour indexes for scene pictures on the server: one HNSW index per visual model and vector size.
// image_vec has no fixed size, so each index is a partial expression index with a cast, as in the app. Unlike
// the app, any user can send any model id: the predicate also names the size, so a vector of another size under
// the same id is left out of the index instead of failing the insert (for every user of that id).
import type { SyncChange } from '@heimdex/shared-schema/protocol';
import { checkDim, hashTag, literal } from '@heimdex/shared-schema/search';
import { decodeVector } from '@heimdex/shared-schema/sync';
import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../db/rows.ts';
import type { Db } from '../db/types.ts';

export interface VisualModel {
  modelId: string;
  dim: number;
}

export function vectorIndexName({ modelId, dim }: VisualModel): string {
  return `scenes_image_vec_srv_${checkDim(dim)}_${hashTag(modelId)}`;
}

/** The expression each index is built on; an ordering by exactly this can be served by it. */
export const indexedVector = (alias: string, dim: number): SQL => sql.raw(`(${alias}.image_vec::vector(${checkDim(dim)}))`);

/**
 * The rows of one model and size: the index's predicate, with constants (not parameters) so that the planner
 * can prove the partial index applies. A vector of another model is never compared.
 */
export const ofModel = (alias: string, { modelId, dim }: VisualModel): SQL =>
  sql`${sql.raw(alias)}.image_model = ${literal(modelId)} and vector_dims(${sql.raw(alias)}.image_vec) = ${sql.raw(String(checkDim(dim)))}`;

/** The visual models of the scene pictures in a batch of changes. */
export function modelsIn(changes: readonly SyncChange[]): VisualModel[] {
  const found = new Map<string, VisualModel>();
  for (const change of changes) {
    if (change.type !== 'scene' || !change.row?.imageVec) continue;
    const model = { modelId: change.row.imageVec.model, dim: decodeVector(change.row.imageVec.data).length };
    found.set(vectorIndexName(model), model);
  }
  return [...found.values()];
}

/**
 * Creates the index of a model once a user holds more than `minUserRows` scenes of it: only such users are
 * searched through the index (the others by an exact scan of their own rows), and every insert into a
 * table with the index must maintain it (10k pushed scenes: 72 s with it, 8 s without, on PGlite). Idempotent
 * (`if not exists`); the names already made are remembered only to skip the statement, so another instance
 * simply issues it once too. A failure (two instances racing) is logged and retried on a later push: searches
 * stay correct without the index, only slower for users with many scenes.
 */
export function makeVectorIndexes(db: Db, log: (line: string) => void, opts: { minUserRows: number }) {
  const made = new Set<string>();
  return {
    async ensure(models: readonly VisualModel[], userId: string): Promise<void> {
      for (const model of models) {
        const name = vectorIndexName(model);
        if (made.has(name)) continue;
        try {
          const [held] = await selectRows<{ n: number }>(
            db,
            sql`select count(*)::int as n from scenes where user_id = ${userId} and deleted = false and ${ofModel('scenes', model)}`,
          );
          if (Number(held?.n ?? 0) <= opts.minUserRows) continue;
          await db.execute(sql`
            create index if not exists ${sql.identifier(name)} on scenes
            using hnsw (${indexedVector('scenes', model.dim)} vector_cosine_ops)
            where ${ofModel('scenes', model)}`);
          made.add(name);
        } catch (error) {
          log(`could not create the vector index ${name} (${model.modelId}, ${model.dim} dimensions): ${(error as Error).message}`);
        }
      }
    },
  };
}

export type VectorIndexes = ReturnType<typeof makeVectorIndexes>;
