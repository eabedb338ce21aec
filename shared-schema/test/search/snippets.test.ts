// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { makeMatcher, snippetParts, trigramSimilarity, trigrams, wordsOf } from '../../src/search/snippets.ts';

const exact = (...words: string[]) => (w: string) => words.includes(w.toLowerCase());

describe('trigrams', () => {
  it('pads like pg_trgm and compares whole words', () => {
    expect([...trigrams('Cat')]).toEqual(['  c', ' ca', 'cat', 'at ']);
    // Values pg_trgm's similarity() gives for the same pairs (measured on PGlite).
    expect(trigramSimilarity('quartely', 'QUARTERLY')).toBeCloseTo(0.5833, 3);
    expect(trigramSimilarity('revenu', 'revenue')).toBeCloseTo(0.6667, 3);
    expect(trigramSimilarity('cart', 'carton')).toBeCloseTo(0.5, 3);
    expect(trigramSimilarity('same', 'same')).toBe(1);
  });
});

describe('wordsOf', () => {
  it('keeps letters, digits and inner apostrophes', () => {
    expect(wordsOf("It's Q3: revenue +12%, café—done")).toEqual(["It's", 'Q3', 'revenue', '12', 'café', 'done']);
  });
});

describe('snippetParts', () => {
  it('marks matching words and keeps the text exactly', () => {
    const text = 'Our quarterly revenue grew, twelve percent.';
    const parts = snippetParts(text, exact('quarterly', 'revenue', 'percent'))!;
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts).toEqual([
      { text: 'Our ', highlight: false },
      { text: 'quarterly revenue', highlight: true },
      { text: ' grew, twelve ', highlight: false },
      { text: 'percent', highlight: true },
      { text: '.', highlight: false },
    ]);
  });

  it('does not join matches across punctuation', () => {
    expect(snippetParts('revenue, revenue', exact('revenue'))!.filter((p) => p.highlight).map((p) => p.text)).toEqual(['revenue', 'revenue']);
  });

  it('shows a window around the densest matches of a long text, with ellipses', () => {
    const filler = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
    const text = `${filler(50, 'a')} the budget and the budget plan ${filler(50, 'b')}`;
    const parts = snippetParts(text, exact('budget'), 12)!;
    const shown = parts.map((p) => p.text).join('');
    expect(shown.startsWith('… ')).toBe(true);
    expect(shown.endsWith(' …')).toBe(true);
    expect(wordsOf(shown)).toHaveLength(12);
    expect(parts.filter((p) => p.highlight).map((p) => p.text)).toEqual(['budget', 'budget']);
    // Lead-in: a few words before the first match.
    expect(shown).toMatch(/^… a4[6-9] /);
  });

  it('starts at the beginning when nothing matches', () => {
    const text = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const parts = snippetParts(text, () => false, 5)!;
    expect(parts).toEqual([{ text: 'w0 w1 w2 w3 w4 …', highlight: false }]);
  });

  it('gives null for text without words', () => {
    expect(snippetParts('', () => true)).toBeNull();
    expect(snippetParts(' — ', () => true)).toBeNull();
  });
});

describe('makeMatcher', () => {
  const stemOf = new Map<string, string[]>([
    ['runs', ['run']],
    ['running', ['run']],
    ['ran', ['ran']],
    ['the', []],
    ['quarterly', ['quarter']],
  ]);

  it('matches by stem', () => {
    const match = makeMatcher({ queryStems: new Set(['run']), stemOf, fuzzyWords: [] });
    expect(['Runs', 'running', 'ran', 'the'].map(match)).toEqual([true, true, false, false]);
  });

  it('matches close spellings of the typo words only, never stop words', () => {
    const match = makeMatcher({ queryStems: new Set(['quartel']), stemOf, fuzzyWords: ['quartely'] });
    expect(match('QUARTERLY')).toBe(true);
    expect(match('the')).toBe(false);
    expect(match('quota')).toBe(false);
  });
});
