// Highlighted snippets as plain parts (never HTML). Which words are highlighted is decided by a matcher: a word
// matches when its stem is one of the query's stems (Postgres's own english_stem gives both, so "runs" lights up
// for "running" exactly when full text matched it), or when it is a close spelling of a query word (the typo
// signal: pg_trgm-style trigram similarity).
import type { SnippetPart } from './types.ts';

/** Words as Postgres's parser sees them for our purposes: letters and digits, with inner apostrophes. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Around this many words are shown per snippet. */
export const SNIPPET_WORDS = 28;
/** Word-to-word trigram similarity at which a spelling counts as the query word (highlight only). */
export const FUZZY_HIGHLIGHT = 0.45;

export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** pg_trgm's trigrams of one word: lower-cased, padded with two spaces before and one after. */
export function trigrams(word: string): Set<string> {
  const padded = `  ${word.toLowerCase()} `;
  const set = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  return set;
}

/** pg_trgm `similarity` of two single words: shared trigrams over all trigrams. */
export function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  const union = ta.size + tb.size - shared;
  return union === 0 ? 0 : shared / union;
}

export interface MatcherInput {
  /** Stems of the query's words (english_stem lexemes). */
  queryStems: ReadonlySet<string>;
  /** Stem of each lower-cased text word (absent: the word was not stemmed; an empty list: a stop word). */
  stemOf: ReadonlyMap<string, readonly string[]>;
  /** Query words a typo-tolerant match may stand for; empty when only exact/stemmed matches count. */
  fuzzyWords: readonly string[];
  /** Runs of query words joined without spaces ("harborfestival"): a text word holding one is a match (OCR glues words). */
  gluedRuns?: readonly string[];
  /** The dictionary words a glued text word is made of (OCR's "WETPAINT"), null when it is none: a part that matches lights the word. */
  partsOf?: (word: string) => readonly string[] | null;
}

export function makeMatcher({ queryStems, stemOf, fuzzyWords, gluedRuns = [], partsOf }: MatcherInput): (word: string) => boolean {
  const stemMatches = (lower: string) => {
    const stems = stemOf.get(lower);
    return stems ? stems.some((s) => queryStems.has(s)) : queryStems.has(lower);
  };
  const decide = (lower: string) => {
    if (gluedRuns.some((run) => lower.includes(run))) return true;
    const stems = stemOf.get(lower);
    if (stemMatches(lower)) return true;
    if (partsOf?.(lower)?.some(stemMatches)) return true;
    if (stems && stems.length === 0) return false; // a stop word is never a typo of anything
    return fuzzyWords.some((q) => trigramSimilarity(lower, q) >= FUZZY_HIGHLIGHT);
  };
  // The hits of one search repeat their words (a few hundred distinct in 50 snippets); a glued word's parts and
  // the trigram comparisons are worked out once per word.
  const decided = new Map<string, boolean>();
  return (word) => {
    const lower = word.toLowerCase();
    let match = decided.get(lower);
    if (match === undefined) decided.set(lower, (match = decide(lower)));
    return match;
  };
}

function push(parts: SnippetPart[], text: string, highlight: boolean): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last && last.highlight === highlight) last.text += text;
  else parts.push({ text, highlight });
}

/**
 * A window of about `maxWords` words of `text` around the densest run of matching words (the start of the text
 * when nothing matches), split into parts; "…" marks text left out. Null for text without words.
 */
export function snippetParts(text: string, isMatch: (word: string) => boolean, maxWords = SNIPPET_WORDS): SnippetPart[] | null {
  const words = [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, hit: isMatch(m[0]) }));
  if (words.length === 0) return null;
  let from = 0;
  if (words.length > maxWords) {
    let best = -1;
    let bestFrom = 0;
    let inWindow = 0;
    for (let i = 0; i < words.length; i++) {
      if (words[i]!.hit) inWindow++;
      if (i >= maxWords && words[i - maxWords]!.hit) inWindow--;
      const start = i - maxWords + 1;
      if (start >= 0 && inWindow > best) {
        best = inWindow;
        bestFrom = start;
      }
    }
    // Lead in a little before the first match, so the words are read in context.
    const firstHit = words.findIndex((w, i) => i >= bestFrom && w.hit);
    from = best > 0 && firstHit >= 0 ? Math.max(0, Math.min(firstHit - 4, words.length - maxWords)) : 0;
  }
  const to = Math.min(words.length, from + maxWords);
  const parts: SnippetPart[] = [];
  if (from > 0) push(parts, '… ', false);
  let cursor = words[from]!.start;
  for (let i = from; i < to; i++) {
    const w = words[i]!;
    const gap = text.slice(cursor, w.start);
    // Adjacent matches read as one highlight ("quarterly revenue"), not two.
    push(parts, gap, w.hit && i > from && words[i - 1]!.hit && /^\s+$/.test(gap));
    push(parts, text.slice(w.start, w.end), w.hit);
    cursor = w.end;
  }
  const tail = to < words.length ? ' …' : text.slice(cursor).replace(/\s+$/, '');
  push(parts, tail, false);
  if (parts[0] && !parts[0].highlight) parts[0].text = parts[0].text.replace(/^\s+/, '');
  return parts;
}
