// The sentence-embedding models behind search by meaning ("revenue went up" finds "revenue grew"): what the
// loader, the model manager and the tests need to know of each. Pure data.

import { onnxFileName, type ModelDtype } from '../asr/transformers-runtime.ts';

export type MeaningModelId = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';

export interface MeaningModelSpec {
  id: MeaningModelId;
  /** Length of every vector (stored beside the model id in scenes.text_vec / text_model). */
  dims: number;
  /**
   * Tokens per model input at most (the sentence-transformers model was trained on 128-token inputs): a scene's
   * longer text is read in windows of this size and their vectors averaged (encoder.ts).
   */
  maxTokens: number;
  /** Weight format unless models.json says otherwise: q8 (4× smaller; runs on WASM, where it is fast). */
  defaultDtype: ModelDtype;
}

export const MEANING_MODELS: Readonly<Record<MeaningModelId, MeaningModelSpec>> = {
  'Xenova/paraphrase-multilingual-MiniLM-L12-v2': {
    id: 'Xenova/paraphrase-multilingual-MiniLM-L12-v2',
    dims: 384,
    maxTokens: 128,
    defaultDtype: 'q8',
  },
};

/** The files transformers.js reads for this model at this dtype, relative to /models/<model-id>/. */
export function meaningFiles(dtype: ModelDtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFileName('model', dtype)];
}
