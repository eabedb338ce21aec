// The app's search contract between the DB worker's retrieval, the app layer and the UI: requests, hits, results.
// The parsed query, match reasons and snippets are shared with the sync server (@heimdex/shared-schema/search).
// Everything here is plain structured-clonable data (it crosses the worker boundary).
import type { HitCore, ModelVector, ParsedQuery } from '@heimdex/shared-schema/search';
import type { ModelTask } from '../ml/registry.ts';

export interface TextSearchRequest {
  query: ParsedQuery;
  /** The visual model's text embedding of the free words + phrases, when a visual model is loaded. */
  textVector: ModelVector | null;
  /** The meaning model's sentence embedding of the same words, when that model is loaded (search by meaning). */
  meaningVector?: ModelVector | null;
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

/**
 * A hit as the app shows it: what every hit says (shared with the server). Its thumbnail is not in it: the card
 * reads it as it comes into view (app/scene-thumbnails.ts), from this device or, for a server hit, from the server.
 */
export interface SearchHit extends HitCore {
  /**
   * Found by the sync server in a video this device has not pulled yet: the name of the device that holds it
   * (null when that device was removed) and its thumbnail's content address on the server (null when it has none).
   * Absent for hits from this device's own index.
   */
  fromServer?: { deviceName: string | null; thumbnailSha256: string | null };
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
