// The face engine proper, shared by the browser entry (index.ts, face-api's ESM bundle) and the Node entry (node.ts,
// face-api's node-wasm build): both hand in the face-api module they loaded; everything else happens here.
import type * as FaceApi from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { RgbaImage } from '../image.ts';
import { assertRgbaImage, clipBox, cropFace, padImage, rgbaToRgb } from './pixels.ts';
import type { CropEncoder, DetectedFace, FaceEngine, FaceEngineOptions, FaceModelSource } from './types.ts';
import { FACE_MODELS, fileReader, readWeightMap } from './weights.ts';
import { createSerialQueue } from '../../serial-queue.ts';

export type FaceApiModule = typeof FaceApi;
/** face-api re-exports its whole tfjs as `tf`, but its typings list only a few ops: this is what is really there. */
type Tf = typeof TfCore & { setWasmPaths(prefix: string): void };

/**
 * Keyframe detections below this confidence are dropped. Not face-api's default 0.5: a clearly visible woman of a
 * dev-corpus group scene (eval-people-1.mp4, 154 px) scores 0.33–0.42 depending on the frame, so she was never
 * found and a tight photo of her found nobody; the third woman of cutaways.mp4 scores 0.49. Measured
 * (scripts/eval/faces-detection.ts, cuts from 0.5 to 0.25): dlib's boxed PASCAL group faces found 42 → 43 of 43
 * (the other scores 0.45), no detection outside a box at any cut; on 139 pictures without people (ViSP's test
 * images, dlib's dogs.jpg, frames of the corpus's slides, street text and test patterns) the one detection at
 * every cut is dogs.jpg's dog at 0.79 (under 0.25: Klimt's painted portrait, and the dog again). The --debian
 * calibration (faces-calibration.ts) finds one more PASCAL face and a blurred one in a collage's background; its
 * same-person pairs, FMR 1/1000 (0.475) and grouping at 0.42 (0 wrong merges) are unchanged. The dev corpus eval:
 * face recall@5 confident 0.786 → 0.857, all hits 0.929 → 1.000, strangers still without a confident hit (6 of 6).
 */
export const MIN_FACE_SCORE = 0.3;
/**
 * A photo given as an example (detectInPhoto) keeps face-api's 0.5: on a tight crop of a face a weak first-pass
 * detection comes with a worse box than the bordered pass finds (the calibration's 150 px crops of five Johns:
 * same-person match rate at 0.42 71.6% → 70.3% when the first pass took faces from 0.35).
 */
export const PHOTO_FACE_SCORE = 0.5;
/** Faces smaller than this (px, either side) are dropped: too small to recognise anyone. */
export const MIN_FACE_PX = 24;
/** Stored with each face so descriptors of different models are never compared. */
export const FACE_MODEL_ID = 'face-api-1.7.15/ssd_mobilenetv1+landmark68+recognition128';

/**
 * Borders tried, in turn, around a photo in which the first pass found no face (detectInPhoto): the canvas is
 * this many times the photo's size. Measured on 66 tight crops of the 22 face-api sample faces (the face box,
 * 1.5× it, both scaled to 150 px, and the face box at 96 px): no border found a face in 18, a grey border of
 * 2× in 58, 3× in 56, 1.6× in 47, a border of repeated edge pixels 2× in 53; the face found through the
 * border lies 0.12 (median) and at most 0.27 from the same face in the full photo.
 */
export const PHOTO_PAD_FACTORS = [2, 3] as const;

export interface EngineInit extends FaceEngineOptions {
  encodeCrop: CropEncoder;
  /** Where tfjs finds its .wasm files (the browser); Node's tfjs-backend-wasm finds its own. */
  wasmPaths?: string;
}

const tfOf = (faceapi: FaceApiModule) => faceapi.tf as unknown as Tf;

/**
 * Puts face-api's tfjs on its single-threaded WASM backend. Threaded WASM is off on purpose: in a
 * crossOriginIsolated page tfjs picks it and its workers crash, hanging detection (STACK-NOTES).
 */
async function useWasmBackend(tf: Tf, wasmPaths: string | undefined): Promise<void> {
  if (tf.getBackend() === 'wasm') return;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (wasmPaths) tf.setWasmPaths(wasmPaths);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error(`TFJS could not start its WASM backend${wasmPaths ? ` (binaries from ${wasmPaths})` : ''}`);
  }
  await tf.ready();
}

/**
 * face-api only ever sees tensors from us, so it gets an environment without canvas or image support: the same in a
 * worker (where face-api finds no environment of its own and would throw) as in Node.
 */
function useTensorOnlyEnvironment(faceapi: FaceApiModule): void {
  class NotUsed {}
  const refuse = (what: string) => () => {
    throw new Error(`face-api asked for ${what}, but Heimdex only passes it tensors`);
  };
  faceapi.env.setEnv({
    Canvas: NotUsed as unknown as typeof HTMLCanvasElement,
    CanvasRenderingContext2D: NotUsed as unknown as typeof CanvasRenderingContext2D,
    Image: NotUsed as unknown as typeof HTMLImageElement,
    ImageData: NotUsed as unknown as typeof ImageData,
    Video: NotUsed as unknown as typeof HTMLVideoElement,
    createCanvasElement: refuse('a canvas'),
    createImageElement: refuse('an image element'),
    createVideoElement: refuse('a video element'),
    fetch: refuse('fetch'),
    readFile: refuse('a file'),
  });
}

async function loadNets(faceapi: FaceApiModule, source: FaceModelSource): Promise<void> {
  const read = fileReader(source);
  const tf = tfOf(faceapi);
  const nets = {
    ssd_mobilenetv1_model: faceapi.nets.ssdMobilenetv1,
    face_landmark_68_model: faceapi.nets.faceLandmark68Net,
    face_recognition_model: faceapi.nets.faceRecognitionNet,
  } as const;
  await Promise.all(
    FACE_MODELS.map(async (model) => {
      const weights = await readWeightMap(tf, read, model);
      nets[model].loadFromWeightMap(weights as unknown as FaceApi.tf.NamedTensorMap);
    }),
  );
}

export async function createFaceEngine(faceapi: FaceApiModule, source: FaceModelSource, init: EngineInit): Promise<FaceEngine> {
  const started = performance.now();
  const tf = tfOf(faceapi);
  const minScore = init.minScore ?? MIN_FACE_SCORE;
  const minFacePx = init.minFacePx ?? MIN_FACE_PX;
  await useWasmBackend(tf, init.wasmPaths);
  useTensorOnlyEnvironment(faceapi);
  await loadNets(faceapi, source);
  const detectorOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults: 100 });

  async function detect(img: RgbaImage): Promise<DetectedFace[]> {
    assertRgbaImage(img);
    const input = tf.tensor3d(rgbaToRgb(img), [img.height, img.width, 3], 'int32');
    let results: Array<{ detection: FaceApi.FaceDetection; descriptor: Float32Array }>;
    try {
      // Descriptors come from the face aligned on its 68 landmarks, as face-api's recognition net was trained.
      results = await faceapi
        .detectAllFaces(input as unknown as FaceApi.tf.Tensor3D, detectorOptions)
        .withFaceLandmarks()
        .withFaceDescriptors();
    } finally {
      input.dispose();
    }
    // The detector already dropped scores under minScore. Tiny faces got descriptors too (face-api's chain has no
    // hook between detection and description), but the SSD's 512 px input rarely finds faces that small anyway.
    const faces: DetectedFace[] = [];
    for (const { detection, descriptor } of results) {
      const { x, y, width, height } = detection.box;
      const box = clipBox({ x, y, w: width, h: height }, img.width, img.height);
      if (!box || box.w < minFacePx || box.h < minFacePx) continue;
      faces.push({ box, score: detection.score, descriptor, crop: await init.encodeCrop(cropFace(img, box)) });
    }
    return faces.sort((a, b) => b.score - a.score);
  }

  /** Faces sure enough for a photo (PHOTO_FACE_SCORE). */
  const sureInPhoto = async (img: RgbaImage) => (await detect(img)).filter((face) => face.score >= Math.max(minScore, PHOTO_FACE_SCORE));

  /** detect, and for a photo where it finds nothing, detect again inside a border (PHOTO_PAD_FACTORS). */
  async function detectInPhoto(img: RgbaImage): Promise<DetectedFace[]> {
    const found = await sureInPhoto(img);
    if (found.length > 0) return found;
    for (const factor of PHOTO_PAD_FACTORS) {
      const { image, offsetX, offsetY } = padImage(img, factor);
      const inBorder = await sureInPhoto(image);
      // Boxes back in the photo's own pixels; the crop keeps the border where the face reaches the photo's edge.
      const faces = inBorder.flatMap((face) => {
        const box = clipBox({ ...face.box, x: face.box.x - offsetX, y: face.box.y - offsetY }, img.width, img.height);
        return box ? [{ ...face, box }] : [];
      });
      if (faces.length > 0) return faces;
    }
    return [];
  }

  // tfjs runs one image at a time, and a failed call must not block the next.
  const inTurn = createSerialQueue();
  return {
    detect: (img) => inTurn(() => detect(img)),
    detectInPhoto: (img) => inTurn(() => detectInPhoto(img)),
    device: tf.getBackend(),
    loadMs: performance.now() - started,
  };
}
