// The search contract both the app and the sync server speak: the parsed query, the reasons a scene matched and
// its highlighted snippets. Plain structured-clonable data (it crosses the app's worker boundary and the network).

/**
 * Why a scene matched; a hit can have several. `person` is a face like the example's or a `person:` filter;
 * `video` and `date` are `video:` and `after:`/`before:` filters that alone found the scene (no words, picture
 * or face did); `meaning`: what the scene says or shows means much what the query says.
 */
export type MatchReason = 'speech' | 'text' | 'visual' | 'person' | 'video' | 'date' | 'meaning';

/** A query filter a hit is there for, with what the hit says about it. */
export type MatchedFilter =
  /** The people of the scene the `person:` filter named. */
  | { kind: 'person'; names: string[] }
  /** The video a `video:` filter chose. */
  | { kind: 'video'; title: string }
  /** The `after:` / `before:` dates the video's date falls within. */
  | { kind: 'date'; after: string | null; before: string | null };

/** How close a face found by a search by example is to the face asked for ("same face, 87%"). */
export interface FaceMatch {
  /** 0–100, from the calibrated face distances (the app's faceMatchPercent), not 1 − distance. */
  percent: number;
  /** Close enough to be taken as the same person; else a weaker match, shown below the divider. */
  confident: boolean;
}

/** A search box query after parsing (see parse.ts for the syntax). */
export interface ParsedQuery {
  /** The raw input, trimmed. */
  raw: string;
  /** Plain words (not in quotes, not filters), in order. */
  words: string[];
  /** "Quoted phrases", without the quotes. */
  phrases: string[];
  /** `said:` words/phrases: must match the speech (transcript) only. */
  said: string[];
  /** `text:` words/phrases: must match the on-screen text (OCR) only. */
  onScreen: string[];
  /** `person:Name` (quotes allowed: person:"Ada Lovelace"). Every named person must be in the scene. */
  people: string[];
  /** `video:` title or file-name fragments: only scenes of matching videos. */
  videos: string[];
  /** `after:` / `before:` dates (YYYY-MM-DD, inclusive) on the video's date. */
  after: string | null;
  before: string | null;
  /** Problems the user should see (e.g. "before: needs a date like 2026-01-31"); the rest still runs. */
  warnings: string[];
}

/** An embedding with the model that made it: vectors of two models are never compared. */
export interface ModelVector {
  modelId: string;
  vector: number[];
}

/** A piece of a snippet; highlighted pieces are the words that matched. Never HTML. */
export interface SnippetPart {
  text: string;
  highlight: boolean;
}

export interface Snippet {
  source: 'speech' | 'text';
  parts: SnippetPart[];
}
