// @vitest-environment node
//
// The sentence encoder's glue, run through the real transformers.js and ONNX Runtime on a tiny BERT-shaped model
// (testing/tiny-model.ts); the real weights are a hub download (see encoder.model.test.ts). The graph is simple
// enough to compute the exact expected vectors, so these check the tokens, special tokens, padding, long texts,
// mask-aware pooling, batching and normalisation — not only shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers } from '../asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../asr/testing/model-files.ts';
import { dot, l2normalize } from '../embed/vectors.ts';
import { loadMeaningEncoder, meaningDevice, tokenWindows } from './encoder.ts';
import { MEANING_MODELS, type MeaningModelId } from './models.ts';
import { TINY_MEANING_VOCAB, writeTinyMeaningModel } from './testing/tiny-model.ts';

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [meaning encoder tests] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}).\n`);

const MODEL: MeaningModelId = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';
const DIMS = MEANING_MODELS[MODEL].dims;

describe.skipIf(runtimeProblem !== null)('loadMeaningEncoder on a tiny real model', () => {
  let root: string;
  let E: Float32Array;

  /** Mean of [CLS] + the words' vectors + [SEP] (only real tokens: padding is masked out), normalised. */
  const expected = (words: string[], withSep = true) => {
    const ids = [2, ...words.map((w) => Math.max(TINY_MEANING_VOCAB.indexOf(w), 1)), ...(withSep ? [3] : [])];
    const out = new Float32Array(DIMS);
    for (const id of ids) for (let d = 0; d < DIMS; d++) out[d] = out[d]! + E[id * DIMS + d]!;
    return l2normalize(out);
  };
  const expectVector = (actual: Float32Array | undefined, wanted: Float32Array) => {
    expect(actual?.length).toBe(DIMS);
    expect(dot(actual!, actual!)).toBeCloseTo(1, 5);
    expect(dot(actual!, wanted)).toBeCloseTo(1, 5);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-tiny-meaning-'));
    E = writeTinyMeaningModel(root, MODEL, DIMS);
    configureTransformers({ localModelPath: root });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('mean-pools the real tokens of each text (padding left out) into unit vectors, in order across batches', async () => {
    const encoder = await loadMeaningEncoder({ modelId: MODEL, device: 'cpu', batchSize: 2 });
    try {
      expect(encoder.dims).toBe(384);
      expect(encoder.dtype).toBe('q8');
      expect(encoder.loadMs).toBeGreaterThan(0);
      const texts = ['Revenue grew', 'the cat sat', 'sales went up', 'revenue'];
      const vectors = await encoder.embed(texts);
      expect(vectors).toHaveLength(4);
      expectVector(vectors[0], expected(['revenue', 'grew']));
      // In a batch with a shorter text, a longer one is not diluted by the other's padding, nor the shorter by zeros.
      expectVector(vectors[1], expected(['the', 'cat', 'sat']));
      expectVector(vectors[2], expected(['sales', 'went', 'up']));
      expectVector(vectors[3], expected(['revenue']));
      const [alone] = await encoder.embed(['the cat sat']);
      expect(dot(alone!, vectors[1]!)).toBeCloseTo(1, 5);
      expect(await encoder.embed([])).toEqual([]);
    } finally {
      await encoder.dispose();
    }
  });

  it('reads a text longer than the model’s 128 tokens in windows, so words past the first window count', async () => {
    const encoder = await loadMeaningEncoder({ modelId: MODEL, device: 'cpu', batchSize: 2 });
    try {
      // A scene that talks of a cat for its first 126 words, then of sales for 166 more.
      const cat = Array.from({ length: 126 }, (_, k) => TINY_MEANING_VOCAB[8 + (k % 3)]!); // the cat sat …
      const words = [...cat, ...Array.from({ length: 83 }, () => ['sales', 'rose']).flat()];
      const [long, short] = await encoder.embed([words.join(' '), 'sat']);
      // Windows of 126 words (+ [CLS] and [SEP] = 128 tokens): 126, 126, 40; their vectors weighted by their words.
      const windows = [words.slice(0, 126), words.slice(126, 252), words.slice(252)];
      const sum = new Float32Array(DIMS);
      for (const w of windows) expected(w).forEach((v, d) => (sum[d] = sum[d]! + v * w.length));
      expectVector(long, l2normalize(sum));
      expectVector(short, expected(['sat']));
      // What was said after the first window counts: "revenue grew" is close to the scene; cut at 128 tokens it was not.
      const [query] = await encoder.embed(['revenue grew']);
      const [cut] = await encoder.embed([words.slice(0, 126).join(' ')]);
      expect(dot(long!, query!)).toBeGreaterThan(0.5);
      expect(dot(cut!, query!)).toBeLessThan(0.2);
    } finally {
      await encoder.dispose();
    }
  });

  it('cuts windows at whole words', () => {
    const tokensOf = (text: string) => text.split(' ').filter(Boolean).length;
    expect(tokenWindows('a b c', tokensOf, 5)).toEqual([{ text: 'a b c', tokens: 3 }]);
    expect(tokenWindows('a b c d e', tokensOf, 2)).toEqual([
      { text: 'a b', tokens: 2 },
      { text: 'c d', tokens: 2 },
      { text: 'e', tokens: 1 },
    ]);
    // A word longer than a window is a window of its own (the tokenizer cuts it).
    const wordTokens = (text: string) => text.split(' ').reduce((n, w) => n + (w === 'long' ? 5 : 1), 0);
    expect(tokenWindows('a long b', wordTokens, 3)).toEqual([
      { text: 'a', tokens: 1 },
      { text: 'long', tokens: 5 },
      { text: 'b', tokens: 1 },
    ]);
  });

  it('refuses empty text, which has no meaning to embed', async () => {
    const encoder = await loadMeaningEncoder({ modelId: MODEL, device: 'cpu' });
    try {
      await expect(encoder.embed(['revenue', '  '])).rejects.toThrow(/Text 1 is empty/);
    } finally {
      await encoder.dispose();
    }
  });

  it('keeps 8-bit weights off WebGPU', () => {
    expect(meaningDevice('webgpu', 'q8')).toBe('wasm');
    expect(meaningDevice('webgpu', 'fp32')).toBe('webgpu');
    expect(meaningDevice('wasm', 'fp32')).toBe('wasm');
  });

  it('says which model is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'heimdex-no-meaning-'));
    configureTransformers({ localModelPath: empty });
    try {
      await expect(loadMeaningEncoder({ modelId: MODEL, device: 'cpu' })).rejects.toThrow(/paraphrase-multilingual-MiniLM-L12-v2 is not on this device/);
    } finally {
      configureTransformers({ localModelPath: root });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
