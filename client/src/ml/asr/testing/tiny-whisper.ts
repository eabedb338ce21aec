// Test support: a tiny Whisper-shaped model folder — real ONNX encoder and merged decoder (with the
// past-key-value inputs and outputs transformers.js drives), real WhisperFeatureExtractor, tokenizer
// and generation configs — whose decoder follows a script: the logits at decoder position p are a
// one-hot of SCRIPT[p], whatever the audio. That makes every step of the speech module's glue
// observable: language detection reads position 0, generation (with Whisper's own timestamp rules)
// then produces the scripted tokens, and the module turns them into timed text.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOL, FLOAT, INT64, floatTensor, graphInput, graphOutput, int64Tensor, intAttr, intsAttr, node, onnxModel } from './onnx-writer.ts';

const VOCAB_SIZE = 51_865;
const EOT = 50_257;
const SOT = 50_258;
export const TINY_LANGUAGES = { '<|en|>': 50_259, '<|zh|>': 50_260, '<|de|>': 50_261, '<|es|>': 50_262 };
const TRANSLATE = 50_358;
const TRANSCRIBE = 50_359;
const NO_TIMESTAMPS = 50_363;
const ts = (seconds: number) => NO_TIMESTAMPS + 1 + Math.round(seconds / 0.02);
const TEXT = ['[UNK]', 'Hello', 'world', '.', 'How', 'are', 'you', '?'];
const word = (w: string) => TEXT.indexOf(w);

/** The language the tiny model "hears" (position 0 of the script). */
export const TINY_DETECTED_LANGUAGE = 'de';
/** What it says in every 30 s window, relative to the window start. */
export const TINY_WINDOW_SEGMENTS = [
  { startS: 6, endS: 8.4, text: 'Hello world.' },
  { startS: 8.4, endS: 10.1, text: 'How are you?' },
];

// Position 0 follows <|startoftranscript|> (language), 1 and 2 follow the language and task tokens.
const SCRIPT = [
  TINY_LANGUAGES['<|de|>'], TRANSCRIBE, ts(6),
  word('Hello'), word('world'), word('.'), ts(8.4), ts(8.4),
  word('How'), word('are'), word('you'), word('?'), ts(10.1), EOT,
];
const SCRIPT_ROWS = 32; // positions past the script repeat <|endoftext|>

/** Writes `<root>/<modelId>/` with the files whisperFiles() lists (the fp32 graphs also under their q8/q4 names). */
export function writeTinyWhisper(root: string, modelId: string): void {
  const dir = join(root, modelId);
  mkdirSync(join(dir, 'onnx'), { recursive: true });

  // Encoder: [B, 80, 3000] mel frames → [B, 1500, 1] (the mean over mel bins of frame pairs).
  const encoder = onnxModel([
    node('ReduceMean', ['input_features'], ['per_frame'], [intsAttr('axes', [1]), intAttr('keepdims', 1)]),
    node('Reshape', ['per_frame', 'pairs_shape'], ['pairs']),
    node('ReduceMean', ['pairs'], ['last_hidden_state'], [intsAttr('axes', [2]), intAttr('keepdims', 1)]),
    int64Tensor('pairs_shape', [3], [-1, 1500, 2]),
    graphInput('input_features', FLOAT, ['batch_size', 80, 3000]),
    graphOutput('last_hidden_state', FLOAT, ['batch_size', 1500, 1]),
  ]);

  // Merged decoder, one layer, one head of size 1: logits[p] = one-hot(SCRIPT[p]) × 30, where p counts
  // from the cached length; the caches grow like a real decoder's.
  const script = new Float32Array(SCRIPT_ROWS * VOCAB_SIZE);
  for (let p = 0; p < SCRIPT_ROWS; p++) script[p * VOCAB_SIZE + (SCRIPT[p] ?? EOT)] = 30;
  const past = (kind: string, part: string) => `past_key_values.0.${kind}.${part}`;
  const present = (kind: string, part: string) => `present.0.${kind}.${part}`;
  const decoder = onnxModel([
    node('Shape', [past('decoder', 'key')], ['past_shape']),
    node('Gather', ['past_shape', 'two'], ['past_length'], [intAttr('axis', 0)]),
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'one'], ['new_length'], [intAttr('axis', 0)]),
    node('Add', ['past_length', 'new_length'], ['end']),
    node('Range', ['past_length', 'end', 'one'], ['positions']),
    node('Gather', ['script', 'positions'], ['rows'], [intAttr('axis', 0)]),
    node('Unsqueeze', ['rows', 'axis0'], ['logits']),
    node('Cast', ['input_ids'], ['ids_float'], [intAttr('to', FLOAT)]),
    node('Mul', ['ids_float', 'zero'], ['zeros']),
    node('Unsqueeze', ['zeros', 'axes13'], ['new_kv']),
    node('Concat', [past('decoder', 'key'), 'new_kv'], [present('decoder', 'key')], [intAttr('axis', 2)]),
    node('Concat', [past('decoder', 'value'), 'new_kv'], [present('decoder', 'value')], [intAttr('axis', 2)]),
    node('ReduceMean', ['encoder_hidden_states'], ['encoder_mean'], [intsAttr('axes', [2]), intAttr('keepdims', 1)]),
    node('Unsqueeze', ['encoder_mean', 'axis1'], [present('encoder', 'key')]),
    node('Identity', [present('encoder', 'key')], [present('encoder', 'value')]),
    floatTensor('script', [SCRIPT_ROWS, VOCAB_SIZE], script),
    int64Tensor('one', [], [1]),
    int64Tensor('two', [], [2]),
    int64Tensor('axis0', [1], [0]),
    int64Tensor('axis1', [1], [1]),
    int64Tensor('axes13', [2], [1, 3]),
    floatTensor('zero', [], new Float32Array([0])),
    graphInput('input_ids', INT64, ['batch_size', 'decoder_sequence_length']),
    graphInput('encoder_hidden_states', FLOAT, ['batch_size', 'encoder_sequence_length', 1]),
    ...['decoder', 'encoder'].flatMap((kind) =>
      ['key', 'value'].map((part) => graphInput(past(kind, part), FLOAT, ['batch_size', 1, `past_${kind}_sequence_length`, 1])),
    ),
    graphInput('use_cache_branch', BOOL, [1]),
    graphOutput('logits', FLOAT, [1, 'decoder_sequence_length', VOCAB_SIZE]),
    ...['decoder', 'encoder'].flatMap((kind) =>
      ['key', 'value'].map((part) => graphOutput(present(kind, part), FLOAT, ['batch_size', 1, `present_${kind}_sequence_length`, 1])),
    ),
  ]);
  for (const suffix of ['', '_quantized']) writeFileSync(join(dir, 'onnx', `encoder_model${suffix}.onnx`), encoder);
  for (const suffix of ['', '_quantized', '_q4']) writeFileSync(join(dir, 'onnx', `decoder_model_merged${suffix}.onnx`), decoder);

  const json = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));
  json('config.json', {
    model_type: 'whisper',
    is_encoder_decoder: true,
    vocab_size: VOCAB_SIZE,
    d_model: 1,
    encoder_layers: 1,
    encoder_attention_heads: 1,
    decoder_layers: 1,
    decoder_attention_heads: 1,
    max_source_positions: 1500,
    max_target_positions: 448,
    num_mel_bins: 80,
    decoder_start_token_id: SOT,
    eos_token_id: EOT,
    pad_token_id: EOT,
  });
  json('generation_config.json', {
    decoder_start_token_id: SOT,
    eos_token_id: EOT,
    pad_token_id: EOT,
    bos_token_id: EOT,
    max_length: 448,
    is_multilingual: true,
    lang_to_id: TINY_LANGUAGES,
    task_to_id: { translate: TRANSLATE, transcribe: TRANSCRIBE },
    no_timestamps_token_id: NO_TIMESTAMPS,
    begin_suppress_tokens: [220, EOT],
    suppress_tokens: [],
  });
  json('preprocessor_config.json', {
    feature_extractor_type: 'WhisperFeatureExtractor',
    processor_class: 'WhisperProcessor',
    feature_size: 80,
    sampling_rate: 16_000,
    hop_length: 160,
    chunk_length: 30,
    n_fft: 400,
    n_samples: 480_000,
    nb_max_frames: 3000,
    padding_side: 'right',
    padding_value: 0,
    return_attention_mask: false,
  });
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  json('tokenizer.json', {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      special(EOT, '<|endoftext|>'),
      special(SOT, '<|startoftranscript|>'),
      ...Object.entries(TINY_LANGUAGES).map(([token, id]) => special(id, token)),
      special(TRANSLATE, '<|translate|>'),
      special(TRANSCRIBE, '<|transcribe|>'),
      special(NO_TIMESTAMPS, '<|notimestamps|>'),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(TEXT.map((w, i) => [w, i])) },
  });
  json('tokenizer_config.json', { tokenizer_class: 'WhisperTokenizer', model_max_length: 448, unk_token: '[UNK]', eos_token: '<|endoftext|>', bos_token: '<|endoftext|>', pad_token: '<|endoftext|>' });
}
