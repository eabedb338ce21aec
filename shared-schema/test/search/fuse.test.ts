// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { fuseRanks, RRF_K } from '../../src/search/fuse.ts';

describe('fuseRanks', () => {
  it('sums 1 / (k + rank) over the lists an id appears in', () => {
    const fused = fuseRanks([
      ['a', 'b', 'c'],
      ['c', 'a'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2), 12);
    expect(fused[1]!.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1), 12);
    expect(fused[2]).toEqual({ id: 'b', score: 1 / (RRF_K + 2), bestRank: 2 });
  });

  it('ranks an id found by two signals above one found first by one signal', () => {
    const fused = fuseRanks([['solo', 'both'], ['x', 'both']]);
    expect(fused[0]!.id).toBe('both');
  });

  it('breaks ties by best rank, then by first appearance', () => {
    expect(fuseRanks([['a'], ['b']]).map((f) => f.id)).toEqual(['a', 'b']);
    expect(fuseRanks([['a', 'b'], ['c']]).map((f) => f.id)).toEqual(['a', 'c', 'b']);
  });

  it('counts an id repeated within one list once, at its first place', () => {
    expect(fuseRanks([['a', 'a', 'b']])).toEqual([
      { id: 'a', score: 1 / (RRF_K + 1), bestRank: 1 },
      { id: 'b', score: 1 / (RRF_K + 3), bestRank: 3 },
    ]);
  });

  it('handles no lists and empty lists', () => {
    expect(fuseRanks([])).toEqual([]);
    expect(fuseRanks([[], []])).toEqual([]);
  });
});
