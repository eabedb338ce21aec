/**
 * Near-duplicate signatures (ml/near-duplicates.ts) of a video's frames, kept while the WebCodecs cut pass decodes
 * every frame anyway, so that the search for still changes (still-changes.ts) reads its probe frames from here
 * instead of seeking and decoding each one again with ffmpeg.wasm (~0.15 s a probe at 720p).
 *
 * Kept: only frames of scenes long enough to be probed. Every cut is a frame that the cut pass scores high, so the
 * frames between two such frames less than MIN_PROBED_SCENE_S apart are dropped (a video of short shots keeps next
 * to nothing). Within the rest, the first decoded frame at or after every RECORD_INTERVAL_S — the precision changes
 * are located to — or every SPARSE_INTERVAL_S while the stretch is still shorter than that, as most such stretches
 * turn out short. Asked a time, it answers the first kept frame at or after it, as a seek shows the first frame at or
 * after its time, and says that frame's time (`shownAtS`), which the bisection then works with; where that frame
 * comes too late for the caller (past the next probe or the scene, or past the other end of a bisection), or where
 * the frames were dropped, the caller seeks.
 *
 * Memory: a signature's cell means are kept as whole levels (at most 0.5 off, against a near-duplicate threshold of
 * 24): 3 bytes a cell, 172,800 bytes for a 16:9 picture (320 × 180 cells) whatever its resolution. A frame identical
 * to the one kept before it (a frozen picture: slides, a still shot) shares its bytes. At most MAX_RECORDING_BYTES in
 * all (776 signatures at 16:9: 3 min 14 s of long, moving scenes): past that, recording stops and later times are
 * sought, as they were before; a 3-hour video holds no more than the budget.
 */
import type { FrameSignature } from '../ml/near-duplicates.ts';
import { LOCATE_PRECISION_S, MIN_PROBED_SCENE_S, PROBE_INTERVAL_S, type SampledFrame } from './still-changes.ts';

export const RECORD_INTERVAL_S = LOCATE_PRECISION_S;
/**
 * Kept-frame spacing while the picture may still be in a scene too short to be probed (less than MIN_PROBED_SCENE_S
 * since the last frame that may be a cut): most frames of a video of short shots are never asked for. Probes are over
 * PROBE_INTERVAL_S / 2 apart, so each still finds a kept frame before the next probe's time; a bisection finer than
 * this seeks.
 */
export const SPARSE_INTERVAL_S = PROBE_INTERVAL_S / 2;
export const MAX_RECORDING_BYTES = 128 * 2 ** 20;

/** A kept frame, or (means null) a stretch [timeS, untilS) whose frames were dropped: nothing is known there. */
interface Entry {
  timeS: number;
  shape: Omit<FrameSignature, 'means'>;
  means: Uint8ClampedArray | null;
  untilS?: number;
}

export class SignatureRecording {
  readonly #entries: Entry[] = [];
  /** The next grid times, fine and sparse, whose first frame is to be kept. */
  #next = { fineS: 0, sparseS: 0 };
  /** The last frame that may be a cut (the first frame starts a scene). */
  #cutS = 0;
  #bytes = 0;
  #stopped = false;
  #complete = false;

  constructor(private readonly maxBytes = MAX_RECORDING_BYTES) {}

  /** Whether the frame shown at `timeS` is one to keep (frames come in presentation order). */
  wants(timeS: number): boolean {
    const nextS = timeS - this.#cutS >= MIN_PROBED_SCENE_S ? this.#next.fineS : this.#next.sparseS;
    return !this.#stopped && !this.#complete && timeS >= nextS;
  }

  /**
   * The frame shown at `timeS` may be a cut (every cut is such a frame; not every such frame is a cut), told in order
   * and at most a moment late (frames after it may be kept already). The frames kept since the previous one are
   * dropped when they span too little for a probed scene: a scene that short is never asked about, and one that long
   * but for a frame that was no cut is sought there, as without a recording.
   */
  mayCut(timeS: number): void {
    if (timeS - this.#cutS < MIN_PROBED_SCENE_S) this.#forget(this.#cutS, timeS);
    this.#cutS = timeS;
  }

  /** Keeps the signature of the frame shown at `timeS` (one that `wants`). */
  add(timeS: number, { means, ...shape }: FrameSignature): void {
    if (this.#stopped || this.#complete) return;
    const nextOf = (intervalS: number) => (Math.floor(timeS / intervalS + 1e-9) + 1) * intervalS;
    this.#next = { fineS: nextOf(RECORD_INTERVAL_S), sparseS: nextOf(SPARSE_INTERVAL_S) };
    // Rounds and clamps each mean to a whole level (the typed array conversion does both).
    let packed: Uint8ClampedArray = new Uint8ClampedArray(means);
    const previous = this.#entries.at(-1)?.means;
    if (previous && sameBytes(previous, packed)) packed = previous;
    else if (this.#bytes + packed.byteLength > this.maxBytes) {
      this.#stopped = true;
      return;
    } else this.#bytes += packed.byteLength;
    this.#entries.push({ timeS, shape, means: packed });
  }

  /** Keeps nothing more (the frames could not be drawn): later times are left to seeking. */
  stop(): void {
    this.#stopped = true;
  }

  /** The whole video went through `add`: a time past its last frame is answered by that frame. */
  finish(): void {
    this.#complete = true;
  }

  /** Signatures kept, and the bytes their cell means hold. */
  get size(): { signatures: number; bytes: number } {
    return { signatures: this.#entries.filter((e) => e.means).length, bytes: this.#bytes };
  }

  /**
   * The signature of the first kept frame at or after `timeS`; null where the recording does not know it (it dropped
   * the frames there, stopped at its budget, or is unfinished) or that frame is shown at or after `beforeS`: the
   * caller seeks instead.
   */
  signatureAt(timeS: number, beforeS = Infinity): SampledFrame | null {
    const entries = this.#entries;
    // Binary search for the first entry at or after the time (probe times are rounded to the millisecond).
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid]!.timeS < timeS - 1e-6) lo = mid + 1;
      else hi = mid;
    }
    const before = entries[lo - 1];
    if (before?.means === null && timeS < before.untilS! - 1e-6) return null; // inside a dropped stretch
    const found = entries[lo] ?? (this.#complete && !this.#stopped ? entries.at(-1) : undefined);
    if (!found?.means || found.timeS >= beforeS) return null;
    return { ...found.shape, means: new Float32Array(found.means), shownAtS: found.timeS };
  }

  /** Drops the frames kept in [fromS, untilS), leaving a mark that nothing is known there. */
  #forget(fromS: number, untilS: number): void {
    const entries = this.#entries;
    const at = (timeS: number) => {
      const i = entries.findLastIndex((e) => e.timeS < timeS - 1e-9);
      return i + 1;
    };
    const [from, until] = [at(fromS), at(untilS)];
    const [before, after] = [entries[from - 1], entries[until]];
    // Bytes shared with a frame that stays (a frozen picture) stay; a run of shared bytes counts once.
    for (let i = from; i < until; i++) {
      const { means } = entries[i]!;
      if (means && means !== entries[i - 1]?.means && means !== before?.means && means !== after?.means) this.#bytes -= means.byteLength;
    }
    if (before?.means === null) {
      // Two dropped stretches in a row are one.
      before.untilS = untilS;
      entries.splice(from, until - from);
    } else {
      entries.splice(from, until - from, { timeS: fromS, untilS, shape: { width: 0, height: 0, columns: 0, rows: 0 }, means: null });
    }
  }
}

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
