// Spelling corrections of a misspelt query word, as both sides find them: the user's words (scene_words) spelt
// like it (correctionsQuery: one-letter slips), then, for a longer word that is not itself an English word, words
// within two letter slips ("blubery" → "blueberry", see spelling.ts).
import type { RunRows } from './ocr-words.ts';
import { closeSpellings, mayHaveTwoSlips } from './spelling.ts';
import { correctionsQuery, twoSlipCandidatesQuery } from './sql.ts';

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
