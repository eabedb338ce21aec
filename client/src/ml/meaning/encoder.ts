// Sentence embeddings through transformers.js: what a scene says (its transcript and on-screen text) and a query,
// each as one unit vector, so that texts of the same meaning lie close whatever their words. The model's
// token vectors (last_hidden_state) are mean-pooled over the real tokens (attention mask) and L2-normalised, as
// sentence-transformers does for the paraphrase models; vectors of two models are never compared (the model id
// travels with each).

import type { Tensor } from '@huggingface/transformers';
import { explainLoadFailure, transformers, type MlDevice, type ModelDtype } from '../asr/transformers-runtime.ts';
import { batches, normalizedRows } from '../embed/vectors.ts';
import { MEANING_MODELS, meaningFiles, type MeaningModelId, type MeaningModelSpec } from './models.ts';

export interface LoadMeaningOptions {
  modelId: MeaningModelId;
  device: MlDevice;
  /** Overrides the model's default weight format (a models.json entry's dtype). */
  dtype?: ModelDtype;
  /** Texts per model run (default 16). */
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

type Tokenizer = (
  texts: string[],
  options: { padding: true; truncation: true; max_length: number },
) => { input_ids: Tensor; attention_mask: Tensor } & Record<string, Tensor>;
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
      const vectors: Float32Array[] = [];
      for (const batch of batches(texts, batchSize)) {
        // max_length is explicit: tokenizer configs often say 512 or 1e30, beyond what the model was trained on.
        const inputs = tokenizer([...batch], { padding: true, truncation: true, max_length: spec.maxTokens });
        const output = await model(inputs);
        const hidden = output.last_hidden_state;
        if (!hidden) throw new Error(`Model ${spec.id} gave no "last_hidden_state" (it gave: ${Object.keys(output).join(', ')}).`);
        if (hidden.dims.length !== 3 || hidden.dims[0] !== batch.length || hidden.dims[2] !== spec.dims) {
          throw new Error(`Model ${spec.id} gave token vectors of shape [${hidden.dims.join(', ')}], expected [${batch.length}, n, ${spec.dims}].`);
        }
        const pooled = t.mean_pooling(hidden.type === 'float32' ? hidden : hidden.to('float32'), inputs.attention_mask);
        vectors.push(...normalizedRows(pooled.data as Float32Array, batch.length, spec.dims));
      }
      return vectors;
    },
    async dispose() {
      await model.dispose();
    },
  };
}
