// Faces in the browser: face-api's ESM bundle (its own tfjs 4.22 inside, one instance for everything face-api does)
// on the WASM backend, models and .wasm files from our own origin. Node tests use node.ts with the same engine.
import { createFaceEngine, type FaceApiModule } from './engine.ts';
import { encodeJpeg } from './jpeg.ts';
import type { FaceEngine, FaceEngineOptions, FaceModelSource } from './types.ts';

export { faceDistance, FACE_MATCH_THRESHOLD, isSameFace } from './distance.ts';
export { FACE_MODEL_ID, MIN_FACE_PX, MIN_FACE_SCORE } from './engine.ts';
export { CROP_SIZE } from './pixels.ts';
export { FACE_MODELS, manifestFile } from './weights.ts';
export type { CropEncoder, DetectedFace, FaceBox, FaceEngine, FaceEngineOptions, FaceModelSource } from './types.ts';

/** Where `npm run models:copy` puts face-api's model folder. */
export const FACE_MODELS_URL = '/models/faces/';
/** Where `npm run models:copy` puts tfjs-backend-wasm 4.22.0's .wasm files (the version face-api's bundle has). */
export const TFJS_WASM_URL = '/tfjs/';

/** Loads the three face nets (~12 MB) on first use; call once per worker and keep the engine. */
export async function loadFaces(source: FaceModelSource = FACE_MODELS_URL, options: FaceEngineOptions = {}): Promise<FaceEngine> {
  // Loaded on demand: 1.3 MB of face-api + tfjs that only the faces stage needs.
  const faceapi = (await import('@vladmandic/face-api/dist/face-api.esm.js')) as unknown as FaceApiModule;
  return createFaceEngine(faceapi, source, {
    ...options,
    encodeCrop: options.encodeCrop ?? encodeJpeg,
    wasmPaths: TFJS_WASM_URL,
  });
}
