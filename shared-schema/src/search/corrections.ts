// Spelling corrections of a misspelt query word, as both sides find them: the user's words (scene_words) spelt
// like it (alikeWordsQuery: one-letter slips), then, for a longer word that is not itself an English word, words
// within two letter slips ("blubery" → "blueberry", see spelling.ts).
import type { RunRows } from './ocr-words.ts';
import { closeSpellings, mayHaveTwoSlips } from './spelling.ts';
import type { SQL } from 'drizzle-orm';
import { freeTerms } from './parse.ts';
import { wordsOf } from './snippets.ts';
import {
  correctedQuery,
  alikeWordsQuery,
  CORRECTIONS_PER_TERM,
  filtersOf,
  fullTextList,
  fullTextListOf,
  fullTextQuery,
  misspeltTerms,
  SPELT_RIGHT_SCENES,
  spellingCountsQuery,
  speltRightQuery,
  twoSlipCandidatesQuery,
  type MisspeltTerm,
  type AlikeWords,
  type FullTextRow,
} from './sql.ts';
import type { ParsedQuery } from './types.ts';

/** Two-slip candidates looked at (closest first: at this loose threshold "blubery" also reaches "blue"), and the corrections kept. */
const TWO_SLIPS_CANDIDATES = 50;
const TWO_SLIPS_KEPT = 3;

/**
 * The terms that look misspelt (see MisspeltTerm): those the library's words do not show spelt right
 * (speltRightQuery, one plan for any words: `prepared`), their scenes counted (spellingCountsQuery: `planned` for
 * its words).
 */
export async function misspeltOf(userId: string, terms: string[], prepared: RunRows, planned: RunRows): Promise<MisspeltTerm[]> {
  const known = speltRightQuery(userId, terms);
  if (!known) return [];
  const right = new Set((await prepared<{ term: string }>(known)).map((r) => r.term));
  const counts = spellingCountsQuery(userId, terms.filter((t) => !right.has(t)));
  return counts ? misspeltTerms(await planned<{ term: string; nodes: number; n: number }>(counts)) : [];
}

/** What one misspelt term's lookup found: its spelling corrections, and the words spelt like it (see AlikeWords). */
export interface Spelling {
  corrections: string[];
  alike: AlikeWords;
}

/**
 * The spelling of one misspelt term (run in a transaction where trigramThresholdStatement and `enable_seqscan = off`
 * hold, as alikeWordsQuery needs). A word the query holds besides (`queryWords`) never stands for it: "haka hakaz" is
 * not "haka" twice. The words that hold it confidently are the alike words within TRIGRAM_CONFIDENT and the
 * corrections within two slips (closeSpellings) — none when a scene holds the term as typed: a rare word the library
 * has ("pain") is taken as meant, and a word spelt like it ("paint", 0.57) is a weaker match.
 */
async function correctionsOf(userId: string, { term, held }: MisspeltTerm, queryWords: readonly string[], run: RunRows): Promise<Spelling> {
  const others = new Set(queryWords.map((w) => w.toLowerCase()));
  const notTyped = <T extends { word: string }>(rows: T[]) => rows.filter((r) => !others.has(r.word));
  const alike = notTyped(await run<{ word: string; confident: boolean }>(alikeWordsQuery(userId, term)));
  const found = alike.slice(0, CORRECTIONS_PER_TERM).map((r) => r.word);
  let corrections = found;
  if (mayHaveTwoSlips(term) && closeSpellings(term, found).length === 0) {
    const candidates = notTyped(await run<{ word: string }>(twoSlipCandidatesQuery(userId, term, TWO_SLIPS_CANDIDATES)));
    const close = closeSpellings(term, candidates.map((r) => r.word));
    corrections = [...found, ...close.filter((w) => !found.includes(w))].slice(0, found.length + TWO_SLIPS_KEPT);
  }
  const confident = held ? [] : [...new Set([...alike.filter((r) => r.confident).map((r) => r.word), ...closeSpellings(term, corrections)])];
  return { corrections, alike: { words: alike.map((r) => r.word), confident } };
}

/**
 * Each misspelt term's spelling (correctionsOf), by term, in the caller's transaction (see correctionsOf). `terms`:
 * every term of the query, whose words never stand for another.
 */
export async function spellingsOf(userId: string, misspelt: readonly MisspeltTerm[], terms: readonly string[], run: RunRows): Promise<Map<string, Spelling>> {
  const spellings = new Map<string, Spelling>();
  for (const m of misspelt) spellings.set(m.term, await correctionsOf(userId, m, terms.filter((t) => t !== m.term).flatMap(wordsOf), run));
  return spellings;
}

/** Whether fullTextAndTypos runs the typed words' full-text list first: free words and no said:/text: terms. */
const typedWordsFirst = (q: ParsedQuery) => freeTerms(q).length > 0 && q.said.length === 0 && q.onScreen.length === 0;

/**
 * The statement fullTextAndTypos runs first when it runs the typed words' list first (see typedWordsFirst), else
 * null: for a side that sends it along with statements of its own and hands its rows to fullTextAndTypos (TypedWords).
 * `wanted`: its length (fullTextQuery).
 */
export function typedWordsQuery(userId: string, q: ParsedQuery, wanted?: number): SQL | null {
  return typedWordsFirst(q) ? fullTextQuery(freeTerms(q), filtersOf(userId, q, new Map()), wanted) : null;
}

/**
 * The rows of typedWordsQuery, run by the caller with `wanted` rows. `alone`: the search fuses no list but the
 * full-text ones (no picture, meaning, glued words or named person), so that when no spelling correction is fused
 * either, its hits are the list's first ones: `wanted` rows, the hits shown, are enough. Otherwise the whole list is
 * read again (FullTextList.whole).
 */
export interface TypedWords {
  rows: readonly FullTextRow[];
  wanted: number;
  alone: boolean;
}

/**
 * The query's spelling corrections (`corrections`: each side's run of spellingCountsQuery and correctionsOf), the
 * filters of every list (filtersOf) and the full-text lists (fullTextList, withCorrections; none without free terms),
 * in the order that saves work. Corrections change only the said:/text: filters; without those the full-text list goes
 * first, and when its every-term tier holds SPELT_RIGHT_SCENES scenes each term is in that many and none is misspelt:
 * the spelling counts are not asked for (the same corrections, one statement fewer for most searches). `typed`: the
 * rows of typedWordsQuery when the caller ran it already (TypedWords).
 */
export async function fullTextAndTypos(
  userId: string,
  q: ParsedQuery,
  run: RunRows,
  corrections: (terms: string[]) => Promise<Map<string, Spelling>>,
  typed?: TypedWords,
): Promise<{ typos: Map<string, string[]>; alike: Map<string, AlikeWords>; where: SQL; wordLists: string[][] }> {
  const free = freeTerms(q);
  const spellable = [...free, ...q.said, ...q.onScreen];
  const first = typedWordsFirst(q) ? (typed ? fullTextListOf(typed.rows, typed.wanted) : await fullTextList(free, filtersOf(userId, q, new Map()), run)) : null;
  const spellings = first && first.everyTerm >= SPELT_RIGHT_SCENES ? new Map<string, Spelling>() : await corrections(spellable);
  const typos = new Map([...spellings].map(([term, s]) => [term, s.corrections]));
  const alike = new Map([...spellings].map(([term, s]) => [term, s.alike]));
  const where = filtersOf(userId, q, typos);
  if (free.length === 0) return { typos, alike, where, wordLists: [] };
  const typedList = first ?? (await fullTextList(free, where, run));
  const correctedList = correctedQuery(free, typos, where);
  const corrected = correctedList && (await run<{ scene_id: string }>(correctedList)).map((r) => r.scene_id);
  // The full-text lists to fuse: the typed words' list and, when a word has spelling corrections, the corrections'.
  // With no scene holding every word as typed, the corrections' list alone: it holds the typed words' scenes too,
  // after the scenes of every word as meant, where fusing both lists put scenes of one typed word among them (on
  // the 100k bench library, one letter dropped: 0.28 of the right spelling's top 10 with both lists).
  if (corrected && typedList.everyTerm === 0) return { typos, alike, where, wordLists: [corrected] };
  // Fused with another list, the typed words' list is read whole (see TypedWords).
  const fused = corrected !== null || !(typed?.alone ?? true);
  const typedIds = fused && !typedList.whole ? (await fullTextList(free, where, run)).ids : typedList.ids;
  return { typos, alike, where, wordLists: corrected ? [typedIds, corrected] : [typedIds] };
}
