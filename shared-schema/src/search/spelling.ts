// Two letter slips in a longer query word ("blubery" for blueberry): which words are that close. Trigram
// similarity alone cannot tell them from unrelated words (see TWO_SLIPS_MIN_LETTERS); an edit distance can.
import { isDictionaryWord } from './glued-words.ts';
import { TWO_SLIPS_MIN_LETTERS } from './thresholds.ts';

/** Letter edits between two words (optimal string alignment: a swap of neighbours is one slip, as in "recieve"). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** A word long enough, and not an English word, so up to two slips are forgiven ("payment" never becomes "pavement"). */
export const mayHaveTwoSlips = (term: string) => /^\p{L}+$/u.test(term) && term.length >= TWO_SLIPS_MIN_LETTERS && !isDictionaryWord(term);

/** The words within two slips of a term that may have them, closest first ([] for any other term). */
export function closeSpellings(term: string, words: readonly string[]): string[] {
  if (!mayHaveTwoSlips(term)) return [];
  const lower = term.toLowerCase();
  return words
    .map((word) => ({ word, d: editDistance(lower, word.toLowerCase()) }))
    .filter((w) => w.d > 0 && w.d <= 2)
    .sort((a, b) => a.d - b.d || (a.word < b.word ? -1 : 1))
    .map((w) => w.word);
}
