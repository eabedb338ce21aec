// @vitest-environment node
// People from real face-api descriptors: the sample photos that ship in @vladmandic/face-api (decoded
// by Debian ffmpeg, detected by the real models on tfjs WASM, as faces.test.ts does) become two
// videos. The second shows the same women in edited copies (brighter, smaller), in another order:
// grouping must find the 7 women of the first video again and make no one new.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { JobStage } from '@heimdex/shared-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../ml/image.ts';
import { FACE_MODEL_ID } from '../ml/faces/engine.ts';
import { loadFacesInNode } from '../ml/faces/node.ts';
import type { DetectedFace } from '../ml/faces/types.ts';
import { makeDbApi, type DbApi, LOCAL_USER_ID } from './api.ts';
import { makePeopleRepo } from './people.ts';
import type { SceneFace } from './stage-writes.ts';
import { openTestDatabase } from './testing.ts';

const require = createRequire(import.meta.url);
const SAMPLES = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'FACE_DETECT', 'FACE_EMBED', 'FINALIZE'];
const probe = { durationS: 8, width: 1280, height: 720, fps: 25, videoCodec: 'h264', audioCodec: null, container: 'mp4' };

/** A photo decoded to RGBA through an optional ffmpeg filter (ffmpeg writes a PAM, whose header has the size). */
function decode(path: string, filter?: string): RgbaImage {
  const args = ['-v', 'error', '-i', path, ...(filter ? ['-vf', filter] : []), '-frames:v', '1', '-pix_fmt', 'rgba', '-c:v', 'pam', '-f', 'image2pipe', '-'];
  const pam = execFileSync('ffmpeg', args, { maxBuffer: 1 << 28 });
  const headerEnd = pam.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
  const header = pam.subarray(0, headerEnd).toString('latin1');
  const field = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(header)?.[1]);
  const data = pam.subarray(headerEnd);
  return { width: field('WIDTH'), height: field('HEIGHT'), data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

let pg: PGlite;
let api: DbApi;
const detected = new Map<string, DetectedFace[]>();

beforeAll(async () => {
  // Node has no OffscreenCanvas to make JPEGs: a few bytes stand in for the crop.
  const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) });
  const shots: [string, string, string?][] = [
    ['sample1', 'sample1.jpg'],
    ['sample4', 'sample4.jpg'],
    ['sample4 brighter', 'sample4.jpg', 'eq=brightness=0.12'],
    ['sample1 smaller', 'sample1.jpg', 'scale=iw*0.75:-2'],
  ];
  for (const [name, file, filter] of shots) detected.set(name, await engine.detect(decode(join(SAMPLES, file), filter)));
  pg = await openTestDatabase();
  api = makeDbApi(pg);
}, 120_000);
afterAll(async () => {
  await pg?.close();
});

async function indexVideo(title: string, shots: string[]): Promise<string> {
  const created = await api.createVideo({ title, fileName: `${title}.mp4`, sizeBytes: 1, mime: 'video/mp4', contentSha256: title });
  const videoId = created.videoId;
  await api.queueVideo(videoId, STAGES);
  const complete = async (stage: JobStage, writes: Parameters<DbApi['completeStage']>[2]['writes']) => {
    await api.startStage(videoId, stage);
    expect(await api.completeStage(videoId, stage, { outcome: 'done', writes })).toBe(true);
  };
  await complete('UPLOAD_VALIDATE', [{ kind: 'probe', probe }]);
  await complete('SCENE_DETECT', [{ kind: 'scenes', scenes: shots.map((_, idx) => ({ idx, startS: idx * 4, endS: idx * 4 + 4 })) }]);
  const faces: SceneFace[] = shots.flatMap((shot, idx) =>
    detected.get(shot)!.map((f) => ({ idx, box: f.box, score: f.score, descriptor: f.descriptor, crop: f.crop })),
  );
  await complete('FACE_DETECT', [{ kind: 'faces', modelId: FACE_MODEL_ID, faces }]);
  await complete('FACE_EMBED', [{ kind: 'people' }]);
  await complete('FINALIZE', []);
  return videoId;
}

describe('people from real face-api descriptors', () => {
  it('finds the same women again in another video and keeps different women apart', async () => {
    expect(detected.get('sample1')).toHaveLength(3);
    expect(detected.get('sample4')).toHaveLength(4);
    const people = makePeopleRepo(pg, LOCAL_USER_ID);

    await indexVideo('first', ['sample1', 'sample4']);
    const first = await people.listPeople();
    expect(first).toHaveLength(7);
    expect(first.every((p) => p.faceCount === 1 && p.sceneCount === 1)).toBe(true);

    const refound = detected.get('sample4 brighter')!.length + detected.get('sample1 smaller')!.length;
    expect(refound).toBeGreaterThanOrEqual(6);
    await indexVideo('second', ['sample4 brighter', 'sample1 smaller']);
    const second = await people.listPeople();
    expect(second.map((p) => p.personId).sort()).toEqual(first.map((p) => p.personId).sort());
    expect(second.reduce((sum, p) => sum + p.faceCount, 0)).toBe(7 + refound);
    // Each woman found again is in one scene of each video, never twice in one.
    for (const person of second) {
      const detail = (await people.getPerson(person.personId))!;
      const seen = detail.faces.map((f) => `${f.videoTitle}#${f.sceneIdx}`);
      expect(new Set(seen).size).toBe(seen.length);
      expect(person.videoCount).toBe(detail.faces.length);
    }
  }, 60_000);
});
