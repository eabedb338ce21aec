// Small vector helpers for embeddings: normalisation (cosine similarity becomes a dot product, and
// pgvector's <=> on unit vectors ranks exactly like cosine) and splitting work into batches.

/** A unit-length copy of `vector` (L2). Throws for a zero or non-finite vector: it has no direction to search by. */
export function l2normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i] as number;
    sum += v * v;
  }
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) {
    throw new Error(`Cannot normalise an embedding of length ${norm}: the model produced ${norm === 0 ? 'all zeros' : 'non-finite values'}.`);
  }
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) / norm;
  return out;
}

/** Rows of a row-major [rows, dims] matrix, each L2-normalised. */
export function normalizedRows(data: Float32Array, rows: number, dims: number): Float32Array[] {
  if (data.length !== rows * dims) throw new Error(`Expected ${rows} × ${dims} values, got ${data.length}.`);
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) out.push(l2normalize(data.subarray(r * dims, (r + 1) * dims)));
  return out;
}

/** `items` in consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`Batch size must be a whole number ≥ 1 (got ${size}).`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Dot product; for unit vectors, their cosine similarity. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Vectors differ in length (${a.length} vs ${b.length}).`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
