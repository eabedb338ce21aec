// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '../ml/registry.ts';
import { describeModel, describeReembed, devicesInUse, sortModels, splitCode } from './models.ts';

function status(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return { id: 'm', name: 'M', task: 'ocr', present: true, loaded: false, device: null, loadMs: null, error: null, default: true, selected: true, ...overrides };
}

describe('describeModel', () => {
  it('says where and how fast a loaded model loaded', () => {
    expect(describeModel(status({ loaded: true, device: 'webgpu', loadMs: 419.6 }))).toEqual({
      condition: 'loaded',
      label: 'Loaded on WebGPU in 420 ms',
      detail: null,
    });
    expect(describeModel(status({ loaded: true, device: 'wasm', loadMs: 1234 })).label).toBe('Loaded on WASM in 1234 ms');
    expect(describeModel(status({ loaded: true })).label).toBe('Loaded');
  });

  it('calls a present model that has not been used ready', () => {
    expect(describeModel(status())).toEqual({ condition: 'ready', label: 'Ready (not loaded yet)', detail: null });
  });

  it('keeps the worker’s instructions for a missing model', () => {
    const error = 'Missing 3 of 3 files (ocr/a.onnx, ocr/b.onnx and 1 more): run `npm run models:fetch -- ppocr-v4`.';
    expect(describeModel(status({ present: false, error }))).toEqual({ condition: 'missing', label: 'Not installed', detail: error });
    expect(describeModel(status({ present: false })).detail).toBe('Its files are not on this device.');
  });

  it('does not repeat "Failed to load" from the worker’s message', () => {
    expect(describeModel(status({ error: 'Failed to load: no backend' }))).toEqual({
      condition: 'failed',
      label: 'Failed to load',
      detail: 'no backend',
    });
  });
});

describe('sortModels', () => {
  it('orders by task, default first, then by id', () => {
    const sorted = sortModels([
      status({ id: 'face', task: 'faces' }),
      status({ id: 'ocr-b', task: 'ocr', default: false }),
      status({ id: 'ocr-a', task: 'ocr', default: false }),
      status({ id: 'ocr-main', task: 'ocr' }),
      status({ id: 'whisper', task: 'speech' }),
      status({ id: 'clip', task: 'visual' }),
    ]);
    expect(sorted.map((m) => m.id)).toEqual(['whisper', 'clip', 'ocr-main', 'ocr-a', 'ocr-b', 'face']);
  });
});

describe('devicesInUse', () => {
  it('lists the devices of loaded models only, WebGPU first', () => {
    expect(devicesInUse([status()])).toEqual([]);
    expect(devicesInUse([status({ loaded: true, device: 'wasm' }), status({ loaded: true, device: 'webgpu' })])).toEqual(['webgpu', 'wasm']);
    expect(devicesInUse([status({ loaded: false, device: 'webgpu' }), status({ loaded: true, device: 'wasm' })])).toEqual(['wasm']);
  });
});

describe('splitCode', () => {
  it('marks backticked parts as code', () => {
    expect(splitCode('run `npm run models:fetch`.')).toEqual([
      { text: 'run ', code: false },
      { text: 'npm run models:fetch', code: true },
      { text: '.', code: false },
    ]);
  });

  it('leaves text without pairs alone', () => {
    expect(splitCode('plain')).toEqual([{ text: 'plain', code: false }]);
    expect(splitCode('one ` tick')).toEqual([{ text: 'one ` tick', code: false }]);
    expect(splitCode('')).toEqual([]);
  });
});

describe('describeReembed', () => {
  const p = (done: number, waiting: number, stopped: number) => ({ modelId: 'siglip2-base-224', total: done + waiting + stopped, done, waiting, stopped });
  it('counts the videos done while some are waiting', () => {
    expect(describeReembed(p(3, 9, 0), 'SigLIP 2')).toBe('Re-embedding 3 of 12 videos for SigLIP 2…');
  });
  it('says when every video is on the model, and names the ones left behind', () => {
    expect(describeReembed(p(12, 0, 0), 'SigLIP 2')).toBe('All 12 videos use SigLIP 2.');
    expect(describeReembed(p(1, 0, 0), 'SigLIP 2')).toBe('All 1 video uses SigLIP 2.');
    expect(describeReembed(p(10, 0, 2), 'SigLIP 2')).toBe('2 videos were not re-embedded for SigLIP 2 (see their page); 10 of 12 were.');
  });
  it('says nothing when there was no re-embedding', () => {
    expect(describeReembed(null, 'X')).toBeNull();
    expect(describeReembed(p(0, 0, 0), 'X')).toBeNull();
  });
});
