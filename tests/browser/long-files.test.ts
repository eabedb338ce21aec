// @vitest-environment node
// A long video is indexed without the tab's memory growing with its length: an hour of video needs about what
// 1 minute does (audio is decoded and stored window by window, never whole). Before that, the hour peaked 1.6× as
// high as the minute (bench: 1509 MB above the page against 943 MB for 10 minutes); at 10 minutes the whole track
// still fitted under the video engine's fixed cost, so the test takes an hour (16 MB at 160x90, ~1.5 min to index). Both are indexed in the real app, each
// in a fresh browser, and compared as a ratio of the renderer's peak RSS growth (never an absolute size or time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureIndexing, type IndexingMemory } from '../../scripts/indexing-memory.ts';
import { fixture } from './fixtures.ts';
import { startServer, type RunningServer } from './harness.ts';

/**
 * How much more the hour may take than the minute, measured as the renderer's peak RSS above its
 * level with the app open. Both runs carry the same fixed costs (ffmpeg.wasm and its pre-grown heap, the workers,
 * the database); what the length adds must stay small next to them.
 */
const MAX_GROWTH_RATIO = 1.3;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('long files', () => {
  it('index an hour of video in about the memory of 1 minute', async () => {
    const short: IndexingMemory = await measureIndexing(server, fixture('long-1m.mp4'), 120_000);
    const long: IndexingMemory = await measureIndexing(server, fixture('long-1h.mp4'), 400_000);
    const growth = (m: IndexingMemory) => m.peakRssBytes - m.baselineRssBytes;
    console.log(
      `long files: 1 min ${short.scenes} scenes, growth ${(growth(short) / 2 ** 20).toFixed(0)} MB; ` +
        `1 h ${long.scenes} scenes, growth ${(growth(long) / 2 ** 20).toFixed(0)} MB (ratio ${(growth(long) / growth(short)).toFixed(2)})`,
    );
    // The whole of each video was indexed: a cut every 20 s.
    expect(short.scenes).toBeGreaterThanOrEqual(3);
    expect(long.scenes).toBeGreaterThanOrEqual(180);
    // The minute itself is measured (the video engine alone takes hundreds of MB): a ratio over nothing proves nothing.
    expect(growth(short)).toBeGreaterThan(100 * 2 ** 20);
    expect(growth(long) / growth(short)).toBeLessThanOrEqual(MAX_GROWTH_RATIO);
  }, 600_000);
});
