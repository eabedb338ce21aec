// OCR reads a tight sign "WET PAINT" as one token "WETPAINT": full text then holds the glued word only, and
// "wet" finds nothing. At index time each glued token of on-screen text is split into dictionary words (the
// glued form stays in ocr_text as read); the parts are stored apart (scenes.ocr_words), searched like the
// on-screen text and never shown. Segmentation is the usual one for run-together English (Norvig's, as in
// wordninja): Viterbi over words whose cost follows Zipf's law from their frequency rank.
import { ENGLISH_WORDS_BY_FREQUENCY } from './english-words.ts';

/** Tokens shorter than this are never split: two words of three letters, or a short word and a longer one. */
export const GLUED_MIN_LETTERS = 6;
/** The longest dictionary word a part may be (longer runs are left alone). */
const MAX_PART = 20;
/**
 * Parts under three letters are only these words: the list also holds fragments of contractions and
 * abbreviations ("s", "t", "ll", "re", "th") that would make any token splittable.
 */
const SHORT_WORDS = new Set('a i an as at be by do go he if in is it me my no of oh ok on or so to up us we'.split(' '));

let costs: Map<string, number> | undefined;
let ranks: Map<string, number> | undefined;

/** Each word's cost, log(rank × ln N): the most frequent words are the cheapest parts. */
function wordCosts(): Map<string, number> {
  if (costs) return costs;
  const words = ENGLISH_WORDS_BY_FREQUENCY.split(' ');
  const logN = Math.log(words.length);
  costs = new Map();
  ranks = new Map();
  words.forEach((w, rank) => {
    if (w.length >= 3 || SHORT_WORDS.has(w)) {
      costs!.set(w, Math.log((rank + 1) * logN));
      ranks!.set(w, rank);
    }
  });
  return costs;
}

/** Whether a lower-case word is in the dictionary. */
export const isDictionaryWord = (word: string) => wordCosts().has(word.toLowerCase());

/**
 * The cheapest reading of a lower-case word as two or more dictionary words that are `allowed` (the word itself
 * never counts as its own reading), or null when there is none.
 */
function cheapestSplit(word: string, allowed: (part: string) => boolean = () => true): string[] | null {
  const cost = wordCosts();
  // best[i]: the cheapest reading of the first i letters; from[i]: where its last part starts.
  const best = new Float64Array(word.length + 1).fill(Infinity);
  const from = new Int32Array(word.length + 1).fill(-1);
  best[0] = 0;
  for (let i = 1; i <= word.length; i++) {
    for (let j = Math.max(0, i - MAX_PART); j < i; j++) {
      if (best[j] === Infinity || (j === 0 && i === word.length)) continue;
      const part = word.slice(j, i);
      const c = cost.get(part);
      if (c !== undefined && best[j]! + c < best[i]! && allowed(part)) {
        best[i] = best[j]! + c;
        from[i] = j;
      }
    }
  }
  if (best[word.length] === Infinity) return null;
  const parts: string[] = [];
  for (let i = word.length; i > 0; i = from[i]!) parts.unshift(word.slice(from[i]!, i));
  return parts;
}

/**
 * The dictionary words a glued token is made of ("wetpaint" → ["wet", "paint"]), or null when it is not one:
 * a token with anything but letters (a code like 0xC0000005, a price), a short one, a dictionary word, or one
 * that cannot be read as dictionary words end to end.
 */
export function splitGluedWord(token: string): readonly string[] | null {
  const word = token.toLowerCase();
  if (word.length < GLUED_MIN_LETTERS || !/^[a-z]+$/.test(word)) return null;
  if (wordCosts().has(word)) return null;
  let split = splits.get(word);
  if (split === undefined) {
    if (splits.size >= MAX_SPLITS) splits.clear();
    splits.set(word, (split = cheapestSplit(word)));
  }
  return split;
}

/**
 * splitGluedWord's readings of the words it was asked about: a search asks again for every on-screen word of its
 * hits (the stems to look up, the highlights), and reading a word that is not in the dictionary costs a Viterbi pass
 * (1.2% of a words-only search at 100k scenes, whose made-up words are none of them in it). Started over when full.
 */
const splits = new Map<string, string[] | null>();
const MAX_SPLITS = 10_000;

/**
 * A part of a dictionary word of a query (see splitQueryWord): three letters or more, and neither among the most
 * frequent words (the, some, how: "therapist" is not the + rapist, "however" not how + ever) nor among the rare
 * ones, where the list holds word fragments ("boarding" is not board + ing, rank 13343).
 */
const isQueryPart = (part: string) => {
  const rank = ranks!.get(part)!;
  return part.length >= 3 && rank >= 100 && rank < 12_000;
};

/**
 * The opposite of a glued token: OCR reads a sign's "BLUE BERRY" as two words where the query says "blueberry".
 * The words a query word may stand apart as on screen: a glued token's parts (splitGluedWord), else for a
 * dictionary word its cheapest reading as words of the kind isQueryPart allows ("blueberry" → blue berry,
 * "newspaper" → news paper); null when there is none. Only ever matched as those words standing together in
 * that order (gluedPattern), so a split that reads oddly ("carpet" → car pet) finds only that odd text.
 */
export function splitQueryWord(token: string): string[] | null {
  const word = token.toLowerCase();
  if (word.length < GLUED_MIN_LETTERS || !/^[a-z]+$/.test(word)) return null;
  if (!wordCosts().has(word)) return cheapestSplit(word);
  return cheapestSplit(word, isQueryPart);
}

/** Letter runs of text, as OCR tokens: a code or a price is never one letter run with digits inside. */
const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * The search-only words of on-screen text: the parts of each glued token, space-separated, in reading order
 * ('' when nothing is glued). What scenes.ocr_words holds.
 */
export function gluedWordsOf(ocrText: string): string {
  const parts: string[] = [];
  for (const [token] of ocrText.matchAll(TOKEN)) {
    const split = splitGluedWord(token);
    if (split) parts.push(...split);
  }
  return parts.join(' ');
}
