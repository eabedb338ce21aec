// Face photos that ship offline in Debian packages, for measuring face matching on many more people than the npm
// material holds (faces-calibration.ts). Fetched with `apt-get download` (no root, nothing installed) into
// bench/cache/debian/ and unpacked there once:
//   - libdlib19.1 (dlib's examples, Boost Software License 1.0):
//       examples/johns/<name>/*.jpg — 5 men named John, 11 photos each (150 px aligned face crops from a
//         celebrity face dataset: other years, light, angles): labelled by folder.
//       examples/faces/bald_guys.jpg — a collage of 24 photos of four bald actors (Vin Diesel, Jason Statham,
//         Bruce Willis, Dwayne Johnson; 6 each): strangers who look alike. Labelled by eye, by position below.
//       examples/faces/Tom_Cruise_avp_2014_4.jpg — one man.
//       examples/faces/20*.jpg — 9 PASCAL VOC photos of groups (Flickr): everyone in one photo is someone else;
//         who recurs across them is unknown, so they are paired only within a photo and with other collections.
//   - visp-images-data (ViSP's test images, GPL-2): the 1927 Solvay conference photograph, 29 physicists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FaceBox, FaceEngine } from '../../client/src/ml/faces/types.ts';
import type { RgbaImage } from '../../client/src/ml/image.ts';
import { decodeWithFfmpeg } from '../../client/src/ml/testing/decode-ffmpeg.ts';
import type { Face } from './faces-calibration.ts';

const CACHE = join(import.meta.dirname, '..', '..', 'bench', 'cache', 'debian');

/** Unpacks a Debian package's files into the cache (downloaded once) and returns the unpacked root. */
export function debianPackage(name: string): string {
  const root = join(CACHE, name);
  if (existsSync(join(root, 'usr'))) return root;
  mkdirSync(root, { recursive: true });
  execFileSync('apt-get', ['download', name], { cwd: CACHE, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = readdirSync(CACHE).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${name} left no .deb in ${CACHE}`);
  execFileSync('dpkg-deb', ['-x', join(CACHE, deb), root]);
  return root;
}

/** A photo and who is in it. */
export interface MaterialPhoto {
  /** The collection it belongs to: people of different collections are different people. */
  collection: string;
  path: string;
  /**
   * Who each face is. 'folder': the one face of a single-person photo, named by `person`. 'positions': faces
   * named by the nearest labelled point (photo pixels); a face near none is left out. 'everyone-else': every face
   * in the photo is a different person, unknown across photos.
   */
  people:
    | { kind: 'one'; person: string }
    | { kind: 'positions'; points: Array<{ x: number; y: number; person: string }> }
    | { kind: 'everyone-else' };
  /**
   * Searched in this grid of overlapping tiles instead of whole: face-api's detector sees a photo at 512 px, where
   * the faces of a large group photo are too small to find.
   */
  tiles?: { cols: number; rows: number; width: number; height: number };
}

// Face centres in bald_guys.jpg (1986 × 1545), read off the collage by eye.
const VIN = 'Vin Diesel';
const JASON = 'Jason Statham';
const BRUCE = 'Bruce Willis';
const DWAYNE = 'Dwayne Johnson';
const BALD_GUYS: Array<[number, number, string]> = [
  [145, 120, VIN], [385, 75, JASON], [640, 160, VIN], [960, 135, JASON], [1435, 240, DWAYNE], [1880, 470, DWAYNE],
  [385, 280, VIN], [135, 450, VIN], [380, 500, JASON], [645, 500, VIN], [960, 470, JASON], [150, 750, JASON],
  [500, 885, JASON], [855, 880, BRUCE], [1150, 815, BRUCE], [1700, 760, DWAYNE], [120, 1050, BRUCE],
  [1185, 1110, BRUCE], [160, 1340, VIN], [470, 1315, BRUCE], [840, 1290, BRUCE], [1170, 1355, DWAYNE],
  [1505, 1385, DWAYNE], [1860, 1370, DWAYNE],
];

/** Every photo of the Debian material, fetching the packages on first use (needs apt's package lists). */
export function debianFacePhotos(): MaterialPhoto[] {
  const dlib = join(debianPackage('libdlib19.1'), 'usr', 'share', 'doc', 'libdlib19.1', 'examples');
  const visp = join(debianPackage('visp-images-data'), 'usr', 'share', 'visp-images-data', 'ViSP-images');
  const photos: MaterialPhoto[] = [];
  const johns = join(dlib, 'johns');
  for (const name of readdirSync(johns).sort()) {
    for (const file of readdirSync(join(johns, name)).sort()) {
      photos.push({ collection: 'johns', path: join(johns, name, file), people: { kind: 'one', person: name.replace('_', ' ') } });
    }
  }
  photos.push({
    collection: 'bald actors',
    path: join(dlib, 'faces', 'bald_guys.jpg'),
    people: { kind: 'positions', points: BALD_GUYS.map(([x, y, person]) => ({ x, y, person })) },
  });
  photos.push({ collection: 'tom cruise', path: join(dlib, 'faces', 'Tom_Cruise_avp_2014_4.jpg'), people: { kind: 'one', person: 'Tom Cruise' } });
  for (const file of readdirSync(join(dlib, 'faces')).filter((f) => /^20\d\d_\d+\.jpg$/.test(f)).sort()) {
    photos.push({ collection: 'pascal groups', path: join(dlib, 'faces', file), people: { kind: 'everyone-else' } });
  }
  photos.push({
    collection: 'solvay 1927',
    path: join(visp, 'Solvay', 'Solvay_conference_1927_Version2_2126x1463.jpg'),
    people: { kind: 'everyone-else' },
    tiles: { cols: 5, rows: 3, width: 2126, height: 1463 },
  });
  return photos;
}

/**
 * Mean difference of two photos' 32 × 32 grey thumbnails, 0–255. The johns folders hold a few copies of one photo
 * (one byte for byte, two re-cropped): 0.0–1.5 apart, where different photos of one man lie 16 or more apart.
 */
const COPY_DIFFERENCE = 5;
const thumbnail = (path: string) => decodeWithFfmpeg(['-i', path], 'scale=32:32,format=gray,format=rgba').data;
function thumbnailDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length / 4);
}

/**
 * Finds and names the faces of every Debian photo; logs the faces left out, the people not found and the copies
 * skipped (a copy of a photo is not a different photo of its person).
 */
export async function debianFaces(engine: FaceEngine): Promise<Face[]> {
  const faces: Face[] = [];
  const seen = new Map<string, Array<{ path: string; thumb: Uint8ClampedArray }>>();
  for (const photo of debianFacePhotos()) {
    const source = `${photo.collection}/${basename(photo.path)}`;
    const { people } = photo;
    if (people.kind === 'one') {
      const key = `${photo.collection}/${people.person}`;
      const thumb = thumbnail(photo.path);
      const copyOf = seen.get(key)?.find((s) => thumbnailDifference(s.thumb, thumb) < COPY_DIFFERENCE);
      if (copyOf) {
        console.log(`${source}: a copy of ${basename(copyOf.path)}, skipped`);
        continue;
      }
      seen.set(key, [...(seen.get(key) ?? []), { path: photo.path, thumb }]);
    }
    const image = decodeWithFfmpeg(['-i', photo.path]);
    const base = { collection: photo.collection, source, image, unknownAcrossPhotos: false };
    if (people.kind === 'one') {
      const [best] = await engine.detectInPhoto(image);
      if (best) faces.push({ ...base, person: people.person, descriptor: best.descriptor, box: best.box });
      else console.log(`no face found in ${source}`);
      continue;
    }
    if (photo.tiles) {
      if (people.kind !== 'everyone-else') throw new Error(`${source}: only photos of 'everyone-else' are searched in tiles`);
      const found = await detectInTiles(engine, photo.path, photo.tiles);
      for (const { full, ...f } of found) {
        const centre = `${Math.round(full.x + full.w / 2)},${Math.round(full.y + full.h / 2)}`;
        faces.push({ ...base, unknownAcrossPhotos: true, person: `${source}@${centre}`, ...f });
      }
      continue;
    }
    const found = await engine.detect(image);
    if (people.kind === 'everyone-else') {
      found.forEach((f, i) => faces.push({ ...base, unknownAcrossPhotos: true, person: `${source}#${i}`, descriptor: f.descriptor, box: f.box }));
      continue;
    }
    const named = new Set<string>();
    for (const f of found) {
      const cx = f.box.x + f.box.w / 2;
      const cy = f.box.y + f.box.h / 2;
      const nearest = people.points
        .map((p, i) => ({ i, p, d: Math.hypot(p.x - cx, p.y - cy) }))
        .sort((a, b) => a.d - b.d)[0];
      if (!nearest || nearest.d > Math.max(f.box.w, f.box.h) || named.has(String(nearest.i))) {
        console.log(`${source}: face at ${Math.round(cx)},${Math.round(cy)} (${Math.round(f.box.w)} px) near no labelled point: left out`);
        continue;
      }
      named.add(String(nearest.i));
      faces.push({ ...base, source: `${source}@${nearest.p.x},${nearest.p.y}`, person: nearest.p.person, descriptor: f.descriptor, box: f.box });
    }
    const missed = people.points.filter((_, i) => !named.has(String(i)));
    if (missed.length) console.log(`${source}: no face found at ${missed.map((p) => `${p.x},${p.y} (${p.person})`).join('; ')}`);
  }
  return faces;
}

/**
 * Faces of a large photo found tile by tile (each tile half again as large as its cell, so a face on a cell's
 * edge lies whole in one tile); a face whose centre lies in a face already found is the same face, found again.
 */
async function detectInTiles(
  engine: FaceEngine,
  path: string,
  grid: NonNullable<MaterialPhoto['tiles']>,
): Promise<Array<{ descriptor: Float32Array; image: RgbaImage; box: FaceBox; full: FaceBox }>> {
  const kept: Array<{ descriptor: Float32Array; image: RgbaImage; box: FaceBox; full: FaceBox }> = [];
  const cellW = grid.width / grid.cols;
  const cellH = grid.height / grid.rows;
  const tileW = Math.round(cellW * 1.5);
  const tileH = Math.round(cellH * 1.5);
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const x0 = Math.round(Math.min(Math.max(0, (c + 0.5) * cellW - tileW / 2), grid.width - tileW));
      const y0 = Math.round(Math.min(Math.max(0, (r + 0.5) * cellH - tileH / 2), grid.height - tileH));
      const tile = decodeWithFfmpeg(['-i', path], `crop=${tileW}:${tileH}:${x0}:${y0}`);
      for (const f of await engine.detect(tile)) {
        const full = { x: f.box.x + x0, y: f.box.y + y0, w: f.box.w, h: f.box.h };
        const cx = full.x + full.w / 2;
        const cy = full.y + full.h / 2;
        if (kept.some((k) => cx > k.full.x && cx < k.full.x + k.full.w && cy > k.full.y && cy < k.full.y + k.full.h)) continue;
        kept.push({ descriptor: f.descriptor, image: tile, box: f.box, full });
      }
    }
  }
  return kept;
}
