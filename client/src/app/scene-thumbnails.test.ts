import { describe, expect, it } from 'vitest';
import { createSceneThumbnails, KEPT_THUMBNAILS, type SceneThumbnailSources } from './scene-thumbnails.ts';

const jpeg = (n: number) => new Uint8Array([0xff, 0xd8, n % 256]);
const local = (sceneId: string) => ({ sceneId });
const fromServer = (sceneId: string, thumbnailSha256: string | null) => ({ sceneId, fromServer: { deviceName: 'Laptop', thumbnailSha256 } });

/** Sources over a fixed set of thumbnails that record what was asked. */
function sources(held: Map<string, Uint8Array>, blobs = new Map<string, Uint8Array>()) {
  const reads: string[][] = [];
  const fetched: string[] = [];
  const source: SceneThumbnailSources = {
    async local(sceneIds) {
      reads.push(sceneIds);
      return sceneIds.flatMap((sceneId) => (held.has(sceneId) ? [{ sceneId, thumbnail: held.get(sceneId)! }] : []));
    },
    async remote(sha) {
      fetched.push(sha);
      return blobs.get(sha) ?? null;
    },
  };
  return { source, reads, fetched };
}

describe('the thumbnails of search cards', () => {
  it('reads the cards that come into view together in one statement, each answered with its own', async () => {
    const held = new Map(Array.from({ length: 12 }, (_, i) => [`s${i}`, jpeg(i)]));
    const { source, reads } = sources(held);
    const thumbnails = createSceneThumbnails(source);
    const answers = await Promise.all([...Array.from({ length: 12 }, (_, i) => thumbnails.of(local(`s${i}`))), thumbnails.of(local('gone'))]);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toHaveLength(13);
    expect(answers).toEqual([...Array.from({ length: 12 }, (_, i) => jpeg(i)), null]);
  });

  it('keeps what it read for the next searches, and asks again for a thumbnail it did not find', async () => {
    const held = new Map([['a', jpeg(1)]]);
    const { source, reads } = sources(held);
    const thumbnails = createSceneThumbnails(source);
    await Promise.all([thumbnails.of(local('a')), thumbnails.of(local('b'))]);
    held.set('b', jpeg(2)); // arrived by sync since
    expect(await thumbnails.of(local('a'))).toEqual(jpeg(1));
    expect(await thumbnails.of(local('b'))).toEqual(jpeg(2));
    expect(reads).toEqual([['a', 'b'], ['b']]);
  });

  it('keeps the most recently shown ones within its bound', async () => {
    const held = new Map(Array.from({ length: KEPT_THUMBNAILS + 1 }, (_, i) => [`s${i}`, jpeg(i)]));
    const { source, reads } = sources(held);
    const thumbnails = createSceneThumbnails(source);
    await Promise.all(Array.from({ length: KEPT_THUMBNAILS }, (_, i) => thumbnails.of(local(`s${i}`))));
    await thumbnails.of(local('s0')); // shown again: now the most recent
    await thumbnails.of(local(`s${KEPT_THUMBNAILS}`)); // one more: the least recent (s1) goes
    await thumbnails.of(local('s0'));
    await thumbnails.of(local('s1'));
    expect(reads.slice(1)).toEqual([[`s${KEPT_THUMBNAILS}`], ['s1']]);
  });

  it('reads a server hit’s thumbnail from the server once, and has none when the hit has none', async () => {
    const { source, reads, fetched } = sources(new Map(), new Map([['f'.repeat(64), jpeg(7)]]));
    const thumbnails = createSceneThumbnails(source);
    expect(await thumbnails.of(fromServer('x', 'f'.repeat(64)))).toEqual(jpeg(7));
    expect(await thumbnails.of(fromServer('y', 'f'.repeat(64)))).toEqual(jpeg(7));
    expect(await thumbnails.of(fromServer('z', null))).toBeNull();
    expect(fetched).toEqual(['f'.repeat(64)]);
    expect(reads, 'nothing asked of this device').toEqual([]);
  });

  it('shows the placeholder when a thumbnail cannot be read now, and tries again later', async () => {
    let failing = true;
    const thumbnails = createSceneThumbnails({
      async local(sceneIds) {
        if (failing) throw new Error('The database is busy');
        return sceneIds.map((sceneId) => ({ sceneId, thumbnail: jpeg(3) }));
      },
      async remote() {
        throw new Error('offline');
      },
    });
    expect(await thumbnails.of(local('a'))).toBeNull();
    expect(await thumbnails.of(fromServer('b', 'e'.repeat(64)))).toBeNull();
    failing = false;
    expect(await thumbnails.of(local('a'))).toEqual(jpeg(3));
  });
});
