// Visual embeddings with a CLIP-family model through transformers.js: keyframes through the vision
// tower (indexing), queries through the text tower (search), both into one space so a text vector can
// be compared with image vectors — of the same model only; the model id travels with every vector.
//
// Towers load independently: indexing needs only vision, searching only text; whichever is not
// preloaded loads on first use.

import type { Tensor } from '@huggingface/transformers';
import type { RgbaImage } from '../image.ts';
import { explainLoadFailure, transformers, type MlDevice } from '../asr/transformers-runtime.ts';
import { EMBED_MODELS, embedFiles, towerDevices, type EmbedDtype, type EmbedModelId, type EmbedModelSpec } from './models.ts';
import { batches, normalizedRows } from './vectors.ts';

export type Tower = 'vision' | 'text';

export interface LoadEmbedderOptions {
  modelId: EmbedModelId;
  /** Where the towers run, except that 8-bit towers stay off WebGPU (see towerDevices). */
  device: MlDevice;
  /** Overrides the model's default weight formats per tower, e.g. with a models.json entry's dtype. */
  dtype?: Partial<EmbedDtype>;
  /** Images per vision-tower run (default 8) — one run per batch, not per image. */
  imageBatchSize?: number;
  /** Texts per text-tower run (default 32). */
  textBatchSize?: number;
  /** Towers to load now (default both); any other loads on first use. */
  preload?: readonly Tower[];
}

export interface Embedder {
  readonly modelId: EmbedModelId;
  /** Length of every vector, as stored beside the model id. */
  readonly dims: number;
  readonly devices: { vision: MlDevice; text: MlDevice };
  readonly dtype: EmbedDtype;
  /** Wall time (ms) each tower took to load; absent until it has loaded. */
  readonly loadMs: Partial<Record<Tower, number>>;
  /** One unit-length vector per image, in order. */
  embedImages(images: readonly RgbaImage[]): Promise<Float32Array[]>;
  /** One unit-length vector per text, in order. */
  embedText(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

type Transformers = Awaited<ReturnType<typeof transformers>>;

interface TowerModel {
  (inputs: Record<string, unknown>): Promise<Record<string, Tensor | undefined>>;
  dispose(): Promise<unknown>;
}
type ImageProcessor = (images: unknown[]) => Promise<{ pixel_values: Tensor }>;
type Tokenizer = (
  texts: string[],
  options: { padding: 'max_length'; truncation: true; max_length: number },
) => Record<string, Tensor>;

interface VisionTower {
  processor: ImageProcessor;
  model: TowerModel;
}
interface TextTower {
  tokenizer: Tokenizer;
  model: TowerModel;
}

export async function loadEmbedder(options: LoadEmbedderOptions): Promise<Embedder> {
  const spec: EmbedModelSpec | undefined = EMBED_MODELS[options.modelId];
  if (!spec) throw new Error(`Unknown visual embedding model "${options.modelId}". Known: ${Object.keys(EMBED_MODELS).join(', ')}.`);
  const dtype: EmbedDtype = { ...spec.defaultDtype, ...options.dtype };
  const devices = towerDevices(options.device, dtype);
  const imageBatchSize = options.imageBatchSize ?? 8;
  const textBatchSize = options.textBatchSize ?? 32;
  batches([], imageBatchSize); // reject bad sizes now
  batches([], textBatchSize);

  const t = await transformers();
  const loadMs: Partial<Record<Tower, number>> = {};
  let vision: Promise<VisionTower> | null = null;
  let text: Promise<TextTower> | null = null;

  const timed = async <T>(tower: Tower, load: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const loaded = await load();
      loadMs[tower] = performance.now() - started;
      return loaded;
    } catch (error) {
      throw await explainLoadFailure(spec.id, embedFiles(dtype), error);
    }
  };

  const visionTower = (): Promise<VisionTower> => {
    vision ??= timed('vision', () => loadVision(t, spec, devices.vision, dtype)).catch((error: unknown) => {
      vision = null; // a later call may try again (e.g. once the model is downloaded)
      throw error;
    });
    return vision;
  };
  const textTower = (): Promise<TextTower> => {
    text ??= timed('text', () => loadText(t, spec, devices.text, dtype)).catch((error: unknown) => {
      text = null;
      throw error;
    });
    return text;
  };

  const preload = options.preload ?? ['vision', 'text'];
  await Promise.all(preload.map((tower) => (tower === 'vision' ? visionTower() : textTower())));

  return {
    modelId: spec.id,
    dims: spec.dims,
    devices,
    dtype,
    loadMs,
    async embedImages(images) {
      images.forEach(checkImage);
      if (images.length === 0) return [];
      const { processor, model } = await visionTower();
      const vectors: Float32Array[] = [];
      for (const batch of batches(images, imageBatchSize)) {
        const raws = batch.map((img) => new t.RawImage(img.data, img.width, img.height, 4));
        const { pixel_values } = await processor(raws);
        const output = await model({ pixel_values });
        vectors.push(...readEmbeddings(output, spec.family === 'clip' ? 'image_embeds' : 'pooler_output', batch.length, spec));
      }
      return vectors;
    },
    async embedText(texts) {
      if (texts.length === 0) return [];
      const { tokenizer, model } = await textTower();
      const vectors: Float32Array[] = [];
      for (const batch of batches(texts, textBatchSize)) {
        const prepared = batch.map((s) => (spec.lowercaseText ? s.toLowerCase() : s));
        // Fixed-length padding: SigLIP was trained on max_length-padded text (and MobileCLIP's export
        // expects its 77-token context); max_length is explicit because some tokenizer configs say 1e30.
        const inputs = tokenizer(prepared, { padding: 'max_length', truncation: true, max_length: spec.textMaxLength });
        const output = await model(inputs);
        vectors.push(...readEmbeddings(output, spec.family === 'clip' ? 'text_embeds' : 'pooler_output', batch.length, spec));
      }
      return vectors;
    },
    async dispose() {
      const towers = await Promise.allSettled([vision, text]);
      vision = null;
      text = null;
      await Promise.all(towers.map((r) => (r.status === 'fulfilled' && r.value ? r.value.model.dispose() : undefined)));
    },
  };
}

async function loadVision(t: Transformers, spec: EmbedModelSpec, device: MlDevice, dtype: EmbedDtype): Promise<VisionTower> {
  const Model = spec.family === 'clip' ? t.CLIPVisionModelWithProjection : t.SiglipVisionModel;
  const [processor, model] = await Promise.all([
    t.AutoImageProcessor.from_pretrained(spec.id),
    Model.from_pretrained(spec.id, { device, dtype: dtype.vision_model }),
  ]);
  return { processor: processor as unknown as ImageProcessor, model: model as unknown as TowerModel };
}

async function loadText(t: Transformers, spec: EmbedModelSpec, device: MlDevice, dtype: EmbedDtype): Promise<TextTower> {
  const Model = spec.family === 'clip' ? t.CLIPTextModelWithProjection : t.SiglipTextModel;
  const [tokenizer, model] = await Promise.all([
    t.AutoTokenizer.from_pretrained(spec.id),
    Model.from_pretrained(spec.id, { device, dtype: dtype.text_model }),
  ]);
  return { tokenizer: tokenizer as unknown as Tokenizer, model: model as unknown as TowerModel };
}

function checkImage(img: RgbaImage, i: number): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new Error(`Image ${i} has no usable size (${img.width} × ${img.height}).`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new Error(`Image ${i} should hold ${img.width * img.height * 4} RGBA bytes for ${img.width} × ${img.height}, but holds ${img.data.length}.`);
  }
}

/** The named output as `rows` unit vectors, after checking it has the model's vector size. */
function readEmbeddings(output: Record<string, Tensor | undefined>, name: string, rows: number, spec: EmbedModelSpec): Float32Array[] {
  const tensor = output[name];
  if (!tensor) throw new Error(`Model ${spec.id} gave no "${name}" output (it gave: ${Object.keys(output).join(', ')}).`);
  const dims = tensor.dims.at(-1);
  if (tensor.dims.length !== 2 || tensor.dims[0] !== rows || dims !== spec.dims) {
    throw new Error(`Model ${spec.id} gave "${name}" of shape [${tensor.dims.join(', ')}], expected [${rows}, ${spec.dims}].`);
  }
  const data = (tensor.type === 'float32' ? tensor : tensor.to('float32')).data as Float32Array;
  return normalizedRows(data, rows, spec.dims);
}
