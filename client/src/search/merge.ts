// This device's results and the sync server's, as one list: while a device has not pulled the whole account yet,
// the server finds what is not here. Both rank with the same fusion (@heimdex/shared-schema/search), so their
// scores compare; a scene found on both sides is shown once, from this device (its thumbnail is here).
import type { SearchHit, SearchResult } from './types.ts';

export function mergeServerHits(local: SearchResult, server: { hits: SearchHit[]; notes: string[] } | null, limit = 50): SearchResult {
  if (!server) return local;
  const here = new Set(local.hits.map((hit) => hit.sceneId));
  const added = server.hits.filter((hit) => !here.has(hit.sceneId));
  if (added.length === 0) return local;
  const hits = [...local.hits, ...added]
    .map((hit, order) => ({ hit, order }))
    .sort((a, b) => Number(b.hit.confident) - Number(a.hit.confident) || b.hit.score - a.hit.score || a.order - b.order)
    .slice(0, limit)
    .map(({ hit }) => hit);
  const notes = [...local.notes, ...server.notes.filter((note) => !local.notes.includes(note))];
  return { ...local, hits, notes };
}
