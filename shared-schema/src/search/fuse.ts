// Reciprocal-rank fusion: each signal ranks its own candidates; a scene's fused score is the sum over the lists
// it appears in of 1 / (k + rank). Ranks, not raw scores, are summed, so signals with incomparable scales (a
// ts_rank_cd, a cosine, a face distance) combine without calibration.

/** The constant of the original RRF paper (Cormack et al. 2009); it damps the weight of the very top ranks. */
export const RRF_K = 60;

export interface Fused {
  id: string;
  score: number;
  /** The best (lowest, 1-based) rank the id had in any list. */
  bestRank: number;
}

/** Fuses ranked id lists (best first; an id repeated within a list counts at its first place). */
export function fuseRanks(lists: readonly (readonly string[])[], k = RRF_K): Fused[] {
  const fused = new Map<string, Fused & { firstSeen: number }>();
  let seen = 0;
  for (const list of lists) {
    const counted = new Set<string>();
    list.forEach((id, index) => {
      if (counted.has(id)) return;
      counted.add(id);
      const rank = index + 1;
      const entry = fused.get(id) ?? { id, score: 0, bestRank: rank, firstSeen: seen++ };
      entry.score += 1 / (k + rank);
      entry.bestRank = Math.min(entry.bestRank, rank);
      fused.set(id, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.firstSeen - b.firstSeen)
    .map(({ id, score, bestRank }) => ({ id, score, bestRank }));
}
