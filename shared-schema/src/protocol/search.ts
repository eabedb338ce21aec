// POST /search: the app's query language over the user's whole synced library on the server. The device sends
// the typed query as it is (the server parses it with the app's own parser) and, when it has one, the query's
// embedding from its visual model: the text embedding of the query's words, or an example image's embedding when
// the query has no words. Only scenes embedded by the same model are compared with it. `meaningVector`: the query's
// sentence embedding from the device's meaning model (search by meaning), compared with scenes' text vectors of
// that model only.
import { z } from 'zod';
import type { HitCore } from '../search/hits.ts';
import type { ParsedQuery } from '../search/types.ts';
import { wireVector } from './sync.ts';

/** Longest query accepted (characters). */
export const MAX_SEARCH_QUERY_LENGTH = 1000;
export const MAX_SEARCH_LIMIT = 200;
/** Largest body accepted (413 above): a long query and a 4096-d vector fit with room to spare. */
export const MAX_SEARCH_BYTES = 64 * 1024;

export const searchRequest = z.object({
  query: z.string().max(MAX_SEARCH_QUERY_LENGTH, `must be at most ${MAX_SEARCH_QUERY_LENGTH} characters`),
  vector: wireVector.optional(),
  meaningVector: wireVector.optional(),
  limit: z.number().int().min(1, 'must be at least 1').max(MAX_SEARCH_LIMIT, `must be at most ${MAX_SEARCH_LIMIT}`).optional(),
});
export type SearchRequest = z.infer<typeof searchRequest>;

/** A hit as the server answers it: what every hit says, its thumbnail blob, and the device holding the video. */
export interface ServerSearchHit extends HitCore {
  /** The thumbnail as a content-addressed blob (GET /blobs/:sha256), when the device uploaded one. */
  thumbnailSha256: string | null;
  /** The device that holds the original file; its name is null once that device was removed. */
  device: { id: string | null; name: string | null };
}

export interface SearchResponse {
  hits: ServerSearchHit[];
  /** What the person should know about this search, said plainly (the query's problems, a missing signal). */
  notes: string[];
  /** The query as parsed, e.g. to show its filters as chips. */
  query: ParsedQuery;
  tookMs: number;
}
