// Test support: writes tiny CLIP- and SigLIP-shaped model folders (real ONNX graphs, real processor and
// tokenizer configs) so the embedder's glue — file layout, processor, tokenizer options, output names,
// batching, normalisation — runs through the real transformers.js + ONNX Runtime without the hub
// weights. The graphs are simple enough that a test can compute the exact expected vector:
//   vision: mean of each colour channel of the preprocessed image × W[3, dims]
//   text:   mean over the (padded) token positions of E[token id]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOAT, INT64, floatTensor, graphInput, graphOutput, intAttr, intsAttr, node, onnxModel } from '../../asr/testing/onnx-writer.ts';

// ---- the tiny models ------------------------------------------------------------------------------

export const TINY_IMAGE_SIZE = 16;
export const TINY_VOCAB = ['[PAD]', '[UNK]', 'a', 'photo', 'of', 'red', 'blue', 'green', 'dog', 'cat', 'car'];

/** Deterministic, varied weights: values in [-1, 1). */
export function tinyWeights(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

export interface TinyModel {
  /** W[3, dims], row-major: the vision tower's projection of the mean colour. */
  visionWeights: Float32Array;
  /** E[vocab, dims], row-major: the text tower's token embeddings. */
  tokenEmbeddings: Float32Array;
}

/**
 * Writes `<root>/<modelId>/` with config, preprocessor and tokenizer files and fp32 + q8-named ONNX files
 * (the same fp32 graph under both names). `family` picks the output names and processor type.
 */
export function writeTinyModel(root: string, modelId: string, family: 'clip' | 'siglip', dims: number): TinyModel {
  const dir = join(root, modelId);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const visionWeights = tinyWeights(3, dims, 7);
  const tokenEmbeddings = tinyWeights(TINY_VOCAB.length, dims, 11);

  const visionOut = family === 'clip' ? 'image_embeds' : 'pooler_output';
  const vision = onnxModel([
    node('ReduceMean', ['pixel_values'], ['mean_colour'], [intsAttr('axes', [2, 3]), intAttr('keepdims', 0)]),
    node('MatMul', ['mean_colour', 'W'], [visionOut]),
    floatTensor('W', [3, dims], visionWeights),
    graphInput('pixel_values', FLOAT, ['batch_size', 3, TINY_IMAGE_SIZE, TINY_IMAGE_SIZE]),
    graphOutput(visionOut, FLOAT, ['batch_size', dims]),
  ]);
  const textOut = family === 'clip' ? 'text_embeds' : 'pooler_output';
  const text = onnxModel([
    node('Gather', ['E', 'input_ids'], ['token_vectors'], [intAttr('axis', 0)]),
    node('ReduceMean', ['token_vectors'], [textOut], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    floatTensor('E', [TINY_VOCAB.length, dims], tokenEmbeddings),
    graphInput('input_ids', INT64, ['batch_size', 'sequence_length']),
    graphOutput(textOut, FLOAT, ['batch_size', dims]),
  ]);
  for (const suffix of ['', '_quantized']) {
    writeFileSync(join(dir, 'onnx', `vision_model${suffix}.onnx`), vision);
    writeFileSync(join(dir, 'onnx', `text_model${suffix}.onnx`), text);
  }

  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: family, projection_dim: dims }));
  const normalize = { do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], do_convert_rgb: true };
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify(
      family === 'clip'
        ? { image_processor_type: 'CLIPImageProcessor', do_resize: true, size: { shortest_edge: TINY_IMAGE_SIZE }, resample: 3, do_center_crop: true, crop_size: { height: TINY_IMAGE_SIZE, width: TINY_IMAGE_SIZE }, ...normalize }
        : { image_processor_type: 'SiglipImageProcessor', do_resize: true, size: { height: TINY_IMAGE_SIZE, width: TINY_IMAGE_SIZE }, resample: 2, ...normalize },
    ),
  );
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
      normalizer: null,
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(TINY_VOCAB.map((w, i) => [w, i])) },
    }),
  );
  // A huge model_max_length, as real SigLIP2 configs have: the embedder must pass its own max_length.
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'PreTrainedTokenizer', model_max_length: 1e30, pad_token: '[PAD]', unk_token: '[UNK]' }));
  return { visionWeights, tokenEmbeddings };
}
