// @vitest-environment node
// The near-duplicate test on real frames: the cutaways fixture's keyframes (a shot, a flash, the same shot, a title
// card, the same shot again), keyframes of different scenes of the other fixtures, and one digit of a caption
// changed on an unchanged background — the case that must never reuse a result.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScenes, chooseKeyframes } from '../media/scenes.ts';
import type { RgbaImage } from './image.ts';
import { analyseKeyframes } from './keyframe-runs.ts';
import { createNearDuplicateReuse, frameSignature, isNearDuplicate, NEAR_DUPLICATE_MAX_DIFF, signatureDistance } from './near-duplicates.ts';
import { decodeWithFfmpeg } from './testing/decode-ffmpeg.ts';

const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/generated');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

interface Truth { cuts: number[]; durationS: number; repeats?: (number | null)[] }
const truth = () => JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as Record<string, Truth>;

/** The keyframes the app takes of a fixture: one per scene, at chooseKeyframes' times, at most 1280 px wide. */
function keyframes(name: string): RgbaImage[] {
  const { cuts, durationS } = truth()[name]!;
  return chooseKeyframes(buildScenes(cuts, durationS)).map((t) => decodeWithFfmpeg(['-ss', String(t), '-i', join(FIXTURES, name)], "scale='min(1280,iw)':-2"));
}

/** A caption on a fixed gradient: only the text differs between two calls. */
function caption(text: string, size: number): RgbaImage {
  return decodeWithFfmpeg(['-f', 'lavfi', '-i', 'gradients=size=1280x720:c0=0x1e3a8a:c1=0x0f766e:seed=11'],
    `drawtext=fontfile=${FONT}:text='${text}':x=200:y=300:fontsize=${size}:fontcolor=white`);
}

describe('near-duplicate keyframes', () => {
  it('has the fixtures (run `npm run fixtures`)', () => {
    expect(existsSync(join(FIXTURES, 'cutaways.mp4'))).toBe(true);
  });

  it('finds the repeated shots of the cutaways fixture, and only those', () => {
    const signatures = keyframes('cutaways.mp4').map(frameSignature);
    const repeats = truth()['cutaways.mp4']!.repeats!;
    signatures.forEach((signature, i) => {
      const earlier = signatures.slice(0, i).findIndex((s) => isNearDuplicate(s, signature));
      expect(earlier === -1 ? null : earlier, `keyframe ${i}`).toBe(repeats[i]);
    });
  });

  it.each(['bench-720p-60s.mp4', 'faces-text.mp4', 'cuts-a.mp4', 'cuts-b.mp4'])('keeps every scene of %s apart', (name) => {
    const signatures = keyframes(name).map(frameSignature);
    for (let i = 1; i < signatures.length; i++) {
      expect(signatureDistance(signatures[i - 1]!, signatures[i]!), `${name} scenes ${i} and ${i + 1}`).toBeGreaterThan(4 * NEAR_DUPLICATE_MAX_DIFF);
    }
  });

  it.each([40, 20, 14, 12])('keeps apart two captions that differ by one digit (%i px text)', (size) => {
    const a = frameSignature(caption('Invoice 4471 is overdue', size));
    const b = frameSignature(caption('Invoice 4477 is overdue', size));
    expect(signatureDistance(a, a)).toBe(0);
    expect(signatureDistance(a, b)).toBeGreaterThan(NEAR_DUPLICATE_MAX_DIFF);
  });

  it('never compares frames of different sizes', () => {
    const small = decodeWithFfmpeg(['-f', 'lavfi', '-i', 'color=c=gray:size=640x360']);
    const large = decodeWithFfmpeg(['-f', 'lavfi', '-i', 'color=c=gray:size=1280x720']);
    expect(isNearDuplicate(frameSignature(small), frameSignature(large))).toBe(false);
  });
});

describe('createNearDuplicateReuse', () => {
  const frames = keyframes('cutaways.mp4'); // A, A, B, A

  it('analyses each shot once and gives the repeats copies of its result', async () => {
    const reuse = createNearDuplicateReuse<{ text: string }>((r) => ({ ...r }));
    const analysed: number[] = [];
    const results = [];
    for (const frame of frames) {
      results.push(await reuse.next(frame, async () => {
        analysed.push(frames.indexOf(frame));
        return { text: `result of keyframe ${frames.indexOf(frame)}` };
      }));
    }
    expect(analysed).toEqual([0, 2]);
    expect(reuse.reused).toBe(2);
    expect(results.map((r) => r.text)).toEqual(['result of keyframe 0', 'result of keyframe 0', 'result of keyframe 2', 'result of keyframe 0']);
    expect(results[1]).not.toBe(results[0]); // a copy: one scene's rows never share an object with another's
  });

  it('only looks back as far as it is told', async () => {
    const reuse = createNearDuplicateReuse<number>((r) => r, 1);
    let runs = 0;
    for (const frame of frames) await reuse.next(frame, async () => ++runs);
    expect(runs).toBe(3); // A, B, and A again: B came between
    expect(reuse.reused).toBe(1);
  });
});

describe('analyseKeyframes in batches', () => {
  const frames = keyframes('cutaways.mp4'); // A, A, B, A
  const asIs = async (img: RgbaImage) => img;
  const run = (task: 'ocr' | 'faces', batch: RgbaImage[], continues: boolean, analysed: number[]) =>
    analyseKeyframes(task, batch, asIs, async (img) => (analysed.push(frames.indexOf(img)), frames.indexOf(img)), (r) => r, { continues });

  it('finds the same repeats over two batches as in one call when the second continues the first', async () => {
    const analysed: number[] = [];
    const first = await run('ocr', frames.slice(0, 2), false, analysed);
    await run('faces', frames.slice(2), false, []); // another task between the batches does not break the run
    const second = await run('ocr', frames.slice(2), true, analysed);
    expect(analysed).toEqual([0, 2]);
    expect([...first.results, ...second.results]).toEqual([0, 0, 2, 0]);
    expect([first.work, second.work]).toEqual([{ analysed: 1, reused: 1 }, { analysed: 1, reused: 1 }]);
  });

  it('starts afresh when a call does not continue: the first frame of a new video is always analysed', async () => {
    const analysed: number[] = [];
    await run('ocr', frames.slice(0, 2), false, analysed);
    const next = await run('ocr', frames.slice(3), false, analysed);
    expect(analysed).toEqual([0, 3]);
    expect(next.work).toEqual({ analysed: 1, reused: 0 });
  });
});
