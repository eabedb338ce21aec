// @vitest-environment node
// The app's stages through the real runner and a real PGlite. ffmpeg.wasm cannot run in Node, so
// the media worker is replaced by a small stand-in that answers like it (its own behaviour is
// tested in the browser suite); validation, scene building, keyframes and every write are real.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from '../db/api.ts';
import { openTestDatabase } from '../db/testing.ts';
import { MediaError, type ProbeInfo } from '../media/types.ts';
import { STORAGE_FULL_MESSAGE, storageFull } from '../storage-full.ts';
import { createRunner, type Runner } from './runner.ts';
import { FINALIZE_STAGE, KEYFRAME_BATCH, MEDIA_STAGES, type MediaStageContext } from './stages.ts';

const STAGES = [...MEDIA_STAGES, FINALIZE_STAGE];
const STAGE_NAMES = STAGES.map((s) => s.stage);

const VIDEO: ProbeInfo = { durationS: 12, width: 1280, height: 720, fps: 25, videoCodec: 'h264', audioCodec: 'aac', container: 'mov,mp4,m4a,3gp,3g2,mj2' };

type Media = MediaStageContext['media'];

interface StandIn {
  media: Media;
  /** What the runner calls on cancel: like MediaClient.abort(), rejects the call in flight. */
  abort(): void;
  /** Lets a hanging stand-in call learn of abort(). */
  onAbort(hook: () => void): void;
}

function standInMedia(overrides: Partial<Media> = {}): StandIn {
  const hooks: (() => void)[] = [];
  const media: Media = {
    probe: async () => VIDEO,
    detectCuts: async (_file, _info, onProgress) => {
      onProgress?.(0.5);
      onProgress?.(1);
      return [4.2, 8.1];
    },
    // No still picture changes unless a test says so (the real search for them is tested in still-changes.test.ts).
    findStillChanges: async () => ({ changesS: [], framesDecoded: 0, framesRecorded: 0, recordedBytes: 0 }),
    extractKeyframes: async (_file, times) =>
      times.map((t) => ({ thumbnail: new Uint8Array([0xff, 0xd8, Math.round(t)]), frame: new Uint8Array([0xff, 0xd8, 100 + Math.round(t)]) })),
    // The audio arrives window by window: 10 s, then the last 2 s.
    streamAudio: async (_file, onChunk) => {
      await onChunk(new Float32Array(16_000 * 10));
      await onChunk(new Float32Array(16_000 * 2));
      return 16_000 * 12;
    },
    ...overrides,
  };
  return { media, abort: () => hooks.splice(0).forEach((hook) => hook()), onAbort: (hook) => void hooks.push(hook) };
}

let pg: PGlite;
let db: DbApi;
let runner: Runner | undefined;
/** Per video, the sizes of the audio chunks written to a file that was then closed (aborted files leave nothing). */
const savedAudio = new Map<string, number[]>();
const savedKeyframes = new Map<string, { idx: number; jpeg: Uint8Array }[]>();
/** What the stand-ins were asked to do, in order ("decode 32", "save 32", …). */
const events: string[] = [];

beforeEach(async () => {
  pg = await openTestDatabase();
  db = makeDbApi(pg);
  savedAudio.clear();
  savedKeyframes.clear();
  events.length = 0;
});
afterEach(async () => {
  await runner?.stop();
  await pg.close();
});

function run({ media, abort }: StandIn, bytes = 1000, audioWriter?: MediaStageContext['writeAudio']) {
  runner = createRunner<MediaStageContext>({
    db,
    stages: STAGES,
    prepare: async (stageRun) => ({
      ...stageRun,
      file: new File([new Uint8Array(bytes)], 'clip.mp4', { type: 'video/mp4' }),
      media,
      reads: db,
      writeAudio: audioWriter ?? (async (videoId) => {
        const chunks: number[] = [];
        return {
          write: async (pcm) => void chunks.push(pcm.length),
          close: async () => void savedAudio.set(videoId, chunks),
          abort: async () => undefined,
        };
      }),
      saveKeyframes: async (videoId, frames) => {
        events.push(`save ${frames.length}`);
        savedKeyframes.set(videoId, [...(savedKeyframes.get(videoId) ?? []), ...frames]);
      },
    }),
    abortWork: abort,
  });
  runner.start();
  return runner;
}

/** The scenes' thumbnails, by scene (the Video page reads them as its strip shows the scenes). */
async function thumbnailsOf(scenes: { sceneId: string }[]): Promise<Map<string, Uint8Array>> {
  return new Map((await db.sceneThumbnails(scenes.map((s) => s.sceneId))).map((r) => [r.sceneId, r.thumbnail]));
}

async function importVideo(sha = 'sha'): Promise<string> {
  const { videoId } = await db.createVideo({ title: 'Clip', fileName: 'clip.mp4', sizeBytes: 1000, mime: 'video/mp4', contentSha256: sha });
  await db.queueVideo(videoId, STAGE_NAMES);
  return videoId;
}

describe('media stages', () => {
  it('work on the file in order: validate, audio, scenes, keyframes, thumbnails', () => {
    expect(MEDIA_STAGES.map((s) => s.stage)).toEqual(['UPLOAD_VALIDATE', 'AUDIO_EXTRACT', 'SCENE_DETECT', 'KEYFRAMES', 'THUMBNAILS']);
  });

  it('index a video: probe stored, audio saved, scenes from the cuts, keyframes inside them, thumbnails', async () => {
    const videoId = await importVideo();
    await run(standInMedia()).settled();

    expect(await db.getVideo(videoId)).toMatchObject({ state: 'INDEXED', durationS: 12, width: 1280, height: 720, fps: 25, error: null });
    expect(await db.getProbe(videoId)).toEqual(VIDEO);
    expect(savedAudio.get(videoId)).toEqual([16_000 * 10, 16_000 * 2]);
    const scenes = await db.listScenes(videoId);
    expect(scenes.map((s) => [s.startS, s.endS])).toEqual([
      [0, 4.2],
      [4.2, 8.1],
      [8.1, 12],
    ]);
    const thumbnails = await thumbnailsOf(scenes);
    for (const s of scenes) {
      expect(s.keyframeS).toBeGreaterThan(s.startS);
      expect(s.keyframeS).toBeLessThan(s.endS);
      expect(thumbnails.get(s.sceneId)).toEqual(new Uint8Array([0xff, 0xd8, Math.round(s.keyframeS!)]));
      // The analysis-size keyframe of the same instant is kept for the model stages.
      expect(savedKeyframes.get(videoId)?.find((f) => f.idx === s.idx)?.jpeg).toEqual(new Uint8Array([0xff, 0xd8, 100 + Math.round(s.keyframeS!)]));
    }
  });

  it('decode and store the keyframes of a long video in batches, each stored before the next is decoded', async () => {
    const videoId = await importVideo();
    const durationS = 400;
    const cuts = Array.from({ length: 79 }, (_, i) => (i + 1) * 5); // 80 scenes
    await run(
      standInMedia({
        probe: async () => ({ ...VIDEO, durationS }),
        detectCuts: async () => cuts,
        extractKeyframes: async (_file, times) => {
          events.push(`decode ${times.length}`);
          return times.map((t) => ({ thumbnail: new Uint8Array([1, Math.round(t)]), frame: new Uint8Array([2, Math.round(t)]) }));
        },
      }),
    ).settled();
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
    const rest = 80 - 2 * KEYFRAME_BATCH;
    expect(events).toEqual([`decode ${KEYFRAME_BATCH}`, `save ${KEYFRAME_BATCH}`, `decode ${KEYFRAME_BATCH}`, `save ${KEYFRAME_BATCH}`, `decode ${rest}`, `save ${rest}`]);
    const scenes = await db.listScenes(videoId);
    expect(scenes).toHaveLength(80);
    const thumbnails = await thumbnailsOf(scenes);
    for (const s of scenes) {
      expect(thumbnails.get(s.sceneId)).toEqual(new Uint8Array([1, Math.round(s.keyframeS!)]));
      expect(savedKeyframes.get(videoId)?.find((f) => f.idx === s.idx)?.jpeg).toEqual(new Uint8Array([2, Math.round(s.keyframeS!)]));
    }
  });

  it('fail the audio stage in one sentence when storage fills up while the audio is written, leaving no file', async () => {
    const videoId = await importVideo();
    let aborted = false;
    await run(standInMedia(), 1000, async () => ({
      write: async () => {
        throw storageFull();
      },
      close: async () => undefined,
      abort: async () => void (aborted = true),
    })).settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: STORAGE_FULL_MESSAGE });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'AUDIO_EXTRACT')?.state).toBe('FAILED');
    expect(aborted).toBe(true);
  });

  it('split a scene where a still picture changes in a detail the cut detector missed', async () => {
    const videoId = await importVideo();
    let asked: { startS: number; endS: number }[] = [];
    await run(
      standInMedia({
        findStillChanges: async (_file, _info, scenes) => {
          asked = scenes.map(({ startS, endS }) => ({ startS, endS }));
          return { changesS: [10], framesDecoded: 7, framesRecorded: 0, recordedBytes: 0 };
        },
      }),
    ).settled();
    // It is asked about the scenes the cuts make, and its change becomes one more boundary.
    expect(asked).toEqual([{ startS: 0, endS: 4.2 }, { startS: 4.2, endS: 8.1 }, { startS: 8.1, endS: 12 }]);
    const scenes = await db.listScenes(videoId);
    expect(scenes.map((s) => [s.startS, s.endS])).toEqual([
      [0, 4.2],
      [4.2, 8.1],
      [8.1, 10],
      [10, 12],
    ]);
    expect(scenes[3]!.keyframeS).toBeGreaterThan(10);
    expect(savedKeyframes.get(videoId)).toHaveLength(4);
  });

  it('keep the detected cuts when a probe frame for still changes cannot be taken', async () => {
    const videoId = await importVideo();
    await run(
      standInMedia({
        findStillChanges: async () => {
          throw new MediaError('unreadable', 'The video could not be decoded — the file may be damaged.');
        },
      }),
    ).settled();
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
    expect((await db.listScenes(videoId)).map((s) => [s.startS, s.endS])).toEqual([
      [0, 4.2],
      [4.2, 8.1],
      [8.1, 12],
    ]);
  });

  it('skip audio for a video without sound', async () => {
    const videoId = await importVideo();
    await run(standInMedia({ probe: async () => ({ ...VIDEO, audioCodec: null }) })).settled();
    expect((await db.getVideo(videoId))?.state).toBe('INDEXED');
    expect(savedAudio.has(videoId)).toBe(false);
  });

  it('fail validation of an audio-only file with a clear message, and carry on with the next video', async () => {
    const audioOnly = await importVideo('a');
    const good = await importVideo('b');
    let calls = 0;
    const media = standInMedia({
      probe: async () => (++calls === 1 ? { ...VIDEO, videoCodec: '', width: 0, height: 0 } : VIDEO),
    });
    await run(media).settled();
    expect(await db.getVideo(audioOnly)).toMatchObject({ state: 'FAILED', error: 'No video stream: this file has only audio.' });
    expect((await db.listStages(audioOnly)).find((j) => j.stage === 'UPLOAD_VALIDATE')?.state).toBe('FAILED');
    expect((await db.getVideo(good))?.state).toBe('INDEXED');
  });

  it('report the media worker’s message for a file it cannot read', async () => {
    const videoId = await importVideo();
    const media = standInMedia({
      probe: async () => {
        throw new MediaError('unreadable', 'This video file is incomplete.', 'Its index (moov atom) is missing.');
      },
    });
    await run(media).settled();
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'This video file is incomplete.' });
    // A bad file: the jargon waits behind "Show details", and retrying cannot help.
    expect((await db.listStages(videoId)).find((j) => j.stage === 'UPLOAD_VALIDATE')).toMatchObject({
      state: 'FAILED',
      details: 'Its index (moov atom) is missing.',
      retryable: false,
    });
  });

  it('cancel stops the media call and leaves the stage CANCELLED', async () => {
    const videoId = await importVideo();
    let started!: () => void;
    const detecting = new Promise<void>((resolve) => (started = resolve));
    const standIn: StandIn = standInMedia({
      detectCuts: () =>
        new Promise((_, reject) => {
          standIn.onAbort(() => reject(new MediaError('aborted', 'Cancelled.')));
          started();
        }),
    });
    const r = run(standIn);
    await detecting;
    await r.cancel(videoId);
    expect(await db.getVideo(videoId)).toMatchObject({ state: 'FAILED', error: 'Cancelled' });
    expect((await db.listStages(videoId)).find((j) => j.stage === 'SCENE_DETECT')?.state).toBe('CANCELLED');
  });
});
