// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../ml/registry.ts';
import { sampleManifest } from '../ml/testing/fixtures.ts';
import { downloadSources, holdingOf, storedStatuses, type StoredFile } from './inventory.ts';
import { emptyLock, type ModelsLock } from './lock.ts';

const manifest = sampleManifest('https://hub.example/org/b');
const [ocr, clip] = manifest.models as [ModelEntry, ModelEntry];
const stored = (...files: StoredFile[]) => new Map(files.map((f) => [f.path, f]));

describe('holdingOf', () => {
  it('counts a model present only when every file is stored with its pinned size and hash', () => {
    expect(holdingOf(ocr, stored(), emptyLock())).toMatchObject({ present: false, storedBytes: 0, downloadBytes: 8, downloadBytesExact: true });
    const half = stored({ path: 'ocr/a.onnx', bytes: 5, sha256: 'a'.repeat(64) });
    expect(holdingOf(ocr, half, emptyLock())).toMatchObject({ present: false, storedBytes: 5, missing: [{ path: 'ocr/b.txt' }] });
    const wrong = stored({ path: 'ocr/a.onnx', bytes: 5, sha256: 'a'.repeat(64) }, { path: 'ocr/b.txt', bytes: 3, sha256: 'c'.repeat(64) });
    expect(holdingOf(ocr, wrong, emptyLock()).present).toBe(false);
    const all = stored({ path: 'ocr/a.onnx', bytes: 5, sha256: 'a'.repeat(64) }, { path: 'ocr/b.txt', bytes: 3, sha256: 'b'.repeat(64) });
    expect(holdingOf(ocr, all, emptyLock())).toMatchObject({ present: true, storedBytes: 8, missing: [] });
  });

  it('shows the estimate for unpinned hub files, checks them against the lock where a server recorded one', () => {
    expect(holdingOf(clip, stored(), emptyLock())).toMatchObject({ downloadBytes: 90_000_000, downloadBytesExact: false });
    const files = stored({ path: 'org/b/config.json', bytes: 2, sha256: 'd'.repeat(64) }, { path: 'org/b/onnx/vision model.onnx', bytes: 7, sha256: 'e'.repeat(64) });
    expect(holdingOf(clip, files, emptyLock())).toMatchObject({ present: true, downloadBytes: 9, downloadBytesExact: true });
    const lock: ModelsLock = {
      lockVersion: 1,
      models: { 'clip-b': { repo: 'org/b', revision: 'main', commit: 'f'.repeat(40), files: { 'org/b/config.json': { bytes: 2, sha256: '0'.repeat(64) } } } },
    };
    expect(holdingOf(clip, files, lock)).toMatchObject({ present: false, missing: [{ path: 'org/b/config.json', sha256: '0'.repeat(64) }] });
  });

  it('gives Settings one status per model, bundled ones marked', () => {
    expect(storedStatuses(manifest, stored(), emptyLock()).map((s) => [s.id, s.present, s.bundled, s.selected])).toEqual([
      ['ocr-a', false, true, true],
      ['clip-b', false, false, true],
    ]);
  });
});

describe('downloadSources', () => {
  it('asks the app’s own server first, then the hub at the locked commit (else the revision)', () => {
    const file = { path: 'org/b/onnx/vision model.onnx', bytes: null, sha256: null };
    expect(downloadSources(clip, file, emptyLock())).toEqual([
      { url: '/models/org/b/onnx/vision model.onnx', from: 'app' },
      { url: 'https://hub.example/org/b/resolve/main/onnx/vision%20model.onnx', from: 'source' },
    ]);
    const lock: ModelsLock = { lockVersion: 1, models: { 'clip-b': { repo: 'org/b', revision: 'main', commit: 'f'.repeat(40), files: {} } } };
    expect(downloadSources(clip, file, lock)[1]!.url).toBe(`https://hub.example/org/b/resolve/${'f'.repeat(40)}/onnx/vision%20model.onnx`);
    expect(downloadSources(ocr, { path: 'ocr/a.onnx', bytes: 5, sha256: null }, emptyLock())).toEqual([{ url: '/models/ocr/a.onnx', from: 'app' }]);
  });
});
