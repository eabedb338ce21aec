// Test support: a small two-model manifest (one npm-shipped OCR model, one hub visual model) and a model
// status with every field, for the tests of the registry, the model store and the pages that show models.
import { parseModelManifest, type ModelManifest, type ModelStatus } from '../registry.ts';

export function sampleManifest(hubUrl = 'https://example.invalid/org/b'): ModelManifest {
  return parseModelManifest({
    schemaVersion: 1,
    models: [
      {
        id: 'ocr-a',
        name: 'A',
        task: 'ocr',
        default: true,
        vectorSize: null,
        license: 'MIT',
        dtype: 'fp32',
        source: { kind: 'npm', package: 'p', version: '1', path: 'assets' },
        files: [
          { path: 'ocr/a.onnx', from: 'a.onnx', bytes: 5, sha256: 'a'.repeat(64) },
          { path: 'ocr/b.txt', from: 'b.txt', bytes: 3, sha256: 'b'.repeat(64) },
        ],
      },
      {
        id: 'clip-b',
        name: 'B',
        task: 'visual',
        default: true,
        vectorSize: 512,
        license: 'MIT',
        approxBytes: 90_000_000,
        dtype: { vision_model: 'fp32', text_model: 'q8' },
        source: { kind: 'hub', repo: 'org/b', revision: 'main', url: hubUrl },
        files: [
          { path: 'org/b/config.json', bytes: null, sha256: null },
          { path: 'org/b/onnx/vision model.onnx', bytes: null, sha256: null },
        ],
      },
    ],
  });
}

/** A model's status, on this device and not loaded yet, unless `overrides` say otherwise. */
export function modelStatus(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'm',
    name: overrides.id ?? 'M',
    task: 'ocr',
    present: true,
    downloadBytes: 16_000_000,
    downloadBytesExact: true,
    storedBytes: 16_000_000,
    bundled: true,
    loaded: false,
    device: null,
    loadMs: null,
    error: null,
    default: true,
    selected: true,
    ...overrides,
  };
}
