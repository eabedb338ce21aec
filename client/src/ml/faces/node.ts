// Faces in Node (tests, bench): face-api's node-wasm build on tfjs-backend-wasm, through the same engine as the
// browser. Needs @tensorflow/tfjs (face-api's node builds require it) besides tfjs-backend-wasm.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createFaceEngine, type FaceApiModule } from './engine.ts';
import type { CropEncoder, FaceEngine, FaceEngineOptions, FaceModelSource } from './types.ts';

const require = createRequire(import.meta.url);

/** face-api's own model folder inside node_modules: the files models:copy serves as /models/faces/. */
export const FACE_API_MODEL_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

/** A model source that reads files from a folder. */
export function folderSource(dir: string): FaceModelSource {
  return async (fileName) => new Uint8Array(await readFile(join(dir, fileName)));
}

export async function loadFacesInNode(
  options: FaceEngineOptions & { encodeCrop: CropEncoder },
  source: FaceModelSource = folderSource(FACE_API_MODEL_DIR),
): Promise<FaceEngine> {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  return createFaceEngine(faceapi, source, options);
}
