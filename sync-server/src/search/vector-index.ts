// Nearest-neighbour indexes on the server: one HNSW index per kind of vector (a scene's picture, image_vec; what
// it says and shows, text_vec), model and vector size. The vector columns have no fixed size, so each index is a
// partial expression index with a cast, as in the app. Unlike
// the app, any user can send any model id: the predicate also names the size, so a vector of another size under
// the same id is left out of the index instead of failing the insert (for every user of that id).
import { checkDim, hashTag, HNSW_BUILD, literal } from '@heimdex/shared-schema/search';
import type { VectorKind, VectorModel } from '@heimdex/shared-schema/sync';
import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../db/rows.ts';
import type { Db } from '../db/types.ts';

/** The scenes columns of each kind: the vector and the id of the model that made it. */
const COLUMNS: Record<VectorKind, { vector: string; model: string }> = {
  image: { vector: 'image_vec', model: 'image_model' },
  text: { vector: 'text_vec', model: 'text_model' },
};

export function vectorIndexName({ kind, modelId, dim }: VectorModel): string {
  return `scenes_${COLUMNS[kind].vector}_srv_${checkDim(dim)}_${hashTag(modelId)}`;
}

/** The vector column of a kind, uncast: an ordering by it is served by no index (an exact scan). */
export const plainVector = (alias: string, kind: VectorKind): SQL => sql.raw(`${alias}.${COLUMNS[kind].vector}`);

/** The expression each index is built on; an ordering by exactly this can be served by it. */
export const indexedVector = (alias: string, { kind, dim }: VectorModel): SQL =>
  sql.raw(`(${alias}.${COLUMNS[kind].vector}::vector(${checkDim(dim)}))`);

/**
 * The rows of one model and size: the index's predicate, with constants (not parameters) so that the planner
 * can prove the partial index applies. A vector of another model is never compared.
 */
export const ofModel = (alias: string, { kind, modelId, dim }: VectorModel): SQL => {
  const { vector, model } = COLUMNS[kind];
  return sql`${sql.raw(`${alias}.${model}`)} = ${literal(modelId)} and vector_dims(${sql.raw(`${alias}.${vector}`)}) = ${sql.raw(String(checkDim(dim)))}`;
};

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
    async ensure(models: readonly VectorModel[], userId: string): Promise<void> {
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
            using hnsw (${indexedVector('scenes', model)} vector_cosine_ops) ${HNSW_BUILD}
            where ${ofModel('scenes', model)}`);
          made.add(name);
        } catch (error) {
          log(`could not create the vector index ${name} (${model.kind}: ${model.modelId}, ${model.dim} dimensions): ${(error as Error).message}`);
        }
      }
    },
  };
}

export type VectorIndexes = ReturnType<typeof makeVectorIndexes>;
