// Reads face-api's weights (a tfjs manifest plus its .bin shards) from any FaceModelSource, so the browser (URLs on
// our own origin) and Node (files) load the nets through the same code.
import type { io, NamedTensorMap } from '@tensorflow/tfjs-core';
import type { FaceModelSource } from './types.ts';

/** The three nets one face needs: detector, 68-point landmarks (to align the face), 128-d descriptor. */
export const FACE_MODELS = ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'face_recognition_model'] as const;
export type FaceModelName = (typeof FACE_MODELS)[number];

export const manifestFile = (model: FaceModelName) => `${model}-weights_manifest.json`;

type FileReader = (fileName: string) => Promise<Uint8Array>;

/** One file reader for both kinds of source; URL misses become errors that say which file and what to run. */
export function fileReader(source: FaceModelSource): FileReader {
  if (typeof source === 'function') return source;
  const base = source.endsWith('/') ? source : `${source}/`;
  return async (fileName) => {
    const url = `${base}${fileName}`;
    const response = await fetch(url);
    // A missing file behind an SPA fallback comes back as index.html with 200: check the type as well.
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || type.includes('text/html')) {
      throw new Error(
        `Face model file ${url} is missing (HTTP ${response.status}${response.ok ? `, ${type}` : ''}).`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}

function parseManifest(bytes: Uint8Array, fileName: string): io.WeightsManifestConfig {
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`Face model manifest ${fileName} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(manifest) || manifest.some((group) => !Array.isArray(group?.paths) || !Array.isArray(group?.weights))) {
    throw new Error(`Face model manifest ${fileName} is not a tfjs weights manifest`);
  }
  return manifest as io.WeightsManifestConfig;
}

function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/** What weight decoding needs from tfjs (the caller passes face-api's own tfjs instance). */
export interface WeightDecoder {
  io: { decodeWeights(data: ArrayBuffer, specs: io.WeightsManifestEntry[]): NamedTensorMap };
}

/** Reads a model's manifest and shards and decodes them into tensors, the form face-api's `loadFromWeightMap` takes. */
export async function readWeightMap(tf: WeightDecoder, read: FileReader, model: FaceModelName): Promise<NamedTensorMap> {
  const name = manifestFile(model);
  const manifest = parseManifest(await read(name), name);
  // decodeWeights walks the specs in order over one buffer: shards of every group, concatenated in manifest order.
  const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((path) => read(path)));
  const specs = manifest.flatMap((group) => group.weights);
  return tf.io.decodeWeights(concatBytes(shards), specs);
}
