// Spelling corrections of a misspelt query word, as both sides find them: the user's words (scene_words) spelt
// like it (correctionsQuery: one-letter slips), then, for a longer word that is not itself an English word, words
// within two letter slips ("blubery" → "blueberry", see spelling.ts).
import type { RunRows } from './ocr-words.ts';
import { closeSpellings, mayHaveTwoSlips } from './spelling.ts';
import type { SQL } from 'drizzle-orm';
import { freeTerms } from './parse.ts';
import { correctionsQuery, filtersOf, fullTextList, SPELT_RIGHT_SCENES, twoSlipCandidatesQuery } from './sql.ts';
import type { ParsedQuery } from './types.ts';

/** Two-slip candidates looked at (closest first: at this loose threshold "blubery" also reaches "blue"), and the corrections kept. */
const TWO_SLIPS_CANDIDATES = 50;
const TWO_SLIPS_KEPT = 3;

/**
 * The corrections of one misspelt term (run in a transaction where trigramThresholdStatement and
 * `enable_seqscan = off` hold, as correctionsQuery needs).
 */
export async function correctionsOf(userId: string, term: string, run: RunRows): Promise<string[]> {
  const found = (await run<{ word: string }>(correctionsQuery(userId, term))).map((r) => r.word);
  if (!mayHaveTwoSlips(term) || closeSpellings(term, found).length > 0) return found;
  const close = closeSpellings(term, (await run<{ word: string }>(twoSlipCandidatesQuery(userId, term, TWO_SLIPS_CANDIDATES))).map((r) => r.word));
  return [...found, ...close.filter((w) => !found.includes(w))].slice(0, found.length + TWO_SLIPS_KEPT);
}

/**
 * The query's spelling corrections (`corrections`: each side's run of spellingCountsQuery and correctionsOf), the
 * filters of every list (filtersOf) and the full-text list (fullTextList; empty without free terms), in the order
 * that saves work. Corrections change only the said:/text: filters; without those the full-text list goes first,
 * and when its every-term tier holds SPELT_RIGHT_SCENES scenes each term is in that many and none is misspelt:
 * the spelling counts are not asked for (the same corrections, one statement fewer for most searches).
 */
export async function fullTextAndTypos(
  userId: string,
  q: ParsedQuery,
  run: RunRows,
  corrections: (terms: string[]) => Promise<Map<string, string[]>>,
): Promise<{ typos: Map<string, string[]>; where: SQL; fullText: string[] }> {
  const free = freeTerms(q);
  const spellable = [...free, ...q.said, ...q.onScreen];
  if (free.length > 0 && q.said.length === 0 && q.onScreen.length === 0) {
    const first = await fullTextList(free, filtersOf(userId, q, new Map()), run);
    const typos = first.everyTerm >= SPELT_RIGHT_SCENES ? new Map<string, string[]>() : await corrections(spellable);
    return { typos, where: filtersOf(userId, q, typos), fullText: first.ids };
  }
  const typos = await corrections(spellable);
  const where = filtersOf(userId, q, typos);
  return { typos, where, fullText: free.length > 0 ? (await fullTextList(free, where, run)).ids : [] };
}
