// The CLIP-family encoders the app can use, and what differs between them. Pure data: the loader,
// the model manager and the tests all read it.

import { isEightBit, onnxFileName, type MlDevice, type ModelDtype } from '../asr/transformers-runtime.ts';

export type EmbedModelId = 'Xenova/mobileclip_s0' | 'onnx-community/siglip2-base-patch16-224-ONNX';

/** Weight format of each tower, keyed like the ONNX files (and models.json's per-module dtype). */
export interface EmbedDtype {
  vision_model: ModelDtype;
  text_model: ModelDtype;
}

export interface EmbedModelSpec {
  id: EmbedModelId;
  /**
   * 'clip': CLIP{Text,Vision}ModelWithProjection, outputs text_embeds / image_embeds.
   * 'siglip': Siglip{Text,Vision}Model, outputs pooler_output (fixed-resolution SigLIP2 exports load as SigLIP).
   */
  family: 'clip' | 'siglip';
  /** Embedding size: the length of every vector this model produces. */
  dims: number;
  /** Text is padded to exactly this many tokens ('max_length' padding; SigLIP was trained that way). */
  textMaxLength: number;
  /** SigLIP2 was trained on lower-cased text, and its Gemma tokenizer does not lower-case. */
  lowercaseText: boolean;
  /**
   * Weight formats used unless told otherwise. Vision fp32: q8 vision towers lose much retrieval accuracy
   * (measured for MobileCLIP), and each keyframe is embedded once. Text q8: one short query at a time,
   * 4× smaller.
   */
  defaultDtype: EmbedDtype;
  /** Approximate download per tower and dtype (MB), for the model manager's messages and the choice of default. */
  sizesMb: Partial<Record<ModelDtype, { vision: number; text: number }>>;
}

export const EMBED_MODELS: Readonly<Record<EmbedModelId, EmbedModelSpec>> = {
  'Xenova/mobileclip_s0': {
    id: 'Xenova/mobileclip_s0',
    family: 'clip',
    dims: 512,
    textMaxLength: 77,
    lowercaseText: false,
    defaultDtype: { vision_model: 'fp32', text_model: 'q8' },
    sizesMb: { q8: { vision: 12, text: 43 }, fp32: { vision: 46, text: 170 } },
  },
  'onnx-community/siglip2-base-patch16-224-ONNX': {
    id: 'onnx-community/siglip2-base-patch16-224-ONNX',
    family: 'siglip',
    dims: 768,
    textMaxLength: 64,
    lowercaseText: true,
    defaultDtype: { vision_model: 'fp32', text_model: 'q8' },
    sizesMb: { q8: { vision: 100, text: 111 }, fp32: { vision: 372, text: 441 } },
  },
};

/**
 * The device each tower runs on when asked for `device`: a tower with 8-bit weights stays on WASM
 * rather than WebGPU, where int8 models are unreliable (transformers.js #1512) — with the default
 * dtypes, vision uses WebGPU and the (q8) text tower WASM.
 */
export function towerDevices(device: MlDevice, dtype: EmbedDtype): { vision: MlDevice; text: MlDevice } {
  const on = (d: ModelDtype): MlDevice => (device === 'webgpu' && isEightBit(d) ? 'wasm' : device);
  return { vision: on(dtype.vision_model), text: on(dtype.text_model) };
}

/** The files transformers.js reads for this model at these dtypes, relative to /models/<model-id>/. */
export function embedFiles(dtype: EmbedDtype): string[] {
  return [
    'config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    onnxFileName('vision_model', dtype.vision_model),
    onnxFileName('text_model', dtype.text_model),
  ];
}
