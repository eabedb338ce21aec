// Chooses the hard face cases of the dev corpus (tests/eval/make-corpus.sh) by measured distance rather than by eye:
//   - the man of @vladmandic/human's face-match screenshot (faces-calibration.ts) as a video keyframe shows him
//     (his ~107 px tile scaled to 428 px on a 720p frame, found by `detect` as the pipeline does) against each of
//     his OTHER photos as a search reference (`detectInPhoto`, as a search by image does);
//   - the lookalike stranger: of the women in face-api's sample1 and sample4 (photos no corpus video shows), the
//     face nearest to any face in the corpus videos.
// Run after `npm run fixtures`: npx tsx scripts/eval/faces-lookalike.ts
import { join } from 'node:path';
import { faceDistance } from '../../client/src/ml/faces/distance.ts';
import { loadFacesInNode } from '../../client/src/ml/faces/node.ts';
import type { DetectedFace } from '../../client/src/ml/faces/types.ts';
import { decodeWithFfmpeg } from '../../client/src/ml/testing/decode-ffmpeg.ts';
import { FACE_API_SAMPLES, FACEMATCH_SCREENSHOT, ROW } from './faces-calibration.ts';

const VIDEOS = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'generated', 'eval', 'videos');
/** The corpus's face scenes: video and a moment inside the scene. */
const FACE_SCENES: Array<[string, number]> = [
  ['eval-people-1.mp4', 2.5],
  ['eval-people-1.mp4', 12.5],
  ['eval-people-2.mp4', 2],
  ['eval-people-2.mp4', 10],
  ['eval-speech.mp4', 9],
];
/** How the corpus shows a tile of the man: scaled 4× onto a grey 720p frame. */
export const TILE_IN_FRAME = (x: number, w: number) =>
  `crop=${w}:${ROW.height}:${x}:${ROW.top},scale=-2:428,pad=1280:720:(ow-iw)/2:(oh-ih)/2:0x4b5563`;
const tileX = (t: number) => [Math.round((t * ROW.width) / ROW.tiles), Math.round(((t + 1) * ROW.width) / ROW.tiles)] as const;

const fmt = (d: number) => d.toFixed(3);

async function main(): Promise<void> {
  const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array() });

  console.log('the man: tile as a keyframe (detect) vs each other tile as a reference photo (detectInPhoto)');
  const inFrame: Array<DetectedFace | undefined> = [];
  const asPhoto: Array<DetectedFace | undefined> = [];
  for (let t = 0; t < ROW.tiles; t++) {
    const [x0, x1] = tileX(t);
    inFrame.push((await engine.detect(decodeWithFfmpeg(['-i', FACEMATCH_SCREENSHOT], TILE_IN_FRAME(x0, x1 - x0))))[0]);
    asPhoto.push((await engine.detectInPhoto(decodeWithFfmpeg(['-i', FACEMATCH_SCREENSHOT], `crop=${x1 - x0}:${ROW.height}:${x0}:${ROW.top}`)))[0]);
  }
  for (let a = 0; a < ROW.tiles; a++) {
    const frame = inFrame[a];
    if (!frame) {
      console.log(`  tile ${a} in a frame: no face found`);
      continue;
    }
    const row = asPhoto.map((p, b) => (b === a || !p ? '  -  ' : fmt(faceDistance(frame.descriptor, p.descriptor))));
    console.log(`  tile ${String(a).padStart(2)} (score ${frame.score.toFixed(2)}): ${row.join(' ')}`);
  }

  const videoFaces: Array<{ where: string; face: DetectedFace }> = [];
  for (const [video, at] of FACE_SCENES) {
    for (const face of await engine.detect(decodeWithFfmpeg(['-ss', String(at), '-i', join(VIDEOS, video)]))) {
      videoFaces.push({ where: `${video}@${at}s`, face });
    }
  }
  console.log(`\n${videoFaces.length} faces in the corpus videos' face scenes`);
  const strangers: Array<{ sample: string; face: DetectedFace; nearest: number; to: string }> = [];
  for (const sample of ['sample1.jpg', 'sample4.jpg']) {
    for (const face of await engine.detect(decodeWithFfmpeg(['-i', join(FACE_API_SAMPLES, sample)]))) {
      let nearest = Infinity;
      let to = '';
      for (const v of videoFaces) {
        const d = faceDistance(face.descriptor, v.face.descriptor);
        if (d < nearest) [nearest, to] = [d, `${v.where} box ${JSON.stringify(v.face.box)}`];
      }
      strangers.push({ sample, face, nearest, to });
    }
  }
  strangers.sort((a, b) => a.nearest - b.nearest);
  console.log('strangers (sample1, sample4), nearest first:');
  for (const s of strangers) {
    const b = s.face.box;
    console.log(`  ${s.sample} box x${Math.round(b.x)} y${Math.round(b.y)} w${Math.round(b.w)} h${Math.round(b.h)}: ${fmt(s.nearest)} to ${s.to}`);
  }
}

await main();
