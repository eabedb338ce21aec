// The search contract shared by the query parser, the DB worker's retrieval, the app layer and the UI.
// Everything here is plain structured-clonable data (it crosses the worker boundary).
import type { ModelTask } from '../ml/registry.ts';

/** Why a scene matched; a hit can have several. */
export type MatchReason = 'speech' | 'text' | 'visual' | 'person';

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

export interface TextSearchRequest {
  query: ParsedQuery;
  /** The visual model's text embedding of the free words + phrases, when a visual model is loaded. */
  textVector: ModelVector | null;
  limit?: number;
}

export interface ExampleSearchRequest {
  /** Image embedding of the example (a dropped image or a scene's keyframe). */
  imageVector: ModelVector | null;
  /** Face descriptors found in a dropped image (search by that face). */
  faces: ModelVector[];
  /** "More like this": the scene the example came from, left out of the results. */
  excludeSceneId?: string;
  limit?: number;
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

export interface SearchHit {
  sceneId: string;
  videoId: string;
  videoTitle: string;
  fileName: string;
  idx: number;
  startS: number;
  endS: number;
  thumbnail: Uint8Array | null;
  /** Fused rank score (reciprocal-rank fusion); only for ordering. */
  score: number;
  /** At least one signal matched with confidence (an exact word, a strong visual or face match). */
  confident: boolean;
  reasons: MatchReason[];
  snippets: Snippet[];
  /** Where to start playing: the matched spoken words' time when speech matched, else the scene start. */
  playFromS: number;
  /** Named (or "Person N") people in the scene. */
  people: string[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** What the person should know about this search, said plainly (a query's problems, a signal that failed this time). */
  notes: string[];
  /**
   * Tasks whose model could not take part (not installed, or it failed to load). Not notes: the UI says what
   * this means from what it knows of the models, with a way to get them.
   */
  unavailable?: ModelTask[];
  /** Milliseconds the search took, end to end. */
  tookMs: number;
  /** The query as parsed (text searches only), e.g. to show its filters as chips; its warnings are also in `notes`. */
  query?: ParsedQuery;
}
