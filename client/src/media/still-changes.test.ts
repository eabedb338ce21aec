// @vitest-environment node
// The search for cuts between two stills that differ in a detail, on real pixels: pictures rendered by Debian ffmpeg
// (drawtext, as the fixtures are made) and frames of the dev corpus's eval-hard.mp4, decoded at the probe times
// as the media worker decodes them (analysis size, at most 1280 px wide).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameSignature, type FrameSignature } from '../ml/near-duplicates.ts';
import { decodeWithFfmpeg } from '../ml/testing/decode-ffmpeg.ts';
import { buildScenes } from './scenes.ts';
import { LOCATE_PRECISION_S, locateStillChanges, MIN_PROBED_SCENE_S, MOVING_PROBES, probeTimes, type FrameSampler, type FrameWindow } from './still-changes.ts';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf';
const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/generated');
const EVAL_HARD = join(FIXTURES, 'eval/videos/eval-hard.mp4');

/** A dark board whose one line of text (30 px, like the corpus's gate line) and background come from `at(t)`. */
function rendered(at: (timeS: number) => { text: string; x?: number; background?: string }): FrameSampler & { times: number[] } {
  const times: number[] = [];
  const sampler = async (timeS: number): Promise<FrameSignature> => {
    times.push(timeS);
    const { text, x = 80, background = '0x111827' } = at(timeS);
    return frameSignature(
      decodeWithFfmpeg(['-f', 'lavfi', '-i', `color=c=${background}:size=1280x720`],
        `drawtext=fontfile=${FONT}:text='${text}':x=${x}:y=220:fontsize=30:fontcolor=white`),
    );
  };
  return Object.assign(sampler, { times });
}

/** Frames of a video file at the sampler's times, as the app's keyframes are taken. */
function fromVideo(path: string): FrameSampler & { times: number[] } {
  const times: number[] = [];
  const sampler = async (timeS: number) => {
    times.push(timeS);
    return frameSignature(decodeWithFfmpeg(['-ss', timeS.toFixed(3), '-i', path], "scale='min(1280,iw)':-2"));
  };
  return Object.assign(sampler, { times });
}

describe('probe times', () => {
  it('spreads probes at most 2 s apart inside long scenes, and leaves short ones alone', () => {
    expect(probeTimes({ idx: 0, startS: 8, endS: 16 })).toEqual([8.3, 10.15, 12, 13.85, 15.7]);
    expect(probeTimes({ idx: 0, startS: 0, endS: MIN_PROBED_SCENE_S - 0.01 })).toEqual([]);
    expect(probeTimes({ idx: 0, startS: 0, endS: 4 })).toEqual([]);
  });

  it('keeps the last probe more than a frame from the end at a low frame rate', () => {
    // 25 fps: the keyframe margin is already over a frame.
    expect(probeTimes({ idx: 0, startS: 8, endS: 16 }, 2, 1 / 25)).toEqual([8.3, 10.15, 12, 13.85, 15.7]);
    // 2 fps: the frame at or after 15.7 would be the next scene's first (16.0).
    expect(probeTimes({ idx: 0, startS: 8, endS: 16 }, 2, 0.5).at(-1)).toBe(15.25);
  });
});

describe('still changes', () => {
  it('finds a gate number that changes on an unchanged board, to within the locating precision, late rather than early', async () => {
    const sample = rendered((t) => ({ text: t < 12.5 ? 'Gate B12 boarding' : 'Gate B14 boarding' }));
    const [change, ...rest] = await locateStillChanges([{ idx: 0, startS: 8, endS: 16 }], sample);
    expect(rest).toEqual([]);
    expect(change).toBeGreaterThanOrEqual(12.5);
    expect(change! - 12.5).toBeLessThanOrEqual(LOCATE_PRECISION_S);
    // 5 probes, then a few bisection steps: never a frame per second of video.
    expect(sample.times.length).toBeLessThanOrEqual(5 + 4);
  });

  it('costs two frames on a still scene and nothing on a short one', async () => {
    const sample = rendered(() => ({ text: 'Gate B12 boarding' }));
    expect(await locateStillChanges([{ idx: 0, startS: 0, endS: 3 }, { idx: 1, startS: 3, endS: 30 }], sample)).toEqual([]);
    expect(sample.times).toHaveLength(2);
  });

  it('never splits a moving scene, and stops probing it once it keeps moving', async () => {
    // A label drifting right, like the corpus's label over moving video: every probe differs from the one before.
    const sample = rendered((t) => ({ text: 'LIVE TRAFFIC UPDATE', x: Math.round(100 + 60 * t) }));
    expect(await locateStillChanges([{ idx: 0, startS: 0, endS: 20 }], sample)).toEqual([]);
    expect(sample.times.length).toBeLessThanOrEqual(2 + MOVING_PROBES);
  });

  it('does not take a drift that speeds up for a moment for a change between two stills', async () => {
    // The background brightens slowly (near-duplicate probes), then faster for one interval (the probes differ by
    // more than the threshold), then slowly again: probes look still / changed / still, but frames a moment apart
    // are near-duplicates, so there is no step to cut at.
    const level = (t: number) => Math.round(40 + 5 * t + (t > 5 ? 20 * Math.min(t - 5, 1.5) : 0));
    const sample = rendered((t) => ({ text: 'Gate B12 boarding', background: `0x${level(t).toString(16).padStart(2, '0').repeat(3)}` }));
    expect(await locateStillChanges([{ idx: 0, startS: 0, endS: 10 }], sample)).toEqual([]);
  });

  it('cuts eval-hard.mp4’s two departure boards apart and leaves its other scenes whole', async (context) => {
    if (!existsSync(EVAL_HARD)) return context.skip('⚠️ eval-hard.mp4 missing: run `npm run fixtures`');
    // The scenes the cut detector gives it: 4 s each, the two boards (8–12 s B12, 12–16 s B14) as one.
    const scenes = buildScenes([4, 8, 16, 20, 24], 28);
    const sample = fromVideo(EVAL_HARD);
    const changes = await locateStillChanges(scenes, sample);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toBeGreaterThanOrEqual(12);
    expect(changes[0]! - 12).toBeLessThanOrEqual(LOCATE_PRECISION_S);
    // Only the 8 s scene is long enough to be probed.
    expect(sample.times.every((t) => t > 8 && t < 16)).toBe(true);
    console.info(`eval-hard.mp4: ${sample.times.length} probe frames for 28 s of video`);
  });

  it('costs two frames on each still scene of a 2 fps video (the long-file fixture)', async (context) => {
    const path = join(FIXTURES, 'long-1m.mp4');
    if (!existsSync(path)) return context.skip('⚠️ long-1m.mp4 missing: run `npm run fixtures`');
    // A moving test pattern, colour bars, a plain colour: 20 s each, at 2 frames a second.
    const sample = fromVideo(path);
    expect(await locateStillChanges(buildScenes([20, 40], 60), sample, { frameIntervalS: 0.5 })).toEqual([]);
    expect(sample.times.filter((t) => t > 20)).toHaveLength(2 + 2);
    expect(sample.times.length).toBeLessThanOrEqual(2 + MOVING_PROBES + 2 + 2);
  });

  it('finds nothing in the fixtures, whose scenes hold no such change, at a small cost per minute', async () => {
    const truth = JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as Record<string, { cuts?: number[]; durationS?: number }>;
    let frames = 0;
    let seconds = 0;
    for (const [name, { cuts, durationS }] of Object.entries(truth)) {
      if (!cuts || !durationS || !existsSync(join(FIXTURES, name))) continue;
      const sample = fromVideo(join(FIXTURES, name));
      expect(await locateStillChanges(buildScenes(cuts, durationS), sample), name).toEqual([]);
      frames += sample.times.length;
      seconds += durationS;
    }
    expect(seconds).toBeGreaterThan(60);
    console.info(`fixtures: ${frames} probe frames for ${seconds} s of video (${((frames * 60) / seconds).toFixed(1)} a minute)`);
  });
});

describe('still changes with kept frames', () => {
  /**
   * A sampler like the media worker's on the WebCodecs path: frames kept every second answer inside their window (a
   * kept frame shows its picture 30 levels brighter than a decoded one, as two decoders may), the rest is decoded at
   * the time asked. `level(t)`: the picture's level at t.
   */
  function keptEverySecond(level: (timeS: number) => number): FrameSampler & { decoded: number[] } {
    const decoded: number[] = [];
    const flat = (value: number) => ({ width: 64, height: 36, columns: 64, rows: 36, means: new Float32Array(64 * 36 * 3).fill(value) });
    const sampler = async (timeS: number, { fromS, beforeS }: FrameWindow) => {
      const after = Math.ceil(timeS - 1e-9);
      const before = Math.ceil(timeS - 1e-9) - 1;
      const keptS = after < beforeS ? after : before >= fromS ? before : null;
      if (keptS !== null) return { ...flat(level(keptS) + 30), shownAtS: keptS };
      decoded.push(timeS);
      return flat(level(timeS));
    };
    return Object.assign(sampler, { decoded });
  }

  it('compares a kept frame with a decoded one only after decoding it too, so a step is still found, late by at most the precision', async () => {
    const sample = keptEverySecond((t) => (t < 5.1 ? 0 : 40));
    const [change, ...rest] = await locateStillChanges([{ idx: 0, startS: 0, endS: 10 }], sample);
    expect(rest).toEqual([]);
    expect(change).toBeGreaterThanOrEqual(5.1);
    expect(change! - 5.1).toBeLessThanOrEqual(LOCATE_PRECISION_S);
    // The probes came from the kept frames; only the bisection inside the second that holds the step decoded frames.
    expect(sample.decoded.every((t) => t >= 5 && t <= 6)).toBe(true);
  });

  it('takes no drift for a step because a kept frame and a decoded one differ', async () => {
    // 4 levels a second: probes 2 s apart are near-duplicates, so is every frame with its neighbours.
    const sample = keptEverySecond((t) => Math.round(4 * t));
    expect(await locateStillChanges([{ idx: 0, startS: 0, endS: 20 }], sample)).toEqual([]);
  });
});
