// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { EMBED_MODELS, embedFiles, towerDevices } from './models.ts';

describe('embedding model specs', () => {
  it('keep vision towers full precision by default (q8 vision loses retrieval accuracy)', () => {
    for (const spec of Object.values(EMBED_MODELS)) expect(spec.defaultDtype.vision_model).toBe('fp32');
  });

  it('list the files transformers.js reads for a dtype', () => {
    expect(embedFiles({ vision_model: 'fp16', text_model: 'q8' })).toEqual([
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/vision_model_fp16.onnx',
      'onnx/text_model_quantized.onnx',
    ]);
  });

  it('keep 8-bit towers off WebGPU', () => {
    expect(towerDevices('webgpu', { vision_model: 'fp32', text_model: 'q8' })).toEqual({ vision: 'webgpu', text: 'wasm' });
    expect(towerDevices('webgpu', { vision_model: 'int8', text_model: 'fp16' })).toEqual({ vision: 'wasm', text: 'webgpu' });
    expect(towerDevices('wasm', { vision_model: 'fp32', text_model: 'q8' })).toEqual({ vision: 'wasm', text: 'wasm' });
  });
});
