import { createOrtSession, fetchModelBytes, Tensor, type OrtDevice, type OrtInferenceSession, type OrtSession } from '../backend';
import type { RgbaImage } from '../image';
import { boxesFromProbMap, DEFAULT_DB_OPTIONS, prepareDetInput, type DbOptions, type TextBox } from './detect';
import { sortReadingOrder } from './reading-order';
import { rotateRgba, textPixels, TILT_DEGREES, TILT_MIN_TEXT_PIXELS } from './tilt';
import { ctcGreedyDecode, parseCharset, planRecBatches, prepareRecBatch, REC_HEIGHT, type RecBatchOptions } from './recognize';
import { messageOf } from '../../errors.ts';

/** One file: a URL on our origin (`/models/...`, fetched in the browser) or its bytes (Node tests). */
export type BytesOrUrl = string | Uint8Array | ArrayBuffer;

/** PP-OCR files: detection and recognition ONNX models and the recogniser's character list (ppocr_keys_v1.txt). */
export interface OcrModelSource { det: BytesOrUrl; rec: BytesOrUrl; keys: BytesOrUrl }

/** The PP-OCRv4 files as the app serves them (`npm run models:copy` puts them there; model id `ppocr-v4`). */
export function ppOcrV4Urls(baseUrl = '/models/'): OcrModelSource {
  return {
    det: `${baseUrl}ocr/ch_PP-OCRv4_det_infer.onnx`,
    rec: `${baseUrl}ocr/ch_PP-OCRv4_rec_infer.onnx`,
    keys: `${baseUrl}ocr/ppocr_keys_v1.txt`,
  };
}

export interface OcrLine {
  text: string;
  /** Mean probability of the recognised characters, 0..1. */
  confidence: number;
  /** x, y, w, h in pixels of the image passed to recognize() (of it turned, for text found by a turned pass: tilt.ts). */
  box: [number, number, number, number];
}

export interface OcrOptions {
  /** Lines whose confidence is below this are dropped (default 0.5, PP-OCR's drop_score). */
  minConfidence?: number;
}

/** How long the last recognize() took, for the benchmark and the Settings page. */
export interface OcrRunStats {
  detMs: number;
  recMs: number;
  boxes: number;
  detSize: [number, number];
  /** Map pixels the first pass took for text, and the turned passes run because it boxed none (see tilt.ts). */
  textPixels: number;
  tiltPasses: number;
}

export interface OcrEngine {
  recognize(img: RgbaImage, opts?: OcrOptions): Promise<OcrLine[]>;
  /** Where the sessions run ('webgpu' only when both do) and how long loading took (both sessions + keys, in parallel). */
  readonly info: { device: OrtDevice; devices: { det: OrtDevice; rec: OrtDevice }; loadMs: number };
  /** Timings of the most recent recognize(), null before the first. */
  readonly lastRun: OcrRunStats | null;
  dispose(): Promise<void>;
}

export interface OcrLoadOptions {
  /** 'wasm' forces WASM; by default WebGPU is used when the browser has an adapter. */
  preferred?: OrtDevice;
  /** Long side of the det input (rounded to a multiple of 32). PP-OCR uses 960; smaller is faster and misses small text. */
  detMaxSide?: number;
  db?: Partial<DbOptions>;
  rec?: Partial<RecBatchOptions>;
}

const DEFAULT_MIN_CONFIDENCE = 0.5;

/** Loads the PP-OCR det + rec sessions and the keys. Throws a readable error when a file is missing or invalid. */
export async function loadOcr(source: OcrModelSource, options: OcrLoadOptions = {}): Promise<OcrEngine> {
  const started = performance.now();
  const loaded = await Promise.allSettled([
    openSession(source.det, 'det', options.preferred),
    openSession(source.rec, 'rec', options.preferred),
    readKeys(source.keys).then(parseCharset),
  ] as const);
  const [detResult, recResult, keysResult] = loaded;
  if (detResult.status === 'rejected' || recResult.status === 'rejected' || keysResult.status === 'rejected') {
    // Free whichever session did load before reporting the first failure.
    for (const r of [detResult, recResult]) if (r.status === 'fulfilled') await r.value.session.release().catch(() => undefined);
    throw loaded.find((r) => r.status === 'rejected')!.reason;
  }
  const det = detResult.value, rec = recResult.value, charset = keysResult.value;
  const loadMs = performance.now() - started;
  const detMaxSide = options.detMaxSide ?? 960;

  let lastRun: OcrRunStats | null = null;
  // ORT sessions must not run two inferences at once; queue callers instead of failing them.
  let queue: Promise<unknown> = Promise.resolve();

  /** Text boxes of one image, and how many map pixels the detector took for text. */
  async function detect(img: RgbaImage): Promise<{ boxes: TextBox[]; textPixels: number; size: [number, number] }> {
    const input = prepareDetInput(img, detMaxSide);
    const detOut = await runSingle(det, new Tensor('float32', input.data, [1, 3, input.height, input.width]));
    const [, , mapH, mapW] = detOut.dims as [number, number, number, number];
    const prob = detOut.data as Float32Array;
    const boxes = boxesFromProbMap(prob, mapW, mapH, img.width, img.height, options.db);
    const pixels = textPixels(prob, options.db?.threshold ?? DEFAULT_DB_OPTIONS.threshold);
    detOut.dispose();
    return { boxes, textPixels: pixels, size: [input.width, input.height] };
  }

  async function run(original: RgbaImage, opts: OcrOptions): Promise<OcrLine[]> {
    checkImage(original);
    const t0 = performance.now();
    const first = await detect(original);
    let img = original;
    let boxes = first.boxes;
    let tiltPasses = 0;
    // Text the axis-aligned boxes missed (a tilted sign, see tilt.ts): only on a frame with no box and text pixels.
    if (boxes.length === 0 && first.textPixels >= TILT_MIN_TEXT_PIXELS) {
      for (const degrees of TILT_DEGREES) {
        tiltPasses++;
        const turned = rotateRgba(original, degrees);
        const again = await detect(turned);
        if (again.boxes.length > 0) {
          [img, boxes] = [turned, again.boxes];
          break;
        }
      }
    }
    const t1 = performance.now();
    const texts = await recognizeBoxes(img, boxes);
    lastRun = { detMs: t1 - t0, recMs: performance.now() - t1, boxes: boxes.length, detSize: first.size, textPixels: first.textPixels, tiltPasses };

    const minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    const lines: OcrLine[] = [];
    boxes.forEach((b, i) => {
      const t = texts[i]!;
      const text = t.text.trim();
      if (text && t.confidence >= minConfidence) lines.push({ text, confidence: t.confidence, box: [b.x, b.y, b.w, b.h] });
    });
    return sortReadingOrder(lines);
  }

  async function recognizeBoxes(img: RgbaImage, boxes: TextBox[]) {
    const texts = new Array<{ text: string; confidence: number }>(boxes.length);
    for (const plan of planRecBatches(boxes, options.rec)) {
      const n = plan.members.length;
      const data = prepareRecBatch(img, boxes, plan);
      const out = await runSingle(rec, new Tensor('float32', data, [n, 3, REC_HEIGHT, plan.width]));
      const [, steps, classes] = out.dims as [number, number, number];
      const decoded = ctcGreedyDecode(out.data as Float32Array, n, steps, classes, charset);
      out.dispose();
      plan.members.forEach((member, slot) => { texts[member] = decoded[slot]!; });
    }
    return texts;
  }

  return {
    recognize(img, opts = {}) {
      const result = queue.then(() => run(img, opts));
      queue = result.catch(() => undefined);
      return result;
    },
    info: {
      device: det.device === 'webgpu' && rec.device === 'webgpu' ? 'webgpu' : 'wasm',
      devices: { det: det.device, rec: rec.device },
      loadMs,
    },
    get lastRun() { return lastRun; },
    async dispose() {
      await queue;
      await Promise.all([det.session.release(), rec.session.release()]);
    },
  };
}

async function openSession(file: BytesOrUrl, role: 'det' | 'rec', preferred: OrtDevice | undefined): Promise<OrtSession> {
  try {
    return await createOrtSession(file, { preferred, label: `PP-OCR ${role}` });
  } catch (err) {
    throw new Error(`OCR: could not load the ${role} model: ${messageOf(err)}`, { cause: err });
  }
}

async function runSingle(open: OrtSession, input: Tensor): Promise<Tensor> {
  const session: OrtInferenceSession = open.session;
  const results = await session.run({ [session.inputNames[0]!]: input });
  const output = results[session.outputNames[0]!];
  if (!output) throw new Error('OCR: the model returned no output');
  return output;
}

async function readKeys(file: BytesOrUrl): Promise<string> {
  const bytes = typeof file === 'string' ? await fetchModelBytes(file) : toBytes(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('OCR: the keys file is not UTF-8 text');
  }
}

function toBytes(file: Uint8Array | ArrayBuffer): Uint8Array {
  return file instanceof Uint8Array ? file : new Uint8Array(file);
}

function checkImage(img: RgbaImage): void {
  if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * 4) {
    throw new Error(`OCR: expected an RGBA image, got ${img.width}×${img.height} with ${img.data.length} bytes`);
  }
}
