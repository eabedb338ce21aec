// How well faces are grouped into people: the app's grouping (client/src/db/people.ts clusterVideoFaces: faces in
// order, each joins the person whose centroid is nearest when closer than FACE_MATCH_THRESHOLD and that person has
// no face in the same picture yet, else starts a new person) replayed in memory, then compared with the truth:
// over-splitting (one real person in several people) and wrong merges (several real people in one) counted apart.
// Run on the dev corpus: npx tsx scripts/eval/faces-grouping.ts (after `npm run fixtures`).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceDistance, FACE_MATCH_THRESHOLD } from '../../client/src/ml/faces/distance.ts';
import { loadFacesInNode } from '../../client/src/ml/faces/node.ts';
import type { FaceBox, FaceEngine } from '../../client/src/ml/faces/types.ts';
import { decodeWithFfmpeg } from '../../client/src/ml/testing/decode-ffmpeg.ts';

export interface TruthFace {
  /** Who it really is. */
  truth: string;
  /** The picture it is in: one person never gets two faces of one picture. */
  picture: string;
  descriptor: Float32Array;
}

export interface GroupingReport {
  faces: number;
  truePeople: number;
  people: number;
  /** Σ over real people of (people they were spread over − 1). */
  overSplits: number;
  /** Σ over people of (real people inside − 1). */
  wrongMerges: number;
}

export function groupFaces(faces: readonly TruthFace[], threshold = FACE_MATCH_THRESHOLD): GroupingReport {
  const groups: Array<{ members: TruthFace[]; centroid: Float32Array }> = [];
  for (const face of faces) {
    let best: (typeof groups)[number] | null = null;
    let bestDistance = Infinity;
    for (const group of groups) {
      if (group.members.some((m) => m.picture === face.picture)) continue;
      const d = faceDistance(group.centroid, face.descriptor);
      if (d < bestDistance) [best, bestDistance] = [group, d];
    }
    if (best && bestDistance < threshold) {
      best.members.push(face);
      best.centroid = best.centroid.map((_, i) => best!.members.reduce((s, m) => s + m.descriptor[i]!, 0) / best!.members.length);
    } else {
      groups.push({ members: [face], centroid: Float32Array.from(face.descriptor) });
    }
  }
  const truths = new Set(faces.map((f) => f.truth));
  let overSplits = 0;
  for (const truth of truths) overSplits += groups.filter((g) => g.members.some((m) => m.truth === truth)).length - 1;
  const wrongMerges = groups.reduce((sum, g) => sum + new Set(g.members.map((m) => m.truth)).size - 1, 0);
  return { faces: faces.length, truePeople: truths.size, people: groups.length, overSplits, wrongMerges };
}

export const reportLine = (r: GroupingReport) =>
  `${r.faces} faces of ${r.truePeople} real people grouped into ${r.people} people: ` +
  `${r.overSplits} over-split, ${r.wrongMerges} wrong merge(s)`;

// ---- the dev corpus (tests/eval/make-corpus.sh) -----------------------------------------------------------------

/** The scenes of the dev corpus that show people: a still of a face-api sample photo, maybe cropped, fit to 720p. */
const PEOPLE_SCENES = [
  { video: 'eval-people-1.mp4', atS: 2.5, photo: 'sample3', crop: null },
  { video: 'eval-people-1.mp4', atS: 12.5, photo: 'sample5', crop: { w: 1400, h: 790, x: 400, y: 0 } },
  { video: 'eval-people-2.mp4', atS: 2, photo: 'sample6', crop: null },
  { video: 'eval-people-2.mp4', atS: 10, photo: 'sample2', crop: { w: 1220, h: 686, x: 700, y: 0 } },
  { video: 'eval-speech.mp4', atS: 9, photo: 'sample3', crop: { w: 1020, h: 574, x: 900, y: 100 } },
] as const;

/** Scenes of the dev corpus that show one person (a photo of him letterboxed): every face found there is him. */
const ONE_PERSON_SCENES = [
  { video: 'eval-hard.mp4', atS: 2, truth: 'the man of the face-match screenshot' },
  { video: 'eval-hard.mp4', atS: 26, truth: 'the man of the face-match screenshot' },
  { video: 'eval-lookalikes.mp4', atS: 2, truth: 'Vin Diesel' },
  { video: 'eval-lookalikes.mp4', atS: 6, truth: 'Bruce Willis' },
  { video: 'eval-lookalikes.mp4', atS: 10, truth: 'Dwayne Johnson' },
  { video: 'eval-lookalikes.mp4', atS: 14, truth: 'Vin Diesel' },
] as const;

/** Where a point of the 1280×720 frame was in the source photo (the inverse of crop, then fit and pad). */
function toPhoto(x: number, y: number, photo: { width: number; height: number }, crop: { w: number; h: number; x: number; y: number } | null) {
  const c = crop ?? { w: photo.width, h: photo.height, x: 0, y: 0 };
  const scale = Math.min(1280 / c.w, 720 / c.h);
  return { x: (x - (1280 - c.w * scale) / 2) / scale + c.x, y: (y - (720 - c.h * scale) / 2) / scale + c.y };
}

const inside = (p: { x: number; y: number }, b: FaceBox) => p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h;

/** The dev corpus's faces, each labelled with the face of the source photo it comes from. */
export async function devCorpusFaces(engine: FaceEngine, corpusDir: string, samplesDir: string): Promise<TruthFace[]> {
  const faces: TruthFace[] = [];
  for (const scene of PEOPLE_SCENES) {
    const source = decodeWithFfmpeg(['-i', join(samplesDir, `${scene.photo}.jpg`)]);
    const sourceFaces = await engine.detect(source);
    const frame = decodeWithFfmpeg(['-ss', String(scene.atS), '-i', join(corpusDir, 'videos', scene.video)]);
    for (const face of await engine.detect(frame)) {
      const centre = toPhoto(face.box.x + face.box.w / 2, face.box.y + face.box.h / 2, source, scene.crop);
      const index = sourceFaces.findIndex((s) => inside(centre, s.box));
      faces.push({ truth: index < 0 ? `unknown in ${scene.photo}` : `${scene.photo}#${index}`, picture: `${scene.video}@${scene.atS}`, descriptor: face.descriptor });
    }
  }
  for (const scene of ONE_PERSON_SCENES) {
    const frame = decodeWithFfmpeg(['-ss', String(scene.atS), '-i', join(corpusDir, 'videos', scene.video)]);
    for (const face of await engine.detect(frame)) faces.push({ truth: scene.truth, picture: `${scene.video}@${scene.atS}`, descriptor: face.descriptor });
  }
  return faces;
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const require = createRequire(import.meta.url);
  const samples = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array() });
  const faces = await devCorpusFaces(engine, join(root, 'tests', 'fixtures', 'generated', 'eval'), samples);
  console.log(`dev corpus: ${reportLine(groupFaces(faces))}`);
  for (const t of [0.45, 0.5, 0.55]) console.log(`  at ${t}: ${reportLine(groupFaces(faces, t))}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
