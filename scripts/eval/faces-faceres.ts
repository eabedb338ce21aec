// Would a stronger recognizer separate people better? @vladmandic/human's `faceres` (MIT; HSE-asavchenko's face
// recognition net as a TFJS graph model, 1024-d, 7 MB, ships in the npm package) against face-api's 128-d
// descriptor, on the same faces of the calibration material (faces-calibration.ts), run on face-api's own tfjs
// WASM backend. faceres gets the face cut square around face-api's box (MARGIN × its longer side) at 224 px, RGB
// 0–255 as human feeds it; human itself aligns the face on its face mesh first, which this does not copy.
// Measured with --debian (437 same-person, 16 006 different-person pairs): TMR at a false-match rate of 1/1000
// face-api 87.4%, faceres 77.8%; at 1/100 99.1% vs 92.7%; d′ 4.93 vs 3.62; faceres 62 ms a face on WASM besides
// the detector. face-api's descriptor stays.
// Run: npx tsx scripts/eval/faces-faceres.ts [margin, default 0.8] [--debian: with face-material-debian.ts's photos]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import { faceDistance } from '../../client/src/ml/faces/distance.ts';
import { loadFacesInNode } from '../../client/src/ml/faces/node.ts';
import { cropAndResize, cropSquare } from '../../client/src/ml/faces/pixels.ts';
import { debianFaces } from './face-material-debian.ts';
import { calibrationFaces, type Face, relation } from './faces-calibration.ts';

const require = createRequire(import.meta.url);
const HUMAN_MODELS = join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
const INPUT = 224;

type GraphModel = { execute(input: TfCore.Tensor, output: string): TfCore.Tensor };
type Tf = typeof TfCore & {
  loadGraphModel(handler: unknown): Promise<GraphModel>;
  io: { fromMemory(artifacts: unknown): unknown };
};

async function loadFaceres(tf: Tf): Promise<GraphModel> {
  const json = JSON.parse(readFileSync(join(HUMAN_MODELS, 'faceres.json'), 'utf8')) as {
    modelTopology: unknown;
    weightsManifest: Array<{ weights: unknown }>;
  };
  const bin = readFileSync(join(HUMAN_MODELS, 'faceres.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
}

/** faceres's 1024-d descriptor of one face, scaled to unit length (so distances compare like face-api's). */
async function describeFace(tf: Tf, model: GraphModel, face: Face, margin: number): Promise<Float32Array> {
  const side = Math.max(face.box.w, face.box.h) * margin;
  const square = cropSquare(
    { x: face.box.x + face.box.w / 2 - side / 2, y: face.box.y + face.box.h / 2 - side / 2, w: side, h: side },
    face.image.width,
    face.image.height,
  );
  const crop = cropAndResize(face.image, square, INPUT);
  const rgb = new Float32Array(INPUT * INPUT * 3);
  for (let i = 0, o = 0; i < crop.data.length; i += 4, o += 3) rgb.set([crop.data[i]!, crop.data[i + 1]!, crop.data[i + 2]!], o);
  const input = tf.tensor4d(rgb, [1, INPUT, INPUT, 3]);
  const output = model.execute(input, 'global_pooling/Mean');
  const vector = (await output.data()) as Float32Array;
  input.dispose();
  output.dispose();
  const norm = Math.hypot(...vector);
  return Float32Array.from(vector, (x) => x / norm);
}

function compare(name: string, faces: Face[], vectors: Float32Array[]): void {
  const same: number[] = [];
  const different: number[] = [];
  for (let a = 0; a < faces.length; a++) {
    for (let b = a + 1; b < faces.length; b++) {
      const kind = relation(faces[a]!, faces[b]!);
      if (kind !== 'unknown') (kind === 'same' ? same : different).push(faceDistance(vectors[a]!, vectors[b]!));
    }
  }
  same.sort((a, b) => a - b);
  different.sort((a, b) => a - b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));
  const dPrime = (mean(different) - mean(same)) / Math.sqrt((variance(same) + variance(different)) / 2);
  const tmrUnder = (t: number) => `${((100 * same.filter((d) => d < t).length) / same.length).toFixed(1)}%`;
  const onePercent = different[Math.floor(different.length * 0.01)]!;
  const onePerMille = different.length >= 3000 ? tmrUnder(different[Math.floor(different.length * 0.001)]!) : 'not countable';
  const q = (v: number[], p: number) => v[Math.floor(p * (v.length - 1))]!.toFixed(3);
  console.log(
    `${name}: same person n ${same.length}, median ${q(same, 0.5)}, max ${q(same, 1)}; different n ${different.length}, ` +
      `min ${q(different, 0)}, median ${q(different, 0.5)}; TMR with no false match ${tmrUnder(different[0]!)}, ` +
      `at FMR 1% ${tmrUnder(onePercent)}, at FMR 1/1000 ${onePerMille}; d′ ${dPrime.toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const margin = Number(args.find((a) => !a.startsWith('--')) ?? '0.8');
  const engine = await loadFacesInNode({ encodeCrop: async () => new Uint8Array() });
  const tf = (require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { tf: Tf }).tf;
  const model = await loadFaceres(tf);
  const faces = [...(await calibrationFaces(engine)), ...(args.includes('--debian') ? await debianFaces(engine) : [])];
  const started = performance.now();
  const faceres: Float32Array[] = [];
  for (const face of faces) faceres.push(await describeFace(tf, model, face, margin));
  const msPerFace = (performance.now() - started) / faces.length;
  compare('face-api 128-d', faces, faces.map((f) => f.descriptor));
  compare(`faceres 1024-d (margin ${margin})`, faces, faceres);
  console.log(`faceres: ${msPerFace.toFixed(0)} ms per face on ${tf.getBackend()} (after the detector; face-api's descriptor comes with its detection)`);
}

await main();
