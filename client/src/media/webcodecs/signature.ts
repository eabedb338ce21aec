/**
 * A small picture of a decoded frame — colour block means and colour histograms, sampled from the Y, U and V
 * planes — and the distance between two of them. Pure code: the WebCodecs detector feeds it the planes that
 * `VideoFrame.copyTo` writes, and the tests feed it synthetic planes.
 *
 * Why these features (measured on the fixtures, see cuts.ts): a luma-only histogram confused scenes of similar
 * brightness (2 false cuts in STACK-NOTES), so chroma takes part; a histogram ignores where colours are, so
 * block means add the layout; both move little within a scene and jump at a cut.
 */

/** One plane of 8-bit samples as `copyTo` lays it out: row `r`, column `c` is at `offset + r*stride + c*step`. */
export interface PlaneView {
  data: Uint8Array;
  offset: number;
  stride: number;
  width: number;
  height: number;
  /** Bytes from one sample to the next in a row: 1 for planar formats, 2 for NV12's interleaved chroma. */
  step: number;
}

export interface YuvView {
  y: PlaneView;
  u: PlaneView;
  v: PlaneView;
}

/** The block grid. 16 × 9 blocks: 80 × 80 px at 720p, coarse enough to ignore moving detail, fine enough for layout. */
export const GRID_COLS = 16;
export const GRID_ROWS = 9;
const BLOCKS = GRID_COLS * GRID_ROWS;
/**
 * Samples per block side in the luma plane (half that in chroma planes of half size): 128 × 72 luma samples.
 * 16 per side measured the same separation (fixtures and the photo clip in cuts.ts) at 2–3× the cost.
 */
const LUMA_SAMPLES_PER_BLOCK = 8;
/** Histogram bins per plane (256 levels / 16). */
const BINS = 16;
const BIN_SHIFT = 4;

export interface FrameSignature {
  /** Mean of each block, Y then U then V: 3 × BLOCKS values in 0..255. */
  blockMeans: Float32Array;
  /** Normalised histograms (each sums to 1), Y then U then V: 3 × BINS values. */
  histograms: Float32Array;
}

/** Where to read in one plane: the sample offsets (relative to the plane's first byte) and their blocks. */
interface SamplingPlan {
  offsets: Int32Array;
  blocks: Uint16Array;
  /** Samples in each block (equal for all blocks unless a plane is tinier than the grid). */
  perBlock: Float32Array;
}

const plans = new Map<string, SamplingPlan>();

/** The plan for a plane geometry, cached: a video's frames all share one. */
function samplingPlan(plane: PlaneView, samplesPerBlock: number): SamplingPlan {
  const key = `${plane.width}x${plane.height}/${plane.stride}/${plane.step}/${samplesPerBlock}`;
  let plan = plans.get(key);
  if (plan) return plan;
  const cols = Math.min(plane.width, GRID_COLS * samplesPerBlock);
  const rows = Math.min(plane.height, GRID_ROWS * samplesPerBlock);
  const offsets = new Int32Array(cols * rows);
  const blocks = new Uint16Array(cols * rows);
  const perBlock = new Float32Array(BLOCKS);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    // The centre of each sampling cell: evenly spread, never on the plane's edge where padding may be.
    const y = Math.floor(((r + 0.5) * plane.height) / rows);
    const blockRow = Math.floor((r * GRID_ROWS) / rows);
    for (let c = 0; c < cols; c++) {
      const x = Math.floor(((c + 0.5) * plane.width) / cols);
      const block = blockRow * GRID_COLS + Math.floor((c * GRID_COLS) / cols);
      offsets[i] = y * plane.stride + x * plane.step;
      blocks[i] = block;
      perBlock[block]!++;
      i++;
    }
  }
  plan = { offsets, blocks, perBlock };
  // A handful of geometries per session at most; the cap only guards against a pathological caller.
  if (plans.size > 16) plans.clear();
  plans.set(key, plan);
  return plan;
}

/** Samples the three planes into a FrameSignature (about 14k reads — 128 × 72 luma, 2 × 64 × 36 chroma — whatever the frame size). */
export function frameSignature(frame: YuvView): FrameSignature {
  const blockMeans = new Float32Array(3 * BLOCKS);
  const histograms = new Float32Array(3 * BINS);
  const chromaSamples = Math.max(1, Math.round((LUMA_SAMPLES_PER_BLOCK * frame.u.width) / frame.y.width));
  accumulate(frame.y, samplingPlan(frame.y, LUMA_SAMPLES_PER_BLOCK), blockMeans, 0, histograms, 0);
  accumulate(frame.u, samplingPlan(frame.u, chromaSamples), blockMeans, BLOCKS, histograms, BINS);
  accumulate(frame.v, samplingPlan(frame.v, chromaSamples), blockMeans, 2 * BLOCKS, histograms, 2 * BINS);
  return { blockMeans, histograms };
}

function accumulate(
  plane: PlaneView,
  plan: SamplingPlan,
  means: Float32Array,
  meansAt: number,
  histograms: Float32Array,
  histAt: number,
): void {
  const { data, offset } = plane;
  const { offsets, blocks, perBlock } = plan;
  const sums = new Float64Array(BLOCKS);
  const counts = new Uint32Array(BINS);
  for (let i = 0; i < offsets.length; i++) {
    const value = data[offset + offsets[i]!]!;
    sums[blocks[i]!]! += value;
    counts[value >> BIN_SHIFT]!++;
  }
  let total = 0;
  for (let b = 0; b < BLOCKS; b++) total += sums[b]!;
  // A plane narrower or shorter than the grid leaves blocks without samples: they take the plane's mean, so
  // that they change as the picture does instead of diluting every distance with zeros.
  const planeMean = offsets.length > 0 ? total / offsets.length : 0;
  for (let b = 0; b < BLOCKS; b++) means[meansAt + b] = perBlock[b]! > 0 ? sums[b]! / perBlock[b]! : planeMean;
  for (let k = 0; k < BINS; k++) histograms[histAt + k] = counts[k]! / offsets.length;
}

/** The two halves of the distance, each in [0, 1]: exposed so that the thresholds can be measured. */
export interface SignatureDistance {
  /** Mean absolute difference of the block means over Y, U and V, / 255. */
  blocks: number;
  /** Half the L1 distance between the histograms, averaged over Y, U and V (0 same, 1 disjoint). */
  histograms: number;
}

export function signatureDistance(a: FrameSignature, b: FrameSignature): SignatureDistance {
  let blockSum = 0;
  for (let i = 0; i < a.blockMeans.length; i++) blockSum += Math.abs(a.blockMeans[i]! - b.blockMeans[i]!);
  let histSum = 0;
  for (let i = 0; i < a.histograms.length; i++) histSum += Math.abs(a.histograms[i]! - b.histograms[i]!);
  return { blocks: blockSum / (a.blockMeans.length * 255), histograms: histSum / 6 };
}
