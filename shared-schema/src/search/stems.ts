// The english_stem lexemes of words, asked of the database once per word. Every search highlights the words of
// its top hits, a few hundred distinct words whose stems never change (the dictionary is part of the database
// build): asking again cost ~2.6 ms a search at 100k scenes (measured in the bench), a lookup here costs nothing.
import type { SQL } from 'drizzle-orm';
import { stemsQuery } from './sql.ts';

/** Words remembered before the cache starts over (a few hundred KB at most). */
const MAX_WORDS = 20_000;
/** A library's commonest words stemmed ahead (commonStemsQuery): half the cache, the rest left to searches' own. */
export const STEMS_AHEAD = MAX_WORDS / 2;

type StemRow = { w: string; l: string[] | null };

/**
 * Each word's stems (the word itself when it has none to give, an empty list for a stop word); `remember` keeps
 * words stemmed ahead (commonStemsQuery's rows, as a library opens), so that searches need not ask for them.
 */
export type StemCache = ((words: readonly string[]) => Promise<Map<string, string[]>>) & { remember(rows: readonly StemRow[]): void };

export function makeStemCache(rows: (query: SQL) => Promise<StemRow[]>): StemCache {
  const known = new Map<string, string[]>();
  const remember = (found: readonly StemRow[]) => {
    for (const r of found) if (known.size < MAX_WORDS) known.set(r.w, r.l ?? [r.w]);
  };
  return Object.assign(async function stemsOf(words: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    const missing = new Set<string>();
    for (const w of words) {
      const stems = known.get(w);
      if (stems) found.set(w, stems);
      else missing.add(w);
    }
    if (missing.size > 0) {
      if (known.size + missing.size > MAX_WORDS) known.clear();
      for (const r of await rows(stemsQuery([...missing]))) {
        const stems = r.l ?? [r.w];
        known.set(r.w, stems);
        found.set(r.w, stems);
      }
    }
    return found;
  }, { remember });
}
