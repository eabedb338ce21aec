// The english_stem lexemes of words, asked of the database once per word. Every search highlights the words of
// its top hits, a few hundred distinct words whose stems never change (the dictionary is part of the database
// build): asking again cost ~2.6 ms a search at 100k scenes (measured in the bench), a lookup here costs nothing.
import type { SQL } from 'drizzle-orm';
import { stemsQuery } from './sql.ts';

/** Words remembered before the cache starts over (a few hundred KB at most). */
const MAX_WORDS = 20_000;

export function makeStemCache(rows: (query: SQL) => Promise<{ w: string; l: string[] | null }[]>) {
  const known = new Map<string, string[]>();
  /** Each word's stems (the word itself when it has none to give, an empty list for a stop word). */
  return async function stemsOf(words: readonly string[]): Promise<Map<string, string[]>> {
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
  };
}
