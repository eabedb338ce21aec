// Test support: writes a tiny BERT-shaped sentence-embedding model folder (a real ONNX graph, a real WordPiece
// tokenizer with [CLS]/[SEP] and lower-casing, a bert config) so the encoder's whole path — AutoTokenizer,
// AutoModel, padding and truncation, attention-mask mean pooling, normalisation — runs through the real
// transformers.js + ONNX Runtime without the hub weights. The graph is simple enough for a test to compute the
// exact expected vector: last_hidden_state[b, t] = E[input_ids[b, t]] × attention_mask[b, t].

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOAT, INT64, floatTensor, graphInput, graphOutput, int64Tensor, intAttr, node, onnxModel } from '../../asr/testing/onnx-writer.ts';
import { tinyWeights } from '../../embed/testing/tiny-models.ts';

export const TINY_MEANING_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'revenue', 'grew', 'went', 'up', 'the', 'cat', 'sat', 'sales', 'rose'];

/**
 * Words the tiny model takes as meaning the same (their token vectors are equal): "sales rose" then means exactly
 * what "revenue grew" means, so search by meaning can be tested on paraphrases with a known answer.
 */
export const TINY_SYNONYMS: readonly (readonly string[])[] = [
  ['revenue', 'sales'],
  ['grew', 'rose'],
];

export interface TinyMeaningOptions {
  /** Lower-case words added after TINY_MEANING_VOCAB (e.g. what a fixture's on-screen text reads). */
  extraWords?: readonly string[];
  /** Groups of words taken as synonyms, besides TINY_SYNONYMS. */
  extraSynonyms?: readonly (readonly string[])[];
}

/** E[vocab, dims], row-major: each token's vector (vocabulary: TINY_MEANING_VOCAB, then `extraWords`). */
export function writeTinyMeaningModel(root: string, modelId: string, dims: number, options: TinyMeaningOptions = {}): Float32Array {
  const dir = join(root, modelId);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const vocab = [...TINY_MEANING_VOCAB, ...(options.extraWords ?? []).filter((w) => !TINY_MEANING_VOCAB.includes(w))];
  const tokenEmbeddings = tinyWeights(vocab.length, dims, 23);
  for (const [first, ...others] of [...TINY_SYNONYMS, ...(options.extraSynonyms ?? [])]) {
    const from = vocab.indexOf(first!) * dims;
    for (const word of others) tokenEmbeddings.copyWithin(vocab.indexOf(word) * dims, from, from + dims);
  }
  const graph = onnxModel([
    node('Gather', ['E', 'input_ids'], ['token_vectors'], [intAttr('axis', 0)]),
    node('Cast', ['attention_mask'], ['mask_float'], [intAttr('to', FLOAT)]),
    node('Unsqueeze', ['mask_float', 'last_axis'], ['mask_column']),
    // Padding positions come out as zeros, unlike a real model's: pooling that ignored the mask would show.
    node('Mul', ['token_vectors', 'mask_column'], ['last_hidden_state']),
    floatTensor('E', [vocab.length, dims], tokenEmbeddings),
    int64Tensor('last_axis', [1], [2]),
    graphInput('input_ids', INT64, ['batch_size', 'sequence_length']),
    graphInput('attention_mask', INT64, ['batch_size', 'sequence_length']),
    graphOutput('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dims]),
  ]);
  for (const suffix of ['', '_quantized']) writeFileSync(join(dir, 'onnx', `model${suffix}.onnx`), graph);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: dims }));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: TINY_MEANING_VOCAB.slice(0, 4).map((t, i) => special(i, t)),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
      },
    }),
  );
  // 512 as real configs say: the encoder must cut at the model's own training length.
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'PreTrainedTokenizer', model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]' }),
  );
  return tokenEmbeddings;
}
