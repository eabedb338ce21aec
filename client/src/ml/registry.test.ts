// @vitest-environment node
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sampleManifest } from './testing/fixtures.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultModel,
  isPinnedRevision,
  loadModelManifest,
  parseModelManifest,
  type ModelManifest,
} from './registry.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '../../..');
const manifestJson = () => JSON.parse(readFileSync(join(ROOT, 'public/models/models.json'), 'utf8')) as { models: Record<string, unknown>[] };

describe('models.json', () => {
  const manifest = parseModelManifest(manifestJson());

  it('lists one default per task: PP-OCR, face-api, Whisper base, MobileCLIP-S0, multilingual MiniLM', () => {
    expect(defaultModel(manifest, 'ocr')?.id).toBe('ppocr-v4');
    expect(defaultModel(manifest, 'faces')?.id).toBe('face-api');
    expect(defaultModel(manifest, 'speech')?.id).toBe('whisper-base');
    expect(defaultModel(manifest, 'visual')?.id).toBe('mobileclip-s0');
    expect(defaultModel(manifest, 'meaning')?.id).toBe('paraphrase-multilingual-minilm');
    expect(manifest.models.map((m) => m.id).sort()).toEqual(['face-api', 'mobileclip-s0', 'paraphrase-multilingual-minilm', 'ppocr-v4', 'siglip2-base-224', 'whisper-base', 'whisper-tiny']);
  });

  it('pins every hub model to a commit, except the ones that say they are not', () => {
    for (const model of manifest.models) {
      if (model.source.kind !== 'hub') continue;
      if (!isPinnedRevision(model.source.revision)) expect(model.notes, model.id).toMatch(/UNPINNED/);
    }
  });

  // The files transformers.js 4.3 asks for, given the config type and the dtype, must be exactly the ONNX
  // files models.json lists (plus config.json): otherwise a model "present" here fails to load there.
  it('lists the ONNX files transformers.js loads for each hub model and dtype', async () => {
    const { ModelRegistry, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    const suffix: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };
    // How each model is loaded: Whisper as one model (one dtype for both sessions), CLIP-family towers one by one,
    // the sentence encoder as one model without an image processor.
    const loads: Record<string, { config: Record<string, unknown>; towers: boolean; textOnly?: boolean }> = {
      'paraphrase-multilingual-minilm': { config: { model_type: 'bert' }, towers: false, textOnly: true },
      'whisper-base': { config: { model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'] }, towers: false },
      'whisper-tiny': { config: { model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'] }, towers: false },
      'mobileclip-s0': { config: { model_type: 'clip' }, towers: true },
      'siglip2-base-224': { config: { model_type: 'siglip' }, towers: true },
    };
    for (const model of manifest.models.filter((m) => m.source.kind === 'hub')) {
      const load = loads[model.id];
      expect(load, `${model.id} needs a transformers.js config in this test`).toBeDefined();
      const repo = (model.source as { repo: string }).repo;
      const dtypes = typeof model.dtype === 'string' ? { model: model.dtype } : model.dtype;
      const listed = new Set(model.files.map((f) => f.path.slice(repo.length + 1)));
      const listedOnnx = [...listed].filter((f) => f.endsWith('.onnx')).sort();
      if (typeof model.dtype !== 'string') {
        // The dtype keys name the files.
        expect(listedOnnx, model.id).toEqual(Object.entries(dtypes).map(([base, dtype]) => `onnx/${base}${suffix[dtype]}.onnx`).sort());
      }
      const expected = new Set<string>();
      const ask = async (dtype: string, fileName?: string) => {
        const files = await ModelRegistry.get_model_files(repo, {
          config: load!.config as never,
          device: 'wasm',
          dtype: dtype as never,
          ...(fileName ? { model_file_name: fileName } : {}),
        });
        for (const file of files) expected.add(file);
      };
      if (load!.towers) {
        for (const [tower, dtype] of Object.entries(dtypes)) await ask(dtype, tower);
      } else {
        const distinct = [...new Set(Object.values(dtypes))];
        expect(distinct, `${model.id}: one dtype for all its sessions`).toHaveLength(1);
        await ask(distinct[0]!);
      }
      for (const file of expected) expect(listed.has(file), `${model.id} must list ${file}`).toBe(true);
      expect(listedOnnx, model.id).toEqual([...expected].filter((f) => f.endsWith('.onnx')).sort());
      // And the tokenizer and processor files the pipelines read.
      for (const file of ['tokenizer.json', 'tokenizer_config.json', ...(load!.textOnly ? [] : ['preprocessor_config.json'])]) {
        expect(listed.has(file), `${model.id} must list ${file}`).toBe(true);
      }
    }
  });

  const broken = (edit: (json: { models: Record<string, unknown>[] }) => void) => {
    const json = manifestJson();
    edit(json);
    return () => parseModelManifest(json);
  };

  it('rejects a malformed manifest with a message naming the model and field', () => {
    expect(broken((j) => (j.models[0]!.task = 'audio'))).toThrow('models.json: model "ppocr-v4": "task" must be one of speech, visual, ocr, faces, meaning');
    expect(broken((j) => ((j.models[0]!.files as { sha256: string }[])[0]!.sha256 = 'abc'))).toThrow(/"sha256" must be 64 lowercase hex digits/);
    expect(broken((j) => ((j.models[2]!.files as { path: string }[])[0]!.path = 'elsewhere/config.json'))).toThrow(/hub files live under "onnx-community\/whisper-base\/"/);
    expect(broken((j) => ((j.models[0]!.files as { path: string }[])[0]!.path = '../escape.onnx'))).toThrow(/plain relative path/);
    expect(broken((j) => (j.models[3]!.default = true))).toThrow('task "speech": needs exactly one default model (has 2)');
    expect(broken((j) => (j.models[1]!.id = 'ppocr-v4'))).toThrow(/the id is used twice/);
    expect(broken((j) => ((j.models[0]!.files as { sha256: string | null }[])[0]!.sha256 = null))).toThrow(/files copied from npm need "bytes" and "sha256"/);
    expect(() => parseModelManifest({ models: [] })).toThrow(/schemaVersion/);
  });
});

/** Serves a folder like the sync server does (real 404s), or like Vite dev's SPA fallback (index.html for anything). */
function serveDir(root: string, spaFallback: boolean): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let body: Buffer | null = null;
    try {
      body = readFileSync(join(root, path));
    } catch {
      body = null;
    }
    if (body) {
      res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else if (spaFallback) {
      const html = Buffer.from('<!doctype html><title>app</title>');
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': html.length });
      res.end(req.method === 'HEAD' ? undefined : html);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Model file not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('loadModelManifest', () => {
  let root: string;
  const manifest: ModelManifest = sampleManifest();

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-presence-'));
    mkdirSync(join(root, 'models/ocr'), { recursive: true });
    mkdirSync(join(root, 'models/org/b'), { recursive: true });
    writeFileSync(join(root, 'models/models.json'), JSON.stringify(manifest));
    writeFileSync(join(root, 'models/ocr/a.onnx'), '12345');
    writeFileSync(join(root, 'models/ocr/b.txt'), '12'); // cut short: 2 of 3 bytes
    writeFileSync(join(root, 'models/org/b/config.json'), '{}');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads the manifest from the origin and says clearly when it cannot', async () => {
    const { base, server } = await serveDir(root, false);
    try {
      expect((await loadModelManifest({ baseUrl: `${base}/models/` })).models).toHaveLength(2);
      await expect(loadModelManifest({ baseUrl: `${base}/nowhere/` })).rejects.toThrow(/nowhere\/models\.json could not be read \(HTTP 404\)/);
    } finally {
      server.close();
    }
  });

});
