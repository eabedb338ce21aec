// @vitest-environment node
/**
 * face-api with its real models on tfjs WASM (the Node build, through the same engine code as the browser) over the
 * six photos that ship in @vladmandic/face-api, decoded to RGBA by Debian ffmpeg. Truth, counted by eye: sample1…6
 * show 3, 3, 3, 4, 5 and 4 faces, 22 different women. ffmpeg-edited copies (scale, crop, brightness, mirror,
 * rotation, blur + heavy JPEG) give same-face pairs; the 22 originals give 231 different-person pairs. Together they
 * check, and print, the data FACE_MATCH_THRESHOLD was calibrated on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { decodeWithFfmpeg } from '../testing/decode-ffmpeg.ts';
import { faceDistance, FACE_MATCH_THRESHOLD } from './distance.ts';
import { MIN_FACE_PX, MIN_FACE_SCORE, PHOTO_FACE_SCORE } from './engine.ts';
import { loadFacesInNode } from './node.ts';
import { CROP_SIZE } from './pixels.ts';
import type { DetectedFace, FaceBox, FaceEngine } from './types.ts';

const require = createRequire(import.meta.url);
const SAMPLES = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const EXPECTED_FACES = [3, 3, 3, 4, 5, 4];

const decode = decodeWithFfmpeg;
const file = (path: string) => ['-i', path];

interface Edit {
  name: string;
  filter: string;
  /** ffmpeg's -q:v for the edited JPEG (2 = best, 31 = worst). */
  jpegQ?: number;
  /** Where a face box of the original lands in the edited copy. */
  moveBox(box: FaceBox, width: number, height: number): FaceBox;
}
const unmoved = (box: FaceBox) => box;
const rotated = (degrees: number) => (b: FaceBox, width: number, height: number) => {
  const a = (degrees * Math.PI) / 180;
  const cx = b.x + b.w / 2 - width / 2;
  const cy = b.y + b.h / 2 - height / 2;
  const x = cx * Math.cos(a) - cy * Math.sin(a) + width / 2;
  const y = cx * Math.sin(a) + cy * Math.cos(a) + height / 2;
  return { x: x - b.w / 2, y: y - b.h / 2, w: b.w, h: b.h };
};
const EDITS: Edit[] = [
  {
    name: 'scaled to 640 px',
    filter: 'scale=640:-2',
    moveBox: (b, width) => ({ x: (b.x * 640) / width, y: (b.y * 640) / width, w: (b.w * 640) / width, h: (b.h * 640) / width }),
  },
  {
    name: 'cropped 10% each side',
    filter: 'crop=iw*0.8:ih*0.8:iw*0.1:ih*0.1',
    moveBox: (b, width, height) => ({ ...b, x: b.x - 0.1 * width, y: b.y - 0.1 * height }),
  },
  { name: 'brighter', filter: 'eq=brightness=0.15', moveBox: unmoved },
  { name: 'darker, less contrast', filter: 'eq=brightness=-0.15:contrast=0.8', moveBox: unmoved },
  { name: 'mirrored', filter: 'hflip', moveBox: (b, width) => ({ ...b, x: width - b.x - b.w }) },
  { name: 'rotated 8°', filter: 'rotate=8*PI/180', moveBox: rotated(8) },
  { name: 'blurred, heavy JPEG', filter: 'gblur=sigma=1.5', jpegQ: 20, moveBox: unmoved },
];

function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a.w * a.h + b.w * b.h - inter);
}

interface Photo {
  name: string;
  image: RgbaImage;
  faces: DetectedFace[];
}
interface SamePair {
  face: string;
  edit: string;
  distance: number;
}

let engine: FaceEngine;
let workDir: string;
const photos: Photo[] = [];
const samePairs: SamePair[] = [];
/** Faces of an original whose moved box lies wholly inside the edited copy, and how many of them were found again. */
let expectedInEdits = 0;
let foundInEdits = 0;

/** Node has no OffscreenCanvas: keep each crop as raw RGBA, which the crop test runs the detector on. */
const rawCrop = async (crop: RgbaImage) => new Uint8Array(crop.data.buffer, crop.data.byteOffset, crop.data.byteLength);

/** Detects faces in an edited copy of a photo and pairs each original face with the face found where it moved to. */
async function pairWithEdit(photo: Photo, path: string, edit: Edit, index: number): Promise<void> {
  const editedPath = join(workDir, `${photo.name}-${index}.jpg`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...file(path), '-vf', edit.filter, '-q:v', String(edit.jpegQ ?? 2), editedPath]);
  const edited = decode(file(editedPath));
  const editedFaces = await engine.detect(edited);
  photo.faces.forEach((face, i) => {
    const want = edit.moveBox(face.box, photo.image.width, photo.image.height);
    const inside = want.x >= 0 && want.y >= 0 && want.x + want.w <= edited.width && want.y + want.h <= edited.height;
    if (!inside) return; // a face the edit cut into is another picture, not the same face
    expectedInEdits++;
    const [best] = editedFaces.map((f) => ({ f, overlap: iou(want, f.box) })).sort((a, b) => b.overlap - a.overlap);
    if (!best || best.overlap < 0.4) return;
    foundInEdits++;
    samePairs.push({ face: `${photo.name}#${i}`, edit: edit.name, distance: faceDistance(face.descriptor, best.f.descriptor) });
  });
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'heimdex-faces-'));
  engine = await loadFacesInNode({ encodeCrop: rawCrop });
  for (let n = 1; n <= 6; n++) {
    const path = join(SAMPLES, `sample${n}.jpg`);
    const image = decode(file(path));
    const photo = { name: `sample${n}`, image, faces: await engine.detect(image) };
    photos.push(photo);
    for (const [index, edit] of EDITS.entries()) await pairWithEdit(photo, path, edit, index);
  }
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function differentPersonDistances(): number[] {
  const all = photos.flatMap((p) => p.faces);
  const distances: number[] = [];
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) distances.push(faceDistance(all[a]!.descriptor, all[b]!.descriptor));
  }
  return distances.sort((a, b) => a - b);
}

const median = (sorted: number[]) => sorted[Math.floor((sorted.length - 1) / 2)]!;

describe('faces on the face-api sample photos (real models, WASM)', () => {
  it('finds every face in each photo, and nothing else', () => {
    expect(photos.map((p) => p.faces.length)).toEqual(EXPECTED_FACES);
    for (const { image, faces } of photos) {
      for (const face of faces) {
        expect(face.score).toBeGreaterThanOrEqual(MIN_FACE_SCORE);
        expect(face.box.x).toBeGreaterThanOrEqual(0);
        expect(face.box.y).toBeGreaterThanOrEqual(0);
        expect(face.box.x + face.box.w).toBeLessThanOrEqual(image.width);
        expect(face.box.y + face.box.h).toBeLessThanOrEqual(image.height);
        expect(Math.min(face.box.w, face.box.h)).toBeGreaterThanOrEqual(MIN_FACE_PX);
        expect(face.descriptor).toBeInstanceOf(Float32Array);
        expect(face.descriptor).toHaveLength(128);
        expect(face.descriptor.every(Number.isFinite)).toBe(true);
        expect(face.crop).toHaveLength(CROP_SIZE * CROP_SIZE * 4);
      }
      const scores = faces.map((f) => f.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a)); // highest first
    }
  });

  it('finds the faces again in edited copies', () => {
    expect(foundInEdits / expectedInEdits).toBeGreaterThanOrEqual(0.9);
  });

  it('puts the same face in an edited copy closer than FACE_MATCH_THRESHOLD', () => {
    const straight = samePairs.filter((p) => p.edit !== 'mirrored');
    expect(straight.filter((p) => p.distance >= FACE_MATCH_THRESHOLD)).toEqual([]);
    // A mirror image is a pose change (faces are not symmetric): most, not all, stay under the threshold.
    const mirrored = samePairs.filter((p) => p.edit === 'mirrored');
    const matched = mirrored.filter((p) => p.distance < FACE_MATCH_THRESHOLD).length;
    expect(matched / mirrored.length).toBeGreaterThanOrEqual(0.85);
  });

  it('puts different people farther apart than FACE_MATCH_THRESHOLD', () => {
    const distances = differentPersonDistances();
    expect(distances).toHaveLength(231);
    expect(distances[0]).toBeGreaterThanOrEqual(FACE_MATCH_THRESHOLD);
    // The usual 0.6 would merge people: the reason the threshold is lower.
    expect(distances.filter((d) => d < 0.6).length).toBeGreaterThan(5);
  });

  it('prints the distance distribution the threshold is calibrated on', () => {
    const sameSorted = samePairs.map((p) => p.distance).sort((a, b) => a - b);
    const different = differentPersonDistances();
    const byEdit = EDITS.map(({ name }) => {
      const d = samePairs.filter((p) => p.edit === name).map((p) => p.distance);
      return `${name}: n ${d.length}, max ${Math.max(...d).toFixed(3)}`;
    });
    const farthest = [...samePairs].sort((a, b) => b.distance - a.distance).slice(0, 5);
    const line = (t: number) =>
      `  at ${t}: ${different.filter((d) => d < t).length} different pairs under, ` +
      `${sameSorted.filter((d) => d >= t).length} same pairs at or over`;
    console.log(
      [
        `FACE_MATCH_THRESHOLD ${FACE_MATCH_THRESHOLD}`,
        `same face (original vs edit): n ${sameSorted.length}, min ${sameSorted[0]!.toFixed(3)}, ` +
          `median ${median(sameSorted).toFixed(3)}, max ${sameSorted.at(-1)!.toFixed(3)}`,
        `  ${byEdit.join('; ')}`,
        `  farthest: ${farthest.map((p) => `${p.distance.toFixed(3)} ${p.face} ${p.edit}`).join(', ')}`,
        `different people: n ${different.length}, min ${different[0]!.toFixed(3)}, median ${median(different).toFixed(3)}`,
        ...[0.4, 0.42, 0.45, 0.5, 0.6].map(line),
      ].join('\n'),
    );
    expect(sameSorted.length).toBeGreaterThan(120);
  });

  it('crops show the face: the detector finds the same person in them', async () => {
    // The detector wants some room around a face: show each crop in the middle of a grey square twice its size.
    const framed = (crop: Uint8Array): RgbaImage => {
      const side = 2 * CROP_SIZE;
      const data = new Uint8ClampedArray(side * side * 4).fill(128);
      const offset = CROP_SIZE / 2;
      for (let y = 0; y < CROP_SIZE; y++) {
        data.set(crop.subarray(y * CROP_SIZE * 4, (y + 1) * CROP_SIZE * 4), ((y + offset) * side + offset) * 4);
      }
      return { width: side, height: side, data };
    };
    // The best face of each photo: a detector pass costs ~0.4 s, and at 96 px the weakest detections (a profile,
    // a face looking down) are not always found again.
    for (const { faces } of photos) {
      const best = faces[0]!;
      const [again] = await engine.detect(framed(best.crop));
      expect(again, 'no face found in the crop').toBeDefined();
      expect(faceDistance(best.descriptor, again!.descriptor)).toBeLessThan(FACE_MATCH_THRESHOLD);
    }
  }, 60_000);
});

describe('reference photos cropped tight to a face', () => {
  /** A square crop of a sample photo around a face: `margin` times the face box, scaled to `size` px. */
  function tightCrop(photo: Photo, face: DetectedFace, margin: number, size: number): RgbaImage {
    const { x, y, w, h } = face.box;
    const side = Math.min(Math.round(Math.max(w, h) * margin), photo.image.width, photo.image.height);
    const left = Math.min(Math.max(0, Math.round(x + w / 2 - side / 2)), photo.image.width - side);
    const top = Math.min(Math.max(0, Math.round(y + h / 2 - side / 2)), photo.image.height - side);
    return decode(file(join(SAMPLES, `${photo.name}.jpg`)), `crop=${side}:${side}:${left}:${top},scale=${size}:${size}`);
  }

  it('finds the face in a ~150 px crop of just the face or the head, where a single pass mostly does not', async () => {
    let crops = 0;
    const firstPass: number[] = [];
    const throughBorder: number[] = [];
    for (const photo of photos) {
      for (const face of photo.faces) {
        for (const margin of [1, 1.5]) {
          const crop = tightCrop(photo, face, margin, 150);
          crops++;
          const [direct] = (await engine.detect(crop)).filter((f) => f.score >= PHOTO_FACE_SCORE);
          if (direct) {
            firstPass.push(faceDistance(face.descriptor, direct.descriptor));
            continue;
          }
          const [again] = await engine.detectInPhoto(crop);
          if (!again) continue;
          throughBorder.push(faceDistance(face.descriptor, again.descriptor));
          // Boxes come back in the crop's own pixels.
          expect(again.box.x + again.box.w).toBeLessThanOrEqual(crop.width);
          expect(again.box.y + again.box.h).toBeLessThanOrEqual(crop.height);
          expect(again.crop).toHaveLength(CROP_SIZE * CROP_SIZE * 4);
        }
      }
    }
    const max = (d: number[]) => Math.max(...d).toFixed(3);
    console.log(
      `tight crops: ${crops}; one pass found ${firstPass.length} (distance to the face in the full photo max ` +
        `${max(firstPass)}), the border ${throughBorder.length} more (max ${max(throughBorder)})`,
    );
    expect(crops).toBe(44);
    expect(firstPass.length / crops).toBeLessThan(0.5); // the case this is for: measured 16 of 44
    expect((firstPass.length + throughBorder.length) / crops).toBeGreaterThanOrEqual(0.85);
    // The face found through the border is the same face: as close as an edited copy.
    expect(throughBorder.filter((d) => d >= FACE_MATCH_THRESHOLD)).toEqual([]);
  }, 180_000);

  it('leaves a photo whose face a single pass finds as it is', async () => {
    const photo = photos[0]!;
    const direct = (await engine.detect(photo.image)).filter((f) => f.score >= PHOTO_FACE_SCORE);
    const inPhoto = await engine.detectInPhoto(photo.image);
    expect(inPhoto.map((f) => f.box)).toEqual(direct.map((f) => f.box));
  }, 60_000);

  it('still finds nothing in a frame without people', async () => {
    const frame = decode(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1']);
    expect(await engine.detectInPhoto(frame)).toEqual([]);
  }, 60_000);
});

describe('faces engine behaviour', () => {
  it('finds no face in a frame without people', async () => {
    const frame = decode(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=1']);
    expect(await engine.detect(frame)).toEqual([]);
  });

  it('keeps a face in a keyframe that it is less sure of than face-api’s default 0.5 (MIN_FACE_SCORE)', async () => {
    // sample5 framed as the dev corpus's eval-people-1.mp4 frames it: four of its five women, one of them at ~0.38.
    const frame = decode(file(join(SAMPLES, 'sample5.jpg')), 'crop=1400:790:400:0,scale=1280:720');
    const found = await engine.detect(frame);
    expect(found).toHaveLength(4);
    const unsure = found.filter((face) => face.score < PHOTO_FACE_SCORE);
    expect(unsure, `scores ${found.map((face) => face.score.toFixed(2)).join(', ')}`).toHaveLength(1);
    // She is one of the women of the whole photo, not something else taken for a face.
    const inPhoto = photos[4]!.faces.map((face) => faceDistance(face.descriptor, unsure[0]!.descriptor));
    expect(Math.min(...inPhoto)).toBeLessThan(FACE_MATCH_THRESHOLD);
  }, 60_000);

  it('measures a 1280×720 keyframe and leaks no tensors', async () => {
    const frame = decode(file(join(SAMPLES, 'sample5.jpg')), 'scale=1280:-2,crop=1280:720');
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { tf: { memory(): { numTensors: number } } };
    await engine.detect(frame); // warm-up
    const tensorsBefore = faceapi.tf.memory().numTensors;
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      found = (await engine.detect(frame)).length;
      times.push(performance.now() - start);
    }
    expect(faceapi.tf.memory().numTensors).toBe(tensorsBefore);
    expect(found).toBeGreaterThanOrEqual(3);
    const ms = times.map((t) => t.toFixed(0)).join(', ');
    console.log(`faces: 1280×720 with ${found} faces: ${ms} ms (${engine.device}, load ${engine.loadMs.toFixed(0)} ms)`);
  }, 60_000);

  it('serialises concurrent calls and gives each its own answer', async () => {
    const [a, b] = await Promise.all([engine.detect(photos[0]!.image), engine.detect(photos[4]!.image)]);
    expect([a.length, b.length]).toEqual([EXPECTED_FACES[0], EXPECTED_FACES[4]]);
  }, 60_000);

  it('refuses an RGBA buffer that does not match its size', async () => {
    await expect(engine.detect({ width: 10, height: 10, data: new Uint8ClampedArray(399) })).rejects.toThrow(/expected 400/);
  });
});
