// The search box syntax: plain words, "quoted phrases" and a few filters —
//   person:Name  person:"Ada Lovelace"   said:word  said:"a phrase"   text:word  text:"a phrase"
//   video:fragment  video:"two words"   after:2026-01-31   before:2026-01-31
// Keys are case-insensitive. An unknown key (foo:bar, 12:30) is an ordinary word. Bad input never throws:
// what cannot be understood becomes a warning and the rest of the query still runs.
import type { ParsedQuery } from './types.ts';

const FILTERS = ['person', 'said', 'text', 'video', 'after', 'before'] as const;
type FilterKey = (typeof FILTERS)[number];

/** Straight and typographic double quotes (phones type “ ” by default). */
const QUOTES = new Set(['"', '“', '”', '„']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A word worth searching has at least one letter or digit (a lone "-" or "," is not). */
const MEANINGFUL = /[\p{L}\p{N}]/u;

const isSpace = (c: string) => /\s/.test(c);

/** A YYYY-MM-DD that names a real calendar day. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

interface Token {
  key: FilterKey | null;
  value: string;
  quoted: boolean;
}

/** Reads a quoted run starting after its opening quote; an unclosed quote runs to the end. */
function readQuoted(input: string, start: number): { value: string; end: number } {
  let i = start;
  while (i < input.length && !QUOTES.has(input[i]!)) i++;
  return { value: input.slice(start, i), end: Math.min(i + 1, input.length) };
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (isSpace(input[i]!)) {
      i++;
      continue;
    }
    if (QUOTES.has(input[i]!)) {
      const { value, end } = readQuoted(input, i + 1);
      tokens.push({ key: null, value, quoted: true });
      i = end;
      continue;
    }
    let j = i;
    while (j < input.length && !isSpace(input[j]!) && !QUOTES.has(input[j]!)) j++;
    const bare = input.slice(i, j);
    const colon = bare.indexOf(':');
    const key = colon > 0 ? bare.slice(0, colon).toLowerCase() : '';
    if ((FILTERS as readonly string[]).includes(key)) {
      const rest = bare.slice(colon + 1);
      if (rest === '' && j < input.length && QUOTES.has(input[j]!)) {
        const { value, end } = readQuoted(input, j + 1);
        tokens.push({ key: key as FilterKey, value, quoted: true });
        i = end;
      } else {
        tokens.push({ key: key as FilterKey, value: rest, quoted: false });
        i = j;
      }
      continue;
    }
    tokens.push({ key: null, value: bare, quoted: false });
    i = j;
  }
  return tokens;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

function pushUnique(list: string[], value: string): void {
  if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
}

const NEEDS: Record<FilterKey, string> = {
  person: 'a name, like person:Ada or person:"Ada Lovelace"',
  said: 'a word or a "phrase" that was spoken',
  text: 'a word or a "phrase" shown on screen',
  video: 'part of a video title or file name',
  after: 'a date like 2026-01-31',
  before: 'a date like 2026-01-31',
};

/** Parses a search box query; never throws. */
export function parseQuery(raw: string): ParsedQuery {
  const query: ParsedQuery = {
    raw: raw.trim(),
    words: [],
    phrases: [],
    said: [],
    onScreen: [],
    people: [],
    videos: [],
    after: null,
    before: null,
    warnings: [],
  };
  for (const token of tokenize(query.raw)) {
    const value = collapse(token.value);
    if (token.key === null) {
      if (!MEANINGFUL.test(value)) continue;
      if (token.quoted) pushUnique(query.phrases, value);
      else query.words.push(value);
      continue;
    }
    if (value === '') {
      query.warnings.push(`${token.key}: needs ${NEEDS[token.key]}.`);
      continue;
    }
    switch (token.key) {
      case 'person':
        pushUnique(query.people, value);
        break;
      case 'video':
        pushUnique(query.videos, value);
        break;
      case 'said':
      case 'text': {
        if (!MEANINGFUL.test(value)) {
          query.warnings.push(`${token.key}: needs ${NEEDS[token.key]}.`);
          break;
        }
        pushUnique(token.key === 'said' ? query.said : query.onScreen, value);
        break;
      }
      case 'after':
      case 'before':
        if (isIsoDate(value)) query[token.key] = value;
        else query.warnings.push(`${token.key}: needs ${NEEDS[token.key]} ("${value}" is not one); it was left out.`);
        break;
    }
  }
  // ISO dates compare as text.
  if (query.after !== null && query.before !== null && query.after > query.before) {
    query.warnings.push(`after:${query.after} is later than before:${query.before}, so nothing can match.`);
  }
  return query;
}

/** Free words and phrases: what every signal (speech, on-screen text, visual) searches for. */
export function freeTerms(query: ParsedQuery): string[] {
  return [...query.words, ...query.phrases];
}

/**
 * What a name typed without `person:` would be ("ada", "Ada Lovelace"): the free words and phrases together, when
 * the query has a few of them and no person: filter. Search looks it up among the people the user named.
 */
export function typedName(query: ParsedQuery): string | null {
  const free = freeTerms(query);
  const text = free.join(' ').trim();
  return query.people.length === 0 && text !== '' && text.split(/\s+/).length <= NAME_WORDS_MAX ? text : null;
}
/** Longer free text is a sentence, not a name. */
const NAME_WORDS_MAX = 4;

/** The text given to the visual model's text encoder: the free words and phrases, as typed. */
export function visualText(query: ParsedQuery): string {
  return freeTerms(query).join(' ');
}

/** True when the query narrows the scenes by a filter: said:/text: words, people, videos or dates. */
export function hasFilters(query: ParsedQuery): boolean {
  return (
    query.said.length > 0 ||
    query.onScreen.length > 0 ||
    query.people.length > 0 ||
    query.videos.length > 0 ||
    query.after !== null ||
    query.before !== null
  );
}

/** True when the query asks for nothing at all (no terms and no filters). */
export function isEmptyQuery(query: ParsedQuery): boolean {
  return freeTerms(query).length === 0 && !hasFilters(query);
}
