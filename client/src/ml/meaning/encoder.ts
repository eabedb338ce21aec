// Sentence embeddings through transformers.js: what a scene says (its transcript and on-screen text) and a query,
// each as one unit vector, so that texts of the same meaning lie close whatever their words. The model's
// token vectors (last_hidden_state) are mean-pooled over the real tokens (attention mask) and L2-normalised, as
// sentence-transformers does for the paraphrase models; vectors of two models are never compared (the model id
// travels with each).

import type { Tensor } from '@huggingface/transformers';
import { explainLoadFailure, transformers, type MlDevice, type ModelDtype } from '../asr/transformers-runtime.ts';
import { batches, l2normalize, normalizedRows } from '../embed/vectors.ts';
import { MEANING_MODELS, meaningFiles, type MeaningModelId, type MeaningModelSpec } from './models.ts';

export interface LoadMeaningOptions {
  modelId: MeaningModelId;
  device: MlDevice;
  /** Overrides the model's default weight format (a models.json entry's dtype). */
  dtype?: ModelDtype;
  /** Texts (or windows of long texts) per model run (default 16). */
  batchSize?: number;
}

export interface MeaningEncoder {
  readonly modelId: MeaningModelId;
  readonly dims: number;
  readonly device: MlDevice;
  readonly dtype: ModelDtype;
  readonly loadMs: number;
  /** One unit-length vector per text, in order. Every text must hold something besides spaces. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

interface Tokenizer {
  (texts: string[], options: { padding: true; truncation: true; max_length: number }): { input_ids: Tensor; attention_mask: Tensor } & Record<string, Tensor>;
  encode(text: string, options: { add_special_tokens: false }): number[];
}

/** The two special tokens a BERT-shaped input wraps a text in ([CLS] … [SEP]). */
const SPECIAL_TOKENS = 2;

/**
 * A text cut into windows of whole words that each fit `maxTokens` tokens (a word longer than that is a window of
 * its own, cut by the tokenizer), with each window's token count. A text that fits is one window.
 */
export function tokenWindows(text: string, tokensOf: (text: string) => number, maxTokens: number): { text: string; tokens: number }[] {
  const whole = tokensOf(text);
  if (whole <= maxTokens) return [{ text, tokens: whole }];
  const windows: { text: string; tokens: number }[] = [];
  let words: string[] = [];
  let tokens = 0;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const n = tokensOf(word);
    if (words.length > 0 && tokens + n > maxTokens) {
      windows.push({ text: words.join(' '), tokens });
      words = [];
      tokens = 0;
    }
    words.push(word);
    tokens += n;
  }
  if (words.length > 0) windows.push({ text: words.join(' '), tokens });
  return windows;
}
interface EncoderModel {
  (inputs: Record<string, Tensor>): Promise<Record<string, Tensor | undefined>>;
  dispose(): Promise<unknown>;
}

/**
 * 8-bit weights stay off WebGPU, where int8 kernels are unreliable (transformers.js #1512); a MiniLM runs a
 * scene's text in milliseconds on WASM anyway.
 */
export function meaningDevice(device: MlDevice, dtype: ModelDtype): MlDevice {
  return device === 'webgpu' && (dtype === 'q8' || dtype === 'int8' || dtype === 'uint8') ? 'wasm' : device;
}

export async function loadMeaningEncoder(options: LoadMeaningOptions): Promise<MeaningEncoder> {
  const spec: MeaningModelSpec | undefined = MEANING_MODELS[options.modelId];
  if (!spec) throw new Error(`Unknown sentence-embedding model "${options.modelId}". Known: ${Object.keys(MEANING_MODELS).join(', ')}.`);
  const dtype = options.dtype ?? spec.defaultDtype;
  const device = meaningDevice(options.device, dtype);
  const batchSize = options.batchSize ?? 16;
  batches([], batchSize); // rejects a bad size now

  const t = await transformers();
  const started = performance.now();
  let tokenizer: Tokenizer;
  let model: EncoderModel;
  try {
    const [loadedTokenizer, loadedModel] = await Promise.all([
      t.AutoTokenizer.from_pretrained(spec.id),
      t.AutoModel.from_pretrained(spec.id, { device, dtype }),
    ]);
    tokenizer = loadedTokenizer as unknown as Tokenizer;
    model = loadedModel as unknown as EncoderModel;
  } catch (error) {
    throw await explainLoadFailure(spec.id, meaningFiles(dtype), error);
  }
  const loadMs = performance.now() - started;

  return {
    modelId: spec.id,
    dims: spec.dims,
    device,
    dtype,
    loadMs,
    async embed(texts) {
      texts.forEach((text, i) => {
        if (text.trim() === '') throw new Error(`Text ${i} is empty: there is no meaning to embed.`);
      });
      // A text longer than the model reads (a scene of long speech) is read in windows, and its vector is the
      // windows' vectors weighted by their tokens: words past the first window still count.
      const tokensOf = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).length;
      const windowsOf = texts.map((text) => tokenWindows(text, tokensOf, spec.maxTokens - SPECIAL_TOKENS));
      const windowVectors: Float32Array[] = [];
      for (const batch of batches(windowsOf.flat().map((w) => w.text), batchSize)) {
        // max_length is explicit: tokenizer configs often say 512 or 1e30, beyond what the model was trained on.
        const inputs = tokenizer([...batch], { padding: true, truncation: true, max_length: spec.maxTokens });
        const output = await model(inputs);
        const hidden = output.last_hidden_state;
        if (!hidden) throw new Error(`Model ${spec.id} gave no "last_hidden_state" (it gave: ${Object.keys(output).join(', ')}).`);
        if (hidden.dims.length !== 3 || hidden.dims[0] !== batch.length || hidden.dims[2] !== spec.dims) {
          throw new Error(`Model ${spec.id} gave token vectors of shape [${hidden.dims.join(', ')}], expected [${batch.length}, n, ${spec.dims}].`);
        }
        const pooled = t.mean_pooling(hidden.type === 'float32' ? hidden : hidden.to('float32'), inputs.attention_mask);
        windowVectors.push(...normalizedRows(pooled.data as Float32Array, batch.length, spec.dims));
      }
      let next = 0;
      return windowsOf.map((windows) => {
        if (windows.length === 1) return windowVectors[next++]!;
        const sum = new Float32Array(spec.dims);
        for (const { tokens } of windows) {
          const vector = windowVectors[next++]!;
          for (let d = 0; d < spec.dims; d++) sum[d] = sum[d]! + vector[d]! * tokens;
        }
        return l2normalize(sum);
      });
    },
    async dispose() {
      await model.dispose();
    },
  };
}
