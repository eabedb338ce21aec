import { describe, expect, it } from 'vitest';
import { mergeServerHits } from './merge.ts';
import type { SearchHit, SearchResult } from './types.ts';

const hit = (sceneId: string, score: number, confident = true, fromServer = false): SearchHit => ({
  sceneId, videoId: 'v', videoTitle: 't', fileName: 'f.mp4', idx: 0, startS: 0, endS: 1, score, confident,
  reasons: ['text'], filters: [], snippets: [], playFromS: 0, people: [],
  ...(fromServer ? { fromServer: { deviceName: 'Laptop', thumbnailSha256: null } } : {}),
});
const result = (hits: SearchHit[], notes: string[] = []): SearchResult => ({ hits, notes, tookMs: 1 });

describe('mergeServerHits', () => {
  it('adds the server’s scenes that are not here, by score, confident ones first, each scene once', () => {
    const local = result([hit('a', 0.5), hit('b', 0.2, false)], ['note here']);
    const merged = mergeServerHits(local, { hits: [hit('a', 0.9, true, true), hit('c', 0.7, true, true), hit('d', 0.9, false, true)], notes: ['note here', 'server note'] });
    expect(merged.hits.map((h) => h.sceneId)).toEqual(['c', 'a', 'd', 'b']);
    expect(merged.hits.find((h) => h.sceneId === 'a')?.fromServer, 'a scene found on both sides is this device’s').toBeUndefined();
    expect(merged.notes).toEqual(['note here', 'server note']);
  });

  it('keeps this device’s result as it is when the server has nothing to add or did not answer', () => {
    const local = result([hit('a', 0.5)]);
    expect(mergeServerHits(local, null)).toBe(local);
    expect(mergeServerHits(local, { hits: [hit('a', 0.9, true, true)], notes: [] })).toBe(local);
  });
});
