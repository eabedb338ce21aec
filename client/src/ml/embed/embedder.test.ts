// @vitest-environment node
//
// The embedder's glue, run through the real transformers.js and ONNX Runtime on tiny CLIP- and
// SigLIP-shaped models written by testing/tiny-models.ts (the real weights are hub downloads; see
// embedder.model.test.ts for them). The tiny graphs are simple enough to compute the exact expected
// vectors here, so these tests check the pixels, tokens, padding, output names, batching and
// normalisation that reach and leave the model — not just shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { configureTransformers } from '../asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../asr/testing/model-files.ts';
import { loadEmbedder } from './embedder.ts';
import { EMBED_MODELS, type EmbedModelId } from './models.ts';
import { TINY_VOCAB, writeTinyModel, type TinyModel } from './testing/tiny-models.ts';
import { dot, l2normalize } from './vectors.ts';

// transformers.js's Node build runs models on onnxruntime-node (its npm package ships the Linux x64
// CPU binary). Without it these tests cannot run: say so loudly instead of failing obscurely.
const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [embedder tests] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}); transformers.js needs it in Node.\n`);

const MOBILECLIP: EmbedModelId = 'Xenova/mobileclip_s0';
const SIGLIP: EmbedModelId = 'onnx-community/siglip2-base-patch16-224-ONNX';

function solid(r: number, g: number, b: number, width = 24, height = 20): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
  return { width, height, data };
}

/** What the tiny vision graph gives for a solid colour: (preprocessed channel means) × W, normalised. */
function expectedImage(model: TinyModel, dims: number, [r, g, b]: [number, number, number]): Float32Array {
  const channel = [r, g, b].map((c) => (c / 255 - 0.5) / 0.5);
  const out = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    for (let c = 0; c < 3; c++) out[d] = (out[d] as number) + (channel[c] as number) * (model.visionWeights[c * dims + d] as number);
  }
  return l2normalize(out);
}

/** What the tiny text graph gives for these words padded to `length`: mean of their embeddings, normalised. */
function expectedText(model: TinyModel, dims: number, words: string[], length: number): Float32Array {
  const ids = words.map((w) => Math.max(TINY_VOCAB.indexOf(w), 1)).slice(0, length);
  while (ids.length < length) ids.push(0);
  const out = new Float32Array(dims);
  for (const id of ids) for (let d = 0; d < dims; d++) out[d] = (out[d] as number) + (model.tokenEmbeddings[id * dims + d] as number);
  return l2normalize(out);
}

// Cosine 1 within 5e-4: resizing even a solid image (sharp, bicubic) brightens some edge pixels by a
// few levels; the exact text path is held to 5e-6.
const expectVector = (actual: Float32Array | undefined, expected: Float32Array, digits = 3) => {
  expect(actual?.length).toBe(expected.length);
  expect(dot(actual!, actual!)).toBeCloseTo(1, 5);
  expect(dot(actual!, expected)).toBeCloseTo(1, digits);
};

describe.skipIf(runtimeProblem !== null)('loadEmbedder on tiny real models', () => {
  let root: string;
  const tiny: Partial<Record<EmbedModelId, TinyModel>> = {};

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-tiny-models-'));
    tiny[MOBILECLIP] = writeTinyModel(root, MOBILECLIP, 'clip', EMBED_MODELS[MOBILECLIP].dims);
    tiny[SIGLIP] = writeTinyModel(root, SIGLIP, 'siglip', EMBED_MODELS[SIGLIP].dims);
    configureTransformers({ localModelPath: root });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('embeds images as unit vectors of the model size, from the RGB pixels (alpha ignored)', async () => {
    const embedder = await loadEmbedder({ modelId: MOBILECLIP, device: 'cpu' });
    try {
      expect(embedder.dims).toBe(512);
      expect(embedder.dtype).toEqual({ vision_model: 'fp32', text_model: 'q8' });
      expect(embedder.devices).toEqual({ vision: 'cpu', text: 'cpu' });
      const translucent = solid(200, 30, 90);
      for (let i = 3; i < translucent.data.length; i += 4) translucent.data[i] = 7;
      const [red, blue, same] = await embedder.embedImages([solid(220, 10, 10), solid(10, 10, 220), translucent]);
      expectVector(red, expectedImage(tiny[MOBILECLIP]!, 512, [220, 10, 10]));
      expectVector(blue, expectedImage(tiny[MOBILECLIP]!, 512, [10, 10, 220]));
      expectVector(same, expectedImage(tiny[MOBILECLIP]!, 512, [200, 30, 90]));
      expect(dot(red!, blue!)).toBeLessThan(0.99);
    } finally {
      await embedder.dispose();
    }
  });

  it('batches images without mixing them up', async () => {
    const embedder = await loadEmbedder({ modelId: MOBILECLIP, device: 'cpu', imageBatchSize: 4, preload: ['vision'] });
    try {
      const colours = Array.from({ length: 10 }, (_, i) => [i * 25, 255 - i * 25, (i * 70) % 256] as [number, number, number]);
      const vectors = await embedder.embedImages(colours.map(([r, g, b]) => solid(r, g, b, 20 + i(r), 18)));
      expect(vectors).toHaveLength(10);
      const expected = colours.map((c) => expectedImage(tiny[MOBILECLIP]!, 512, c));
      vectors.forEach((v, k) => {
        expectVector(v, expected[k]!);
        // and it is nearer its own colour's vector than any other's: no mix-up across batches
        const nearest = expected.map((e) => dot(v, e)).reduce((best, sim, j, all) => (sim > (all[best] as number) ? j : best), 0);
        expect(nearest).toBe(k);
      });
      expect(await embedder.embedImages([])).toEqual([]);
    } finally {
      await embedder.dispose();
    }
    function i(r: number) {
      return r % 7; // varied image sizes in one batch
    }
  });

  it('pads CLIP text to its 77-token context and truncates longer text', async () => {
    const embedder = await loadEmbedder({ modelId: MOBILECLIP, device: 'cpu', preload: ['text'] });
    try {
      expect(embedder.loadMs.text).toBeGreaterThan(0);
      expect(embedder.loadMs.vision).toBeUndefined(); // not loaded until first used
      const long = Array.from({ length: 90 }, (_, k) => TINY_VOCAB[2 + (k % 9)]!);
      const [dog, upper, truncated] = await embedder.embedText(['a photo of a dog', 'A PHOTO OF A DOG', long.join(' ')]);
      expectVector(dog, expectedText(tiny[MOBILECLIP]!, 512, ['a', 'photo', 'of', 'a', 'dog'], 77), 5);
      // CLIP's tokenizer decides casing itself; this tiny vocabulary has no upper case, so: unknown words.
      expectVector(upper, expectedText(tiny[MOBILECLIP]!, 512, ['[UNK]', '[UNK]', '[UNK]', '[UNK]', '[UNK]'], 77), 5);
      expectVector(truncated, expectedText(tiny[MOBILECLIP]!, 512, long, 77), 5);
    } finally {
      await embedder.dispose();
    }
  });

  it('uses SigLIP outputs, lower-cases its text and pads it to 64 tokens despite a huge model_max_length', async () => {
    const embedder = await loadEmbedder({ modelId: SIGLIP, device: 'cpu', textBatchSize: 2 });
    try {
      expect(embedder.dims).toBe(768);
      const [green] = await embedder.embedImages([solid(0, 200, 0)]);
      expectVector(green, expectedImage(tiny[SIGLIP]!, 768, [0, 200, 0]));
      const long = Array.from({ length: 70 }, (_, k) => TINY_VOCAB[2 + (k % 9)]!);
      const texts = ['A Photo of a CAT', 'red car', 'blue dog', long.join(' ')];
      const vectors = await embedder.embedText(texts);
      expectVector(vectors[3], expectedText(tiny[SIGLIP]!, 768, long, 64), 5);
      expectVector(vectors[0], expectedText(tiny[SIGLIP]!, 768, ['a', 'photo', 'of', 'a', 'cat'], 64), 5);
      expectVector(vectors[1], expectedText(tiny[SIGLIP]!, 768, ['red', 'car'], 64), 5);
      expectVector(vectors[2], expectedText(tiny[SIGLIP]!, 768, ['blue', 'dog'], 64), 5);
    } finally {
      await embedder.dispose();
    }
  });

  it('rejects images whose buffer does not match their size', async () => {
    const embedder = await loadEmbedder({ modelId: MOBILECLIP, device: 'cpu', preload: [] });
    try {
      await expect(embedder.embedImages([{ width: 4, height: 4, data: new Uint8ClampedArray(10) }])).rejects.toThrow(/should hold 64 RGBA bytes/);
    } finally {
      await embedder.dispose();
    }
  });

  it('says which model is missing and how to get it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'heimdex-no-models-'));
    configureTransformers({ localModelPath: empty });
    try {
      await expect(loadEmbedder({ modelId: MOBILECLIP, device: 'cpu', preload: ['vision'] })).rejects.toThrow(
        /Xenova\/mobileclip_s0 is not on this device/,
      );
    } finally {
      configureTransformers({ localModelPath: root });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
