// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { modelStatus } from '../ml/testing/fixtures.ts';
import { describeModel, describeReembed, devicesInUse, sortModels } from './models.ts';

const status = modelStatus;

describe('describeModel', () => {
  it('says a model is on this device, and where and how fast it loaded once used', () => {
    expect(describeModel(status())).toMatchObject({ condition: 'ready', label: 'On this device', size: '16 MB', actions: ['remove'] });
    expect(describeModel(status({ loaded: true, device: 'webgpu', loadMs: 419.6 })).label).toBe('On this device · runs on WebGPU, loaded in 420 ms');
    expect(describeModel(status({ loaded: true, device: 'wasm' })).label).toBe('On this device · runs on WASM');
  });

  it('offers a download for a missing model, with its size (an estimate says so) and what a past try kept', () => {
    const missing = status({ present: false, storedBytes: 0 });
    expect(describeModel(missing)).toMatchObject({ condition: 'missing', label: 'Not on this device', size: '16 MB', actions: ['download'] });
    expect(describeModel(status({ present: false, storedBytes: 0, downloadBytes: 80_000_000, downloadBytesExact: false })).size).toBe('about 80 MB');
    expect(describeModel(status({ present: false, storedBytes: 4_000_000 })).label).toBe('Not on this device (4 MB downloaded so far)');
  });

  it('shows a download’s progress and offers to cancel it', () => {
    const view = describeModel(status({ present: false }), { phase: 'downloading', receivedBytes: 4_000_000, totalBytes: 16_000_000 });
    expect(view).toMatchObject({ condition: 'downloading', label: 'Downloading 25% (4 MB of 16 MB)', progress: 0.25, actions: ['cancel'] });
    expect(describeModel(status({ present: false }), { phase: 'downloading', receivedBytes: 0, totalBytes: null }).label).toBe('Downloading 0%');
  });

  it('explains a stopped download in plain words, offline apart', () => {
    const failed = describeModel(status({ present: false }), { phase: 'failed', message: 'A downloaded file did not match.', offline: false });
    expect(failed).toMatchObject({ condition: 'failed', label: 'Download stopped', detail: 'A downloaded file did not match.', actions: ['download'] });
    expect(describeModel(status({ present: false }), { phase: 'failed', message: 'x', offline: true }).detail).toMatch(/offline\. What was downloaded is kept/);
  });

  it('never shows a command or a file path', () => {
    const views = [
      describeModel(status({ present: false })),
      describeModel(status({ error: 'Failed to load: no backend' })),
      describeModel(status({ present: false }), { phase: 'failed', message: 'x', offline: true }),
    ];
    for (const view of views) expect(`${view.label} ${view.detail ?? ''}`).not.toMatch(/npm|models:|public\//);
    expect(views[1]).toMatchObject({ condition: 'failed', detail: 'no backend' });
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
