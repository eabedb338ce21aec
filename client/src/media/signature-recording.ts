/**
 * Near-duplicate signatures (ml/near-duplicates.ts) of a video's frames, kept while the WebCodecs cut pass decodes
 * every frame anyway, so that the search for still changes (still-changes.ts) reads its probe frames from here
 * instead of seeking and decoding each one again with ffmpeg.wasm (~0.15 s a probe at 720p).
 *
 * Kept, as the frames go by:
 * - only frames of stretches long enough to be a probed scene: every cut is a frame whose cut strength reaches the
 *   threshold (`mayCut`), and the frames between two such frames less than MIN_PROBED_SCENE_S apart are dropped (a
 *   video of short shots keeps next to nothing);
 * - within them, the first decoded frame at or after every SPARSE_INTERVAL_S, enough for probes PROBE_INTERVAL_S
 *   apart; and, once a stretch is that long, at or after every RECORD_INTERVAL_S (the precision changes are located
 *   to), these kept only where the picture steps out of a still one, where a bisection may look (`#settle`).
 * Asked a time, it answers the kept frame nearest to it inside the caller's window — the first at or after it, else
 * the last before it — with that frame's time (`shownAtS`); none there, the caller seeks.
 *
 * Memory: a signature's cell means are kept as whole levels (at most 0.5 off, against a near-duplicate threshold of
 * 24): 3 bytes a cell, 172,800 bytes for a 16:9 picture (320 × 180 cells) whatever its resolution. A frame identical
 * to the one kept before it (a frozen picture: slides, a still shot) shares its bytes. At most MAX_RECORDING_BYTES in
 * all (776 signatures at 16:9, ~13 min of long scenes that never freeze): past that, recording stops and later probes
 * are sought, as they were before; a 3-hour video holds no more than the budget.
 */
import { isNearDuplicate, type FrameSignature } from '../ml/near-duplicates.ts';
import { LOCATE_PRECISION_S, MIN_PROBED_SCENE_S, PROBE_INTERVAL_S, type FrameWindow, type SampledFrame } from './still-changes.ts';

export const RECORD_INTERVAL_S = LOCATE_PRECISION_S;
/** Half the probe spacing (over 1 s): a kept frame lies between each two probes, for the later one's window. */
export const SPARSE_INTERVAL_S = PROBE_INTERVAL_S / 2;
export const MAX_RECORDING_BYTES = 128 * 2 ** 20;

interface Kept {
  timeS: number;
  shape: Omit<FrameSignature, 'means'>;
  means: Uint8ClampedArray;
  /** On the SPARSE_INTERVAL_S grid (the others are kept only where the picture steps, see #settle). */
  sparse: boolean;
}

export class SignatureRecording {
  readonly #kept: Kept[] = [];
  /** The next grid times, fine and sparse, whose first frame is to be kept. */
  #next = { fineS: 0, sparseS: 0 };
  /** The last frame that may be a cut (the first frame starts a scene). */
  #cutS = 0;
  /** The last two frames kept on the sparse grid. */
  #sparse: { older?: Kept; previous?: Kept } = {};
  #bytes = 0;
  #stopped = false;

  constructor(private readonly maxBytes = MAX_RECORDING_BYTES) {}

  /** Whether the frame shown at `timeS` is one to keep (frames come in presentation order). */
  wants(timeS: number): boolean {
    const nextS = timeS - this.#cutS >= MIN_PROBED_SCENE_S ? this.#next.fineS : this.#next.sparseS;
    return !this.#stopped && timeS >= nextS;
  }

  /**
   * The frame shown at `timeS` may be a cut (every cut is such a frame; not every such frame is a cut), told in order
   * and at most a moment late (frames after it may be kept already). The frames kept since the previous one are
   * dropped when they span too little for a probed scene: a scene that short is never asked about, and one that long
   * but for a frame that was no cut is sought there, as without a recording.
   */
  mayCut(timeS: number): void {
    if (timeS - this.#cutS < MIN_PROBED_SCENE_S) {
      const at = (t: number) => this.#kept.findLastIndex((k) => k.timeS < t - 1e-9) + 1;
      this.#remove(at(this.#cutS), at(timeS));
    }
    this.#cutS = timeS;
  }

  /** Keeps the signature of the frame shown at `timeS` (one that `wants`). */
  add(timeS: number, { means, ...shape }: FrameSignature): void {
    if (this.#stopped) return;
    const sparse = timeS >= this.#next.sparseS;
    const nextOf = (intervalS: number) => (Math.floor(timeS / intervalS + 1e-9) + 1) * intervalS;
    this.#next = { fineS: nextOf(RECORD_INTERVAL_S), sparseS: nextOf(SPARSE_INTERVAL_S) };
    // Rounds and clamps each mean to a whole level (the typed array conversion does both).
    let packed: Uint8ClampedArray = new Uint8ClampedArray(means);
    const previous = this.#kept.at(-1)?.means;
    if (previous && sameBytes(previous, packed)) packed = previous;
    else if (this.#bytes + packed.byteLength > this.maxBytes) {
      this.#stopped = true;
      return;
    } else this.#bytes += packed.byteLength;
    const kept = { timeS, shape, means: packed, sparse };
    this.#kept.push(kept);
    if (sparse) this.#settle(kept);
  }

  /** Keeps nothing more (the frames could not be drawn): later times are left to seeking. */
  stop(): void {
    this.#stopped = true;
  }

  /** Signatures kept, and the bytes their cell means hold. */
  get size(): { signatures: number; bytes: number } {
    return { signatures: this.#kept.length, bytes: this.#bytes };
  }

  /**
   * The signature of the kept frame nearest to `timeS` inside `window`: the first at or after it, else the last before
   * it; null when none is kept there or the window is empty (the caller seeks).
   */
  signatureAt(timeS: number, { fromS, beforeS }: FrameWindow = { fromS: timeS, beforeS: Infinity }): SampledFrame | null {
    if (beforeS <= fromS) return null;
    const kept = this.#kept;
    // Binary search for the first kept frame at or after the time (probe times are rounded to the millisecond).
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.timeS < timeS - 1e-6) lo = mid + 1;
      else hi = mid;
    }
    const after = kept[lo];
    const before = kept[lo - 1];
    const found = after && after.timeS < beforeS ? after : before && before.timeS >= fromS ? before : undefined;
    return found ? { ...found.shape, means: new Float32Array(found.means), shownAtS: found.timeS } : null;
  }

  /**
   * A bisection only runs where a still picture steps to another (still-changes.ts): the frames kept between two
   * sparse ones on the fine grid stay only where the picture steps there out of a still one — the two differ, and
   * the sparse frame before them matched the first. Elsewhere (a still picture, a drift, motion) probes need no more
   * than the sparse frames.
   */
  #settle(current: Kept): void {
    const { older, previous } = this.#sparse;
    this.#sparse = { older: previous, previous: current };
    if (!previous) return;
    const step = !sameFrame(previous, current) && (!older || sameFrame(older, previous));
    const kept = this.#kept;
    const from = kept.lastIndexOf(previous) + 1;
    if (!step && from > 0) this.#remove(from, kept.length - 1);
  }

  /** Removes kept frames [from, until) and gives back their bytes, but those a frame that stays still shares. */
  #remove(from: number, until: number): void {
    const kept = this.#kept;
    const [before, after] = [kept[from - 1], kept[until]];
    // A run of shared bytes counts once.
    for (let i = from; i < until; i++) {
      const { means } = kept[i]!;
      if (means !== kept[i - 1]?.means && means !== before?.means && means !== after?.means) this.#bytes -= means.byteLength;
    }
    kept.splice(from, until - from);
  }
}

/** The near-duplicate test on two kept frames. */
function sameFrame(a: Kept, b: Kept): boolean {
  if (a.means === b.means) return true;
  return isNearDuplicate({ ...a.shape, means: new Float32Array(a.means) }, { ...b.shape, means: new Float32Array(b.means) });
}

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
