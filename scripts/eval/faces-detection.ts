// Where the face detector's confidence is cut (engine.ts MIN_FACE_SCORE), measured: the detector runs once per
// picture at a low confidence, and each cut then counts
//   - faces found of the boxed faces of dlib's PASCAL group photos (libdlib19.1 examples/faces/training.xml and
//     testing.xml: 43 faces in 9 photos; a detection overlapping a box by IoU > 0.2 finds it), and detections
//     outside every box;
//   - detections in pictures without people: ViSP's test images (visp-images-data: calibration targets, objects,
//     AprilTags, lines, ellipses; its Klimt portrait and warps of it are paintings of a face), dlib's dogs.jpg, and
//     frames of the dev corpus's slides, street text, colour bars and test patterns;
//   - the faces of the dev corpus's group scenes, with their scores (a person the cut drops is never searchable).
// Packages are fetched with `apt-get download` (face-material-debian.ts). Run after `npm run fixtures` and the
// eval corpus (tests/eval/make-corpus.sh): npx tsx scripts/eval/faces-detection.ts
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_FACE_SCORE } from '../../client/src/ml/faces/engine.ts';
import { loadFacesInNode } from '../../client/src/ml/faces/node.ts';
import type { FaceBox } from '../../client/src/ml/faces/types.ts';
import { decodeWithFfmpeg } from '../../client/src/ml/testing/decode-ffmpeg.ts';
import { debianPackage } from './face-material-debian.ts';

const CUTS = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25];
const FIXTURES = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'generated');
const frame = (video: string, seconds: number) => ['-ss', String(seconds), '-i', join(FIXTURES, video), '-frames:v', '1'];

const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array(), minScore: Math.min(...CUTS) - 0.05 });
const detect = async (input: string[]) => (await engine.detect(decodeWithFfmpeg(input))).map((f) => ({ ...f.box, score: f.score }));

function overlap(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (w * h) / (a.w * a.h + b.w * b.h - w * h);
}

const dlibFaces = join(debianPackage('libdlib19.1'), 'usr', 'share', 'doc', 'libdlib19.1', 'examples', 'faces');
const visp = join(debianPackage('visp-images-data'), 'usr', 'share', 'visp-images-data', 'ViSP-images');

const boxed = CUTS.map(() => ({ found: 0, faces: 0, outside: 0 }));
for (const list of ['training.xml', 'testing.xml']) {
  for (const [, file, body] of readFileSync(join(dlibFaces, list), 'utf8').matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
    const boxes = [...body!.matchAll(/top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g)].map(([, top, left, w, h]) => ({ x: +left!, y: +top!, w: +w!, h: +h! }));
    const found = await detect(['-i', join(dlibFaces, file!)]);
    CUTS.forEach((cut, i) => {
      const kept = found.filter((d) => d.score >= cut);
      boxed[i]!.faces += boxes.length;
      boxed[i]!.found += boxes.filter((b) => kept.some((d) => overlap(d, b) > 0.2)).length;
      boxed[i]!.outside += kept.filter((d) => !boxes.some((b) => overlap(d, b) > 0.2)).length;
    });
  }
}

const faceless: Array<{ name: string; input: string[] }> = [];
for (const dir of ['mire-2', 'mbt', 'cube', 'ellipse-1', 'line', 'AprilTag', 'calibration', 'warp', 'Gaussian-filter', 'circle', 'mire', 'Klimt']) {
  const files = readdirSync(join(visp, dir)).filter((f) => /\.(png|jpe?g|pgm|ppm)$/.test(f)).sort();
  const step = Math.max(1, Math.floor(files.length / 15));
  for (let i = 0; i < files.length; i += step) faceless.push({ name: `${dir}/${files[i]}`, input: ['-i', join(visp, dir, files[i]!)] });
}
faceless.push({ name: 'dogs.jpg', input: ['-i', join(dlibFaces, 'dogs.jpg')] });
const facelessFrames: Array<[string, number[]]> = [
  ['eval/videos/eval-slides.mp4', [1, 4, 7, 10, 13]],
  ['eval/videos/eval-street-text.mp4', [1, 4, 7, 10, 13, 16]],
  ['eval/videos/eval-speech.mp4', [2, 14]],
  ['cuts-a.mp4', [1, 5, 9]],
  ['cuts-b.mp4', [1, 5, 9]],
  ['cutaways.mp4', [9]],
  ['bench-720p-60s.mp4', [5, 15, 25, 35, 45, 55]],
];
for (const [video, times] of facelessFrames) {
  if (!existsSync(join(FIXTURES, video))) throw new Error(`${video} is missing: make the fixtures and the eval corpus first`);
  for (const t of times) faceless.push({ name: `${video} at ${t} s`, input: frame(video, t) });
}
const falseFaces = CUTS.map(() => ({ faces: 0, pictures: 0 }));
let read = 0;
for (const picture of faceless) {
  const found = await detect(picture.input).catch((error: unknown) => {
    console.log(`skipped ${picture.name}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (!found) continue;
  read += 1;
  if (found.length > 0) console.log(`without people: ${picture.name}: ${found.map((d) => `${d.score.toFixed(2)} (${Math.round(d.w)} px)`).join(', ')}`);
  CUTS.forEach((cut, i) => {
    const kept = found.filter((d) => d.score >= cut).length;
    falseFaces[i]!.faces += kept;
    falseFaces[i]!.pictures += kept > 0 ? 1 : 0;
  });
}

console.log('\nthe dev corpus’s group scenes: each face’s score');
for (const [video, t] of [['eval/videos/eval-people-1.mp4', 2.5], ['eval/videos/eval-people-1.mp4', 12.5], ['eval/videos/eval-people-2.mp4', 2], ['eval/videos/eval-people-2.mp4', 10], ['faces-text.mp4', 1], ['faces-text.mp4', 9], ['cutaways.mp4', 1]] as const) {
  const found = await detect(frame(video, t));
  console.log(`  ${video} at ${t} s: ${found.map((d) => d.score.toFixed(2)).join(', ')}`);
}

console.log(`\ncut   boxed PASCAL faces found   detections outside a box   in ${read} pictures without people`);
CUTS.forEach((cut, i) => {
  const b = boxed[i]!;
  const f = falseFaces[i]!;
  const mark = Math.abs(cut - MIN_FACE_SCORE) < 1e-9 ? '  ← MIN_FACE_SCORE' : '';
  console.log(`${cut.toFixed(2)}  ${`${b.found} of ${b.faces}`.padEnd(25)}  ${String(b.outside).padEnd(25)}  ${f.faces} in ${f.pictures} pictures${mark}`);
});
