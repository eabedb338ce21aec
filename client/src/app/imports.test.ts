// @vitest-environment node
// Imports on a real in-memory PGlite and the real hashing; the copy into the origin private file system, which
// Node does not have, is a map of this test's.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { hashFile, type saveVideoFile } from '../files/store.ts';
import { makeFileRemovals } from './file-removals.ts';
import { makeImports, type ImportsDeps } from './imports.ts';

const STAGES = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'FINALIZE'] as const;

let pg: PGlite;
let api: DbApi;
let saved: Map<string, File>;
/** How the next copy goes: at once, failing, or holding until its import is stopped. */
let copy: 'ok' | 'fail' | 'hold';
let readable: boolean;
let queued: number;
/** The room the browser would give (the real question to the browser is tested in tests/browser/storage.test.ts). */
let free: number;

const saveFake: typeof saveVideoFile = async (videoId, file, onProgress, signal) => {
  if (copy === 'fail') throw new Error('No storage space left');
  if (copy === 'hold') {
    await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
  }
  onProgress?.(1);
  saved.set(videoId, file);
};

function imports(over: Partial<ImportsDeps> = {}) {
  return makeImports({
    db: api,
    whenOpen: () => Promise.resolve(),
    stages: STAGES,
    files: { hashFile: (file, onProgress, signal) => (readable ? hashFile(file, onProgress, signal) : Promise.reject(new Error('NotReadableError'))), saveVideoFile: saveFake },
    onChange: () => {},
    onQueued: () => void queued++,
    filesRemoved: () => Promise.resolve(),
    room: { canHold: (bytes) => Promise.resolve(bytes <= free), freeUpTo: (limit) => Promise.resolve(Math.min(limit, free)) },
    ...over,
  });
}

/** Resolves once `check` holds, polling between the import's steps. */
async function until(check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

const video = (name: string, text = name) => new File([text], name, { type: 'video/mp4' });

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
  saved = new Map();
  copy = 'ok';
  readable = true;
  queued = 0;
  free = 10_000_000_000;
});
afterEach(async () => {
  await pg.close();
});

describe('makeImports', () => {
  it('shows an import at once, then stores, copies and queues the video for the pipeline', async () => {
    const changes: boolean[] = [];
    const tab = imports({ onChange: (fromDb) => changes.push(fromDb) });
    const done = tab.importFiles([video('Beach day.mp4')]);
    expect(tab.pending().map((p) => [p.file.name, p.videoId, p.error])).toEqual([['Beach day.mp4', null, null]]);
    expect(changes[0]).toBe(false);

    const [outcome] = await done;
    expect(outcome).toEqual({
      fileName: 'Beach day.mp4',
      status: 'added',
      videoId: expect.any(String),
      message: 'Copied into your library; it is being checked and indexed.',
    });
    expect(await api.getVideo(outcome!.videoId!)).toMatchObject({ title: 'Beach day', state: 'VALIDATING', mime: 'video/mp4' });
    expect((await api.listStages(outcome!.videoId!)).map((j) => j.stage)).toEqual(STAGES);
    expect(saved.has(outcome!.videoId!)).toBe(true);
    expect(tab.pending()).toEqual([]);
    expect(queued).toBe(1);
    expect(changes.at(-1)).toBe(true);
  });

  it('reports a file already in the library instead of adding it twice', async () => {
    const tab = imports();
    const [first] = await tab.importFiles([video('a.mp4', 'same bytes')]);
    const [again] = await tab.importFiles([video('copy of a.mp4', 'same bytes')]);
    expect(again).toEqual({ fileName: 'copy of a.mp4', status: 'duplicate', videoId: first!.videoId, message: 'Already in your library as “a”.' });
    expect(await api.listVideos()).toHaveLength(1);
    expect(tab.pending()).toEqual([]);
  });

  it('writes the copy of a just-deleted file only once the old copy is removed (a re-import reuses its id)', async () => {
    const [first] = await imports().importFiles([video('Again.mp4')]);
    expect(await api.deleteVideo(first!.videoId!)).toBe(true);
    saved.delete(first!.videoId!);
    const removals = makeFileRemovals();
    let finishRemoval!: () => void;
    const removing = removals.run(first!.videoId!, () => new Promise<void>((resolve) => (finishRemoval = resolve)).then(() => void saved.delete(first!.videoId!)));

    const again = imports({ filesRemoved: removals.settled }).importFiles([video('Again.mp4')]);
    await until(async () => (await api.getVideo(first!.videoId!))?.state === 'UPLOADING');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(saved.has(first!.videoId!)).toBe(false); // not copied while the old files are still being removed
    finishRemoval();
    await removing;
    const [outcome] = await again;
    expect(outcome).toMatchObject({ status: 'added', videoId: first!.videoId });
    expect(saved.has(first!.videoId!)).toBe(true); // the removal ran first, so the new copy stays
  });

  it('takes a file deleted a moment ago, whose row is not gone yet, as a new import once the removal is over', async () => {
    const [first] = await imports().importFiles([video('Again.mp4')]);
    const removals = makeFileRemovals();
    let startRemoval!: () => void;
    // The delete has begun (the Library's removal is under way) but has not reached the database yet.
    const removing = removals.run(first!.videoId!, async () => {
      await new Promise<void>((resolve) => (startRemoval = resolve));
      expect(await api.deleteVideo(first!.videoId!)).toBe(true);
      saved.delete(first!.videoId!);
    });
    const again = imports({ filesRemoved: removals.settled }).importFiles([video('Again.mp4')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    startRemoval();
    await removing;
    const [outcome] = await again;
    expect(outcome).toMatchObject({ status: 'added', videoId: first!.videoId });
    expect(saved.has(first!.videoId!)).toBe(true);
    expect(await api.listVideos()).toHaveLength(1);
  });

  it('leaves a video whose copy failed FAILED with why, and keeps its file in this tab for Retry', async () => {
    const tab = imports();
    copy = 'fail';
    const [failed] = await tab.importFiles([video('a.mp4')]);
    expect(failed).toMatchObject({ status: 'failed', message: 'No storage space left', videoId: expect.any(String) });
    expect(await api.getVideo(failed!.videoId!)).toMatchObject({ state: 'FAILED', error: 'No storage space left' });
    expect(tab.holdsFailedFile(failed!.videoId!)).toBe(true);

    copy = 'ok';
    expect(tab.retryFailed(failed!.videoId!)).toBe(true);
    expect(tab.holdsFailedFile(failed!.videoId!)).toBe(false);
    await until(async () => (await api.getVideo(failed!.videoId!))?.state === 'VALIDATING');
    expect(tab.retryFailed(failed!.videoId!)).toBe(false);
  });

  it("keeps an import that stored nothing as a FAILED card of this tab, with the browser's words as details", async () => {
    const tab = imports();
    readable = false;
    const [failed] = await tab.importFiles([video('a.mp4')]);
    expect(failed).toEqual({ fileName: 'a.mp4', status: 'failed', message: 'The file could not be read — was it moved or deleted?' });
    const [card] = tab.pending();
    expect(card).toMatchObject({ error: 'The file could not be read — was it moved or deleted?', errorDetails: 'NotReadableError', progress: 0 });

    readable = true;
    expect(tab.retryUnsaved(card!.cardId)).toBe(true);
    await until(() => tab.pending().length === 0);
    expect(await api.listVideos()).toHaveLength(1);
  });

  it('refuses a file with no room for it and what indexing adds, storing nothing; Retry imports it once there is room', async () => {
    const tab = imports();
    free = 10_000_000;
    const [refused] = await tab.importFiles([video('big.mp4')]);
    expect(refused).toEqual({
      fileName: 'big.mp4',
      status: 'failed',
      message:
        'There is not enough room in this browser’s storage: this video needs about 50 MB (the file and what indexing adds), and 10 MB is free. ' +
        'Remove videos you no longer need, or free space on this device, then try again.',
    });
    expect(await api.listVideos()).toEqual([]);
    expect(saved.size).toBe(0);
    const [card] = tab.pending();
    expect(card).toMatchObject({ error: refused!.message, errorDetails: null });

    free = 500_000_000;
    expect(tab.retryUnsaved(card!.cardId)).toBe(true);
    await until(() => tab.pending().length === 0);
    expect(await api.listVideos()).toHaveLength(1);
  });

  it('counts the room promised to an import still copying, and gives it back when the copy ends', async () => {
    const tab = imports();
    free = 60_000_000; // room for one small file (50 MB with the margin), not two
    copy = 'hold';
    const first = tab.importFiles([video('a.mp4')]);
    await until(() => tab.pending()[0]?.videoId != null);
    const [second] = await tab.importFiles([video('b.mp4')]);
    expect(second).toMatchObject({ status: 'failed', message: expect.stringMatching(/needs about 50 MB .* and 10 MB is free/) });

    tab.cancel(tab.pending()[0]!.videoId!);
    await first;
    copy = 'ok';
    const [third] = await tab.importFiles([video('c.mp4')]);
    expect(third).toMatchObject({ status: 'added' });
  });

  it('fails every import when the database cannot open, with its reason', async () => {
    const tab = imports({ whenOpen: () => Promise.reject(new Error('Heimdex is still open in another tab.')) });
    const [failed] = await tab.importFiles([video('a.mp4')]);
    expect(failed).toMatchObject({ status: 'failed', message: 'Heimdex is still open in another tab.' });
    expect(tab.pending()[0]?.error).toBe('Heimdex is still open in another tab.');
  });

  it('cancels an import during the copy: the video ends FAILED "Cancelled"', async () => {
    const tab = imports();
    copy = 'hold';
    const done = tab.importFiles([video('a.mp4')]);
    await until(() => tab.pending()[0]?.videoId != null);
    const videoId = tab.pending()[0]!.videoId!;
    expect(tab.cancel(videoId)).toBe(true);
    expect(await done).toEqual([{ fileName: 'a.mp4', status: 'failed', videoId, message: 'Cancelled' }]);
    expect(await api.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Cancelled' });
    expect(tab.cancel('00000000-0000-4000-8000-00000000dead')).toBe(false);
  });

  it('removes an import: once it has settled, it says which video to delete (none when nothing was stored)', async () => {
    const tab = imports();
    copy = 'hold';
    const done = tab.importFiles([video('a.mp4')]);
    await until(() => tab.pending()[0]?.videoId != null);
    const { cardId, videoId } = tab.pending()[0]!;
    const removing = tab.remove(cardId);
    expect(tab.pending()).toEqual([]);
    const settled = tab.settled();
    expect(await removing).toBe(videoId);
    await settled;
    expect((await done)[0]).toMatchObject({ status: 'failed', message: 'Cancelled' });
    expect((await api.getVideo(videoId!))?.state).toBe('UPLOADING'); // not marked failed: the library deletes it next

    readable = false;
    await tab.importFiles([video('b.mp4')]);
    expect(await tab.remove(tab.pending()[0]!.cardId)).toBeNull();
    expect(await tab.remove('no-import')).toBe('no-import');
  });
});
