// @vitest-environment node
//
// The visual encoders with their real weights (public/models/<id>/, brought by `npm run models:fetch`).
// Skipped, loudly, when the files are missing. Images: plain colour fields made here and a real photo
// of people from @vladmandic/face-api's samples, decoded with Debian ffmpeg.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { configureTransformers } from '../asr/transformers-runtime.ts';
import { PUBLIC_MODELS_DIR, checkModelFiles, installedDtype } from '../asr/testing/model-files.ts';
import { loadEmbedder, type Embedder } from './embedder.ts';
import { EMBED_MODELS, embedFiles, type EmbedDtype, type EmbedModelId } from './models.ts';
import { dot } from './vectors.ts';

const PHOTO = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

function decodeWithFfmpeg(path: string): RgbaImage {
  const [width, height] = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], { encoding: 'utf8' })
    .trim()
    .split(',')
    .map(Number) as [number, number];
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return { width, height, data: new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.byteLength) };
}

function field(r: number, g: number, b: number, size = 256): RgbaImage {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
  return { width: size, height: size, data };
}

const MODELS = Object.keys(EMBED_MODELS) as EmbedModelId[];

describe.each(MODELS)('%s with real weights', (modelId) => {
  // The weights models.json installs (what `npm run models:fetch` brought), else the model's default.
  const dtype = installedDtype<EmbedDtype>(modelId) ?? EMBED_MODELS[modelId].defaultDtype;
  const files = checkModelFiles(`[visual embedding model tests: ${modelId}]`, modelId, embedFiles(dtype));
  const skip = files.skipReason !== null;
  let embedder: Embedder;

  beforeAll(async () => {
    if (skip) return;
    configureTransformers({ localModelPath: PUBLIC_MODELS_DIR });
    embedder = await loadEmbedder({ modelId, device: 'cpu', dtype });
  }, 300_000);
  afterAll(async () => {
    await embedder?.dispose();
  });

  it.skipIf(skip)('embeds images and texts as unit vectors of the model size', async () => {
    const [image] = await embedder.embedImages([field(200, 40, 40)]);
    const [text] = await embedder.embedText(['a red square']);
    for (const v of [image!, text!]) {
      expect(v.length).toBe(EMBED_MODELS[modelId].dims);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
  }, 120_000);

  it.skipIf(skip)('ranks the matching description first for each image', async () => {
    const images = await embedder.embedImages([field(220, 20, 20), field(20, 40, 220), decodeWithFfmpeg(PHOTO)]);
    const texts = await embedder.embedText(['a plain red background', 'a plain blue background', 'a photo of people']);
    const best = images.map((img) => texts.map((t) => dot(img, t)).reduce((b, s, j, all) => (s > (all[b] as number) ? j : b), 0));
    expect(best).toEqual([0, 1, 2]);
  }, 300_000);

  it.skipIf(skip)('gives the same vector for one image alone or inside a batch', async () => {
    const photo = decodeWithFfmpeg(PHOTO);
    const [alone] = await embedder.embedImages([photo]);
    const batch = await embedder.embedImages([field(1, 2, 3), photo, field(250, 250, 0)]);
    expect(dot(alone!, batch[1]!)).toBeCloseTo(1, 4);
  }, 300_000);
});
