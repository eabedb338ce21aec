// @vitest-environment node
// What stages write, on a real in-memory PGlite: a re-run replaces the rows of the run before, and a result for a
// scene that does not exist fails the whole completion.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDbApi, type DbApi } from './api.ts';
import { openTestDatabase } from './testing.ts';
import { STAGES, threeScenes, videoSteps } from './testing-steps.ts';

let pg: PGlite;
let api: DbApi;
const { importVideo, runThroughScenes, claimAndComplete, jobStates } = videoSteps(() => api);

beforeEach(async () => {
  pg = await openTestDatabase();
  api = makeDbApi(pg);
});
afterEach(async () => {
  await pg.close();
});

describe('stage writes', () => {
  it('SCENE_DETECT replaces the scenes: a re-run never duplicates rows', async () => {
    const videoId = await importVideo('sha-2');
    await runThroughScenes(videoId);
    await pg.query(`update jobs set state = 'RUNNING' where video_id = $1 and stage = 'SCENE_DETECT'`, [videoId]);
    await api.completeStage(videoId, 'SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes: threeScenes.slice(0, 2) }] });
    expect((await api.listScenes(videoId)).map((s) => s.idx)).toEqual([0, 1]);
  });

  it('a write for a scene that does not exist fails the whole completion', async () => {
    const videoId = await importVideo('sha-4');
    await runThroughScenes(videoId);
    await api.startStage(videoId, 'KEYFRAMES');
    await expect(
      api.completeStage(videoId, 'KEYFRAMES', {
        outcome: 'done',
        writes: [{ kind: 'keyframes', keyframes: [{ idx: 0, keyframeS: 1 }, { idx: 7, keyframeS: 30 }] }],
      }),
    ).rejects.toThrow(/scene 7/);
    expect((await api.listScenes(videoId))[0]?.keyframeS).toBeNull();
    expect((await jobStates(videoId)).KEYFRAMES).toBe('RUNNING');
  });

  it('a transcript replaces the segments and scene texts of the run before, and records the language', async () => {
    const videoId = await importVideo('sha-t', 'Talk', [...STAGES.slice(0, 3), 'ASR_FAST', 'FINALIZE']);
    await runThroughScenes(videoId);
    await claimAndComplete(videoId, 'ASR_FAST', {
      outcome: 'done',
      writes: [
        {
          kind: 'transcript',
          language: 'en',
          segments: [
            { startS: 0, endS: 3, text: 'hello there' },
            { startS: 5, endS: 7, text: 'second scene' },
          ],
          sceneTexts: [
            { idx: 0, text: 'hello there' },
            { idx: 1, text: 'second scene' },
          ],
        },
      ],
    });
    await pg.query(`update jobs set state = 'RUNNING' where video_id = $1 and stage = 'ASR_FAST'`, [videoId]);
    await api.completeStage(videoId, 'ASR_FAST', {
      outcome: 'done',
      writes: [{ kind: 'transcript', language: 'de', segments: [{ startS: 0, endS: 3, text: 'hallo' }], sceneTexts: [{ idx: 0, text: 'hallo' }] }],
    });
    expect((await api.listScenes(videoId)).map((s) => s.transcript)).toEqual(['hallo', '', '']);
    const segments = await pg.query('select start_s, end_s, text from transcript_segments where video_id = $1', [videoId]);
    expect(segments.rows).toEqual([{ start_s: 0, end_s: 3, text: 'hallo' }]);
    const video = await pg.query(`select metadata ->> 'language' as language from videos where video_id = $1`, [videoId]);
    expect(video.rows).toEqual([{ language: 'de' }]);
  });
});
