// The thumbnails of the scenes shown (a search's cards, a video's scene strip), read as they come into view rather
// than with the search or the video's scenes: a search returns up to 50 hits and a screen shows a dozen, and 50
// thumbnails (~12 KB of JPEG each) took ~5 ms of a search's time to read from the database (`npm run bench`,
// thumbnail rows), the server's one request each; a long video has hundreds of scenes and a strip shows a few.
// Scenes that come into view together are read in one statement; what was read is kept for the next searches
// (typing a query shows many of the same cards again).
import type { SearchHit } from '../search/types.ts';

export interface SceneThumbnailSources {
  /** Thumbnails of this device's scenes; a scene without one is left out. */
  local(sceneIds: string[]): Promise<{ sceneId: string; thumbnail: Uint8Array }[]>;
  /** A thumbnail kept on the sync server, by its content address; null when it cannot be had now. */
  remote(sha256: string): Promise<Uint8Array | null>;
}

export interface SceneThumbnails {
  /**
   * The scene's thumbnail (a hit's from the server when the server found it); null when it has none or it cannot
   * be read now (the card or strip shows its placeholder).
   */
  of(scene: Pick<SearchHit, 'sceneId' | 'fromServer'>): Promise<Uint8Array | null>;
}

/** Thumbnails kept between searches: ~3 MB of JPEG, the cards of many screens. */
export const KEPT_THUMBNAILS = 240;

export function createSceneThumbnails(sources: SceneThumbnailSources): SceneThumbnails {
  const kept = new Map<string, Promise<Uint8Array | null>>();
  /** Scenes asked for since the last read, with who waits for each. */
  let asked = new Map<string, ((bytes: Uint8Array | null) => void)[]>();
  let readScheduled = false;

  async function readAsked(): Promise<void> {
    readScheduled = false;
    const batch = asked;
    asked = new Map();
    const found = await sources.local([...batch.keys()]).catch((error: unknown) => {
      console.warn('Thumbnails could not be read:', error);
      return [];
    });
    const bytes = new Map(found.map((r) => [r.sceneId, r.thumbnail]));
    for (const [sceneId, waiting] of batch) for (const resolve of waiting) resolve(bytes.get(sceneId) ?? null);
  }

  function fromDevice(sceneId: string): Promise<Uint8Array | null> {
    return new Promise((resolve) => {
      asked.set(sceneId, [...(asked.get(sceneId) ?? []), resolve]);
      // A task later, not a microtask: each card asks from its own effect as it is reported seen, and the cards
      // that came into view in one frame are wanted in one statement.
      if (!readScheduled) {
        readScheduled = true;
        setTimeout(() => void readAsked(), 0);
      }
    });
  }

  /** The kept read, most recently used last; a missing thumbnail is not kept (it may arrive by sync). */
  function keep(key: string, read: () => Promise<Uint8Array | null>): Promise<Uint8Array | null> {
    const known = kept.get(key);
    kept.delete(key);
    const answer = known ?? read();
    kept.set(key, answer);
    if (kept.size > KEPT_THUMBNAILS) kept.delete(kept.keys().next().value!);
    if (!known) void answer.then((bytes) => bytes === null && kept.get(key) === answer && kept.delete(key));
    return answer;
  }

  return {
    of(hit) {
      if (!hit.fromServer) return keep(`scene:${hit.sceneId}`, () => fromDevice(hit.sceneId));
      const sha = hit.fromServer.thumbnailSha256;
      if (!sha) return Promise.resolve(null);
      return keep(`blob:${sha}`, () => sources.remote(sha).catch(() => null));
    },
  };
}
