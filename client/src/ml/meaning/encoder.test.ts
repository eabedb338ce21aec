// @vitest-environment node
//
// The sentence encoder's glue, run through the real transformers.js and ONNX Runtime on a tiny BERT-shaped model
// (testing/tiny-model.ts); the real weights are a hub download (see encoder.model.test.ts). The graph is simple
// enough to compute the exact expected vectors, so these check the tokens, special tokens, padding, truncation,
// mask-aware pooling, batching and normalisation — not only shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers } from '../asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../asr/testing/model-files.ts';
import { dot, l2normalize } from '../embed/vectors.ts';
import { loadMeaningEncoder, meaningDevice } from './encoder.ts';
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

  it('cuts long text at the model’s 128 tokens, whatever the tokenizer config says', async () => {
    const encoder = await loadMeaningEncoder({ modelId: MODEL, device: 'cpu' });
    try {
      const words = Array.from({ length: 300 }, (_, k) => TINY_MEANING_VOCAB[4 + (k % 9)]!);
      const [long] = await encoder.embed([words.join(' ')]);
      // transformers.js 4.3 cuts after adding the special tokens: [CLS] + 127 words, the closing [SEP] cut too.
      expectVector(long, expected(words.slice(0, 127), false));
    } finally {
      await encoder.dispose();
    }
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
