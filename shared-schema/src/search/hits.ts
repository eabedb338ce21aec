// From the fused order and detailsQuery's rows to hits: why each scene matched, whether confidently, its
// highlighted snippets, the moment to play from and its people. Pure: the word stems come from the caller's
// database (stemsQuery), so highlights agree with what full text matched.
import { GLUE, gluedPatterns, runTogether, type DetailRow, type Terms } from './sql.ts';
import { splitGluedWord } from './glued-words.ts';
import { closeSpellings } from './spelling.ts';
import { makeMatcher, snippetParts, wordsOf } from './snippets.ts';
import type { FaceMatch, MatchedFilter, MatchReason, ParsedQuery, Snippet } from './types.ts';

/** The filters of a query (every hit satisfies all of them). */
export type QueryFilters = Pick<ParsedQuery, 'people' | 'videos' | 'after' | 'before'>;

export const NO_FILTERS: QueryFilters = { people: [], videos: [], after: null, before: null };

/** What the signals outside the detail rows know about each scene. */
export interface HitSignals {
  /** Visual similarity (cosine) of the scenes the visual signal found. */
  visual: ReadonlyMap<string, number>;
  visualThreshold: number;
  /** Scenes found by a face (search by example, app only), with how close the best face there is. */
  faceScenes: ReadonlyMap<string, FaceMatch>;
  filters: QueryFilters;
  /** A name typed without `person:` and the scenes of the people it names (see namedPersonQuery); null when none. */
  named: { text: string; scenes: ReadonlySet<string> } | null;
  /** Hits are there because they satisfy the query's filters alone. */
  filterOnly: boolean;
  /** Meaning similarity (cosine of sentence embeddings) of the scenes the meaning signal found, and its confident level. */
  meaning?: ReadonlyMap<string, number>;
  meaningThreshold?: number;
}

/** What a hit says on either side (the app adds its thumbnail bytes, the server the device holding the video). */
export interface HitCore {
  sceneId: string;
  videoId: string;
  videoTitle: string;
  fileName: string;
  idx: number;
  startS: number;
  endS: number;
  /** Fused rank score (reciprocal-rank fusion); only for ordering. */
  score: number;
  /** At least one signal matched with confidence (an exact word, a strong visual or face match). */
  confident: boolean;
  reasons: MatchReason[];
  /**
   * The filters the hit is there for: a `person:` filter on every hit (who of the scene it named); `video:` and
   * date filters when they alone found the scene.
   */
  filters: MatchedFilter[];
  snippets: Snippet[];
  /** Where to start playing: the matched spoken words' time when speech matched, else the scene start. */
  playFromS: number;
  /** Named (or "Person N") people in the scene. */
  people: string[];
  /** Found by a face: how close the match is. */
  face?: FaceMatch;
}

const speechTermsOf = (terms: Terms) => [...terms.free, ...terms.said];
const textTermsOf = (terms: Terms) => [...terms.free, ...terms.onScreen];
/** The glued-words patterns of on-screen text (see gluedPattern). */
const gluedOf = (terms: Terms) => [...terms.glued, ...gluedPatterns([], terms.onScreen)];
/** Their words, lit where they stand apart on screen: "blueberry" lights the sign's "BLUE BERRY". */
const gluedPartsOf = (terms: Terms) => [...new Set(gluedOf(terms).flatMap((p) => p.split(GLUE)))];

/**
 * Whether a `person:` filter names this person: the whole name, a whole word of it, or "Person N" — the rule of
 * personMatches (sql.ts), so the hit names the people the database matched.
 */
export function personNamed(name: string, filter: string): boolean {
  const wanted = filter.trim().replace(/\s+/g, ' ').toLowerCase();
  return wanted !== '' && ` ${name.replace(/\s+/g, ' ').toLowerCase()} `.includes(` ${wanted} `);
}

/** The filters a hit is there for (see HitCore.filters). */
function filterMatches(filters: QueryFilters, filterOnly: boolean, title: string, people: readonly string[], namedText: string | null): MatchedFilter[] {
  const matched: MatchedFilter[] = [];
  const wanted = namedText === null ? filters.people : [...filters.people, namedText];
  if (wanted.length > 0) {
    const names = people.filter((name) => wanted.some((w) => personNamed(name, w)));
    matched.push({ kind: 'person', names: names.length > 0 ? names : [...wanted] });
  }
  if (filterOnly && filters.videos.length > 0) matched.push({ kind: 'video', title });
  if (filterOnly && (filters.after || filters.before)) matched.push({ kind: 'date', after: filters.after, before: filters.before });
  return matched;
}

/**
 * The distinct lower-cased words whose stems snippets need (run them through stemsQuery): the query's words, and
 * the words of the matched texts that could share a stem with one. english_stem keeps a word's first letter (it
 * strips and rewrites endings only, its exceptions too: "dying" → "die"), so a text word that begins with a letter
 * no query word begins with never matches by stem, and is left out — unless typos are forgiven, where a word's
 * stems also say whether it is a stop word (never highlighted as a typo, see makeMatcher).
 */
export function wordsToStem(rows: readonly DetailRow[], terms: Terms): string[] {
  const queryWords = [...speechTermsOf(terms), ...textTermsOf(terms), ...gluedPartsOf(terms)]
    .flatMap((t) => [...wordsOf(t), ...closeSpellings(t, terms.typos.get(t) ?? [])])
    .map((w) => w.toLowerCase());
  const firstLetters = terms.typos.size > 0 ? null : new Set(queryWords.map((w) => w[0]));
  const words = new Set(queryWords);
  const add = (word: string) => {
    const lower = word.toLowerCase();
    if (firstLetters?.has(lower[0]) ?? true) words.add(lower);
  };
  for (const r of rows) {
    if (r.speech_match) for (const w of wordsOf(r.transcript)) add(w);
    if (!r.text_match) continue;
    for (const w of wordsOf(r.ocr_text)) {
      add(w);
      // The parts of glued on-screen words are matched by their stems too (see splitGluedWord).
      for (const part of splitGluedWord(w) ?? []) add(part);
    }
  }
  return [...words];
}

/** Snippets of one hit: the speech and the on-screen text that matched, the matching words highlighted. */
function makeSnippets(terms: Terms, stemOf: ReadonlyMap<string, readonly string[]>): (r: DetailRow) => Snippet[] {
  const gluedRuns = gluedOf(terms).map(runTogether);
  const matcherFor = (list: string[], partsOf?: (word: string) => readonly string[] | null) => {
    // A correction within two slips stands for the word itself (see closeSpellings).
    const words = list.flatMap((t) => [...wordsOf(t), ...closeSpellings(t, terms.typos.get(t) ?? [])]);
    const queryStems = new Set(words.flatMap((w) => stemOf.get(w.toLowerCase()) ?? [w.toLowerCase()]));
    const fuzzyWords = list.filter((t) => terms.typos.has(t)).map((w) => w.toLowerCase());
    return makeMatcher({ queryStems, stemOf, fuzzyWords, gluedRuns, partsOf });
  };
  const speech = matcherFor(speechTermsOf(terms));
  const text = matcherFor([...textTermsOf(terms), ...gluedPartsOf(terms)], splitGluedWord);
  return (r) => {
    const list: Snippet[] = [];
    const spoken = r.speech_match ? snippetParts(r.transcript, speech) : null;
    if (spoken) list.push({ source: 'speech', parts: spoken });
    const shown = r.text_match ? snippetParts(r.ocr_text, text) : null;
    if (shown) list.push({ source: 'text', parts: shown });
    return list;
  };
}

/**
 * The hits of the fused top scenes that still have detail rows, in fused order. `stemOf` maps each word of
 * wordsToStem to its stems (an empty list for a stop word).
 */
export function describeHits<Row extends DetailRow>(
  top: readonly { id: string; score: number }[],
  detail: ReadonlyMap<string, Row>,
  terms: Terms,
  signals: HitSignals,
  stemOf: ReadonlyMap<string, readonly string[]>,
): { row: Row; hit: HitCore }[] {
  const snippetsOf = makeSnippets(terms, stemOf);
  return top.flatMap(({ id, score }) => {
    const r = detail.get(id);
    if (!r) return [];
    const reasons: MatchReason[] = [];
    if (r.speech_match) reasons.push('speech');
    if (r.text_match) reasons.push('text');
    const similarity = signals.visual.get(id);
    if (similarity !== undefined) reasons.push('visual');
    const people = r.people ?? [];
    const named = signals.named?.scenes.has(id) ? signals.named.text : null;
    const filters = filterMatches(signals.filters, signals.filterOnly, r.title, people, named);
    if (signals.faceScenes.has(id) || filters.some((f) => f.kind === 'person')) reasons.push('person');
    for (const f of filters) if (f.kind !== 'person') reasons.push(f.kind);
    const meaning = signals.meaning?.get(id);
    if (meaning !== undefined) reasons.push('meaning');
    const confident =
      (meaning !== undefined && meaning >= (signals.meaningThreshold ?? Infinity)) ||
      r.words_confident ||
      (similarity !== undefined && similarity >= signals.visualThreshold) ||
      signals.faceScenes.get(id)?.confident === true ||
      named !== null ||
      signals.filterOnly;
    const hit: HitCore = {
      sceneId: r.scene_id,
      videoId: r.video_id,
      videoTitle: r.title,
      fileName: r.file_name,
      idx: r.idx,
      startS: r.start_s,
      endS: r.end_s,
      score,
      confident,
      reasons,
      filters,
      snippets: snippetsOf(r),
      playFromS: r.speech_match && r.play_from !== null ? r.play_from : r.start_s,
      people,
      ...(signals.faceScenes.has(id) ? { face: signals.faceScenes.get(id)! } : {}),
    };
    return [{ row: r, hit }];
  });
}
