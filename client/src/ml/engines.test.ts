// @vitest-environment node
//
// Switching the visual model, through the real transformers.js and ONNX Runtime on tiny CLIP- and
// SigLIP-shaped models (embed/testing/tiny-models.ts) laid out as the app's models.json describes them.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers } from './asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem, PUBLIC_MODELS_DIR } from './asr/testing/model-files.ts';
import { loadEmbedder, type Embedder, type EmbedModelId } from './embed/index.ts';
import { writeTinyModel } from './embed/testing/tiny-models.ts';
import { dot } from './embed/vectors.ts';
import { createEngineSet, type EngineSet } from './engines.ts';
import type { RgbaImage } from './image.ts';
import { holdingOf, storedModelStatus } from '../models/inventory.ts';
import { parseModelManifest, type ModelEntry, type ModelManifest, type ModelStatus, type ModelTask } from './registry.ts';
import { isModelUnavailable } from './unavailable.ts';

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [engine switch tests] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}).\n`);

type Engines = { visual: Embedder; speech: never; ocr: never; faces: never; meaning: never };

const manifest: ModelManifest = parseModelManifest(JSON.parse(readFileSync(join(PUBLIC_MODELS_DIR, 'models.json'), 'utf8')));
const visualModels = manifest.models.filter((m) => m.task === 'visual');
const DEFAULT_ID = visualModels.find((m) => m.default)!.id;
const OTHER_ID = visualModels.find((m) => !m.default)!.id;
const repoOf = (entry: ModelEntry) => (entry.source.kind === 'hub' ? entry.source.repo : entry.id) as EmbedModelId;
const vectorSize = (id: string) => manifest.models.find((m) => m.id === id)!.vectorSize!;

function solid(r: number, g: number, b: number): RgbaImage {
  const data = new Uint8ClampedArray(20 * 20 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
  return { width: 20, height: 20, data };
}

describe.skipIf(runtimeProblem !== null)('choosing the visual model', () => {
  let root: string;
  let statuses: Map<string, ModelStatus>;
  let set: EngineSet<Engines>;
  const loads: string[] = [];
  const disposed: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-engine-switch-'));
    for (const entry of visualModels) {
      const repo = repoOf(entry);
      writeTinyModel(root, repo, entry.id.startsWith('siglip') ? 'siglip' : 'clip', entry.vectorSize!);
      // The tiny writer names its 8-bit copy like q8 (_quantized); models.json may ask for int8.
      for (const tower of ['vision_model', 'text_model']) copyFileSync(join(root, repo, 'onnx', `${tower}_quantized.onnx`), join(root, repo, 'onnx', `${tower}_int8.onnx`));
    }
    configureTransformers({ localModelPath: root });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const fresh = (present: (id: string) => boolean = () => true) => {
    statuses = new Map(
      manifest.models.map((m) => [m.id, storedModelStatus(m, { ...holdingOf(m, new Map(), { lockVersion: 1, models: {} }), present: present(m.id) })]),
    );
    set = createEngineSet<Engines>({
      inventory: async () => ({ manifest, statuses }),
      load: async <T extends ModelTask>(task: T, entry: ModelEntry) => {
        loads.push(entry.id);
        const started = performance.now();
        const engine = await loadEmbedder({ modelId: repoOf(entry), device: 'cpu', dtype: entry.dtype as never, preload: ['vision'] });
        return { engine: engine as unknown as Engines[T], device: 'wasm' as const, loadMs: performance.now() - started };
      },
      dispose: async (engine) => {
        disposed.push((engine as Embedder).modelId);
        await (engine as Embedder).dispose();
      },
    });
  };

  it('uses the default model until another is preferred, then that one for images and text alike', async () => {
    fresh();
    loads.length = 0;
    disposed.length = 0;
    const first = await set.engineFor('visual');
    expect(first.modelId).toBe(DEFAULT_ID);
    const [defaultImage] = await first.engine.embedImages([solid(200, 20, 20)]);
    const [defaultText] = await first.engine.embedText(['a red car']);
    expect(defaultImage).toHaveLength(vectorSize(DEFAULT_ID));
    expect(defaultText).toHaveLength(vectorSize(DEFAULT_ID));
    expect(statuses.get(DEFAULT_ID)).toMatchObject({ loaded: true, selected: true });
    expect(statuses.get(OTHER_ID)).toMatchObject({ loaded: false, selected: false });

    await set.setPreferred('visual', OTHER_ID);
    expect((await set.selected('visual'))?.id).toBe(OTHER_ID);
    const second = await set.engineFor('visual');
    expect(second.modelId).toBe(OTHER_ID);
    expect(second.engine.modelId).toBe(repoOf(manifest.models.find((m) => m.id === OTHER_ID)!));
    const [otherImage] = await second.engine.embedImages([solid(200, 20, 20)]);
    const [otherText] = await second.engine.embedText(['a red car']);
    expect(otherImage).toHaveLength(vectorSize(OTHER_ID));
    expect(otherText).toHaveLength(vectorSize(OTHER_ID));
    expect(dot(otherImage!, otherImage!)).toBeCloseTo(1, 5);
    expect(statuses.get(OTHER_ID)).toMatchObject({ loaded: true, selected: true });
    expect(statuses.get(DEFAULT_ID)).toMatchObject({ loaded: false, selected: false });
    // The replaced engine is freed (after the calls holding it had their answer).
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(disposed).toEqual([repoOf(manifest.models.find((m) => m.id === DEFAULT_ID)!)]);

    // Back again: a fresh load of the default model, giving the very same vectors as before.
    await set.setPreferred('visual', DEFAULT_ID);
    const third = await set.engineFor('visual');
    expect(third.modelId).toBe(DEFAULT_ID);
    const [again] = await third.engine.embedImages([solid(200, 20, 20)]);
    expect(Array.from(again!)).toEqual(Array.from(defaultImage!));
    expect(loads).toEqual([DEFAULT_ID, OTHER_ID, DEFAULT_ID]);
    await third.engine.dispose();
  }, 60_000);

  it('does not reload when the same model is preferred again', async () => {
    fresh();
    loads.length = 0;
    const a = await set.engineFor('visual');
    await set.setPreferred('visual', DEFAULT_ID);
    const b = await set.engineFor('visual');
    expect(b.engine).toBe(a.engine);
    expect(loads).toEqual([DEFAULT_ID]);
    await a.engine.dispose();
  }, 60_000);

  it('refuses a model of another task or one models.json does not list', async () => {
    fresh();
    const ocr = manifest.models.find((m) => m.task === 'ocr')!.id;
    await expect(set.setPreferred('visual', ocr)).rejects.toThrow(/no visual model "ppocr-v4"/);
    await expect(set.setPreferred('visual', 'clip-xl')).rejects.toThrow(new RegExp(`known: ${DEFAULT_ID}, ${OTHER_ID}`));
    expect((await set.selected('visual'))?.id).toBe(DEFAULT_ID);
  });

  it('says the chosen model is not installed instead of falling back to another model', async () => {
    fresh((id) => id !== OTHER_ID);
    await set.setPreferred('visual', OTHER_ID);
    const error = await set.engineFor('visual').then(
      () => null,
      (e: unknown) => e,
    );
    expect(isModelUnavailable(error)).toBe(true);
    expect((error as Error).message).toBe("The visual search model is not on this device yet.");
  });
});
