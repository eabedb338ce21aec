// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { batches, dot, l2normalize, normalizedRows } from './vectors.ts';

describe('l2normalize', () => {
  it('scales a vector to unit length, keeping its direction', () => {
    const v = l2normalize([3, 4]);
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
    expect(dot(v, v)).toBeCloseTo(1, 6);
    expect(Array.from(l2normalize(new Float32Array([0, -2, 0])))).toEqual([0, -1, 0]);
  });

  it('does not change its input', () => {
    const input = new Float32Array([1, 1]);
    l2normalize(input);
    expect(Array.from(input)).toEqual([1, 1]);
  });

  it('refuses vectors with no direction', () => {
    expect(() => l2normalize([0, 0, 0])).toThrow(/all zeros/);
    expect(() => l2normalize([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => l2normalize([Number.POSITIVE_INFINITY, 1])).toThrow(/non-finite/);
  });

  it('gives cosine similarity as a dot product of normalised vectors', () => {
    const a = [1, 2, 3];
    const b = [-2, 0.5, 4];
    const cosine = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    expect(dot(l2normalize(a), l2normalize(b))).toBeCloseTo(cosine, 6);
  });
});

describe('normalizedRows', () => {
  it('splits a row-major matrix into unit rows', () => {
    const rows = normalizedRows(new Float32Array([3, 4, 0, 5]), 2, 2);
    expect(rows).toHaveLength(2);
    expect(rows[0]![0]).toBeCloseTo(0.6, 6);
    expect(rows[0]![1]).toBeCloseTo(0.8, 6);
    expect(Array.from(rows[1]!)).toEqual([0, 1]);
  });

  it('checks the matrix size and names an all-zero row', () => {
    expect(() => normalizedRows(new Float32Array(5), 2, 2)).toThrow(/Expected 2 × 2 values, got 5/);
    expect(() => normalizedRows(new Float32Array([1, 0, 0, 0]), 2, 2)).toThrow(/all zeros/);
  });
});

describe('batches', () => {
  it('splits items into consecutive batches of at most the size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 8)).toEqual([]);
    expect(batches([1], 8)).toEqual([[1]]);
  });

  it('rejects sizes below one', () => {
    expect(() => batches([1], 0)).toThrow(/Batch size/);
    expect(() => batches([1], 1.5)).toThrow(/Batch size/);
  });
});
