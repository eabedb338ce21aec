import type { RgbaImage } from '../image';
import { resampleToPlanarBgr, type Normalisation, type PixelRect } from './resample';

/** The rec model's input height (PP-OCRv3/v4 rec_image_shape 3×48×W). */
export const REC_HEIGHT = 48;

/** (x / 255 − 0.5) / 0.5 on every channel. */
const REC_NORMALISATION: Normalisation = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/**
 * PP-OCR's CTC label set: index 0 is the CTC blank, then one entry per line of the keys file, then a space
 * (use_space_char, which the ch models are trained with). The blank decodes to ''.
 */
export function parseCharset(keysText: string): string[] {
  const lines = keysText.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new Error('OCR: the keys file is empty');
  return ['', ...lines, ' '];
}

export interface RecBatchPlan {
  /** Indices into the crop list, in the order they fill the batch. */
  members: number[];
  /** Width of each member after resizing to REC_HEIGHT (≤ width). */
  widths: number[];
  /** The batch tensor's width: members narrower than this are padded on the right with zeros (mid grey). */
  width: number;
}

export interface RecBatchOptions {
  /** Most crops per model call. */
  batchSize: number;
  /**
   * A crop joins a batch only while its width is within this fraction of the batch's narrowest crop. On WASM a
   * batch costs as much as its crops run one by one, so padding is pure loss; batching pays on WebGPU.
   */
  widthSlack: number;
  /** Narrowest batch tensor; PP-OCR pads every batch to at least 320 (its training width). */
  minWidth: number;
  /** Widest batch tensor; longer lines are squeezed horizontally to fit, bounding one call's cost. */
  maxWidth: number;
}

export const DEFAULT_REC_BATCH: RecBatchOptions = { batchSize: 6, widthSlack: 0.15, minWidth: 320, maxWidth: 1280 };

/** Width of a crop resized to REC_HEIGHT keeping its aspect ratio (as PP-OCR: ceil, at least 1). */
export function recWidth(cropW: number, cropH: number): number {
  return Math.max(1, Math.ceil((REC_HEIGHT * cropW) / cropH));
}

/** Groups crops of similar width (sorted by aspect ratio, as PP-OCR does) so that little of a batch is padding. */
export function planRecBatches(crops: readonly PixelRect[], options: Partial<RecBatchOptions> = {}): RecBatchPlan[] {
  const opts = { ...DEFAULT_REC_BATCH, ...options };
  const clamp = (w: number) => Math.min(opts.maxWidth, Math.max(opts.minWidth, w));
  const natural = crops.map((c) => recWidth(c.w, c.h));
  const order = crops.map((_, i) => i).sort((a, b) => natural[a]! - natural[b]!);
  const plans: RecBatchPlan[] = [];
  let members: number[] = [];
  const flush = () => {
    if (members.length === 0) return;
    const width = clamp(natural[members.at(-1)!]!);
    plans.push({ members, widths: members.map((m) => Math.min(natural[m]!, width)), width });
    members = [];
  };
  for (const i of order) {
    const first = members[0];
    if (first !== undefined &&
      (members.length >= opts.batchSize || clamp(natural[i]!) > clamp(natural[first]!) * (1 + opts.widthSlack))) flush();
    members.push(i);
  }
  flush();
  return plans;
}

/** Builds the [n, 3, 48, width] input of one batch from the crops of `img`. */
export function prepareRecBatch(img: RgbaImage, crops: readonly PixelRect[], plan: RecBatchPlan): Float32Array {
  const plane = REC_HEIGHT * plan.width;
  const data = new Float32Array(plan.members.length * 3 * plane); // zeros: the padding PP-OCR uses
  plan.members.forEach((member, slot) => {
    resampleToPlanarBgr(img, crops[member]!, plan.widths[slot]!, REC_HEIGHT,
      { data, offset: slot * 3 * plane, rowStride: plan.width, planeStride: plane }, REC_NORMALISATION);
  });
  return data;
}

export interface DecodedText { text: string; confidence: number }

/**
 * CTC greedy decoding of a [batch, steps, classes] probability tensor: the best class per step, repeats
 * collapsed, blanks dropped. Confidence is the mean probability of the characters kept (0 when none).
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  batch: number,
  steps: number,
  classes: number,
  charset: readonly string[],
): DecodedText[] {
  if (classes !== charset.length) {
    throw new Error(`OCR: the rec model outputs ${classes} classes but the keys file gives ${charset.length} ` +
      '(blank + keys + space): the keys file does not belong to this model');
  }
  const out: DecodedText[] = [];
  for (let b = 0; b < batch; b++) {
    let text = '';
    let sum = 0, kept = 0, prev = -1;
    for (let t = 0; t < steps; t++) {
      const base = (b * steps + t) * classes;
      let best = 0, bestP = probs[base]!;
      for (let c = 1; c < classes; c++) {
        const p = probs[base + c]!;
        if (p > bestP) { bestP = p; best = c; }
      }
      if (best !== 0 && best !== prev) {
        text += charset[best]!;
        sum += bestP;
        kept++;
      }
      prev = best;
    }
    out.push({ text, confidence: kept ? sum / kept : 0 });
  }
  return out;
}
