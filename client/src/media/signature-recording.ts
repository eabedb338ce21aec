/**
 * Near-duplicate signatures (ml/near-duplicates.ts) of a video's frames, kept while the WebCodecs cut pass decodes
 * every frame anyway, so that the search for still changes (still-changes.ts) reads its probe frames from here
 * instead of seeking and decoding each one again with ffmpeg.wasm (~0.2 s a probe at 720p).
 *
 * Kept: the first decoded frame at or after every RECORD_INTERVAL_S — the precision changes are located to, so a
 * probe or bisection time is answered by a frame at most one interval (and a skipped frame) after the one a seek
 * would show. Asked a time, it answers the first kept frame at or after it, as a seek shows the first frame at or
 * after its time, and says that frame's time (`shownAtS`), which the bisection then works with; where that frame
 * comes too late (past the scene, or past the other end of a bisection), the caller seeks.
 *
 * Memory: a signature's cell means are kept as whole levels (at most 0.5 off, against a near-duplicate threshold
 * of 24): 3 bytes a cell, 172,800 bytes for a 16:9 picture (320 × 180 cells) whatever its resolution. A frame
 * identical to the one kept before it (a frozen picture: slides, a still shot) shares its bytes. At most
 * MAX_RECORDING_BYTES in all (~780 signatures, 3 min 14 s of moving 16:9 video): past that, recording stops and
 * later times are answered by seeking, as they were before; a 3-hour video holds no more than the budget.
 */
import type { FrameSignature } from '../ml/near-duplicates.ts';
import { LOCATE_PRECISION_S, type SampledFrame } from './still-changes.ts';

export const RECORD_INTERVAL_S = LOCATE_PRECISION_S;
export const MAX_RECORDING_BYTES = 128 * 2 ** 20;

interface Kept {
  timeS: number;
  shape: Omit<FrameSignature, 'means'>;
  means: Uint8ClampedArray;
}

export class SignatureRecording {
  readonly #kept: Kept[] = [];
  #nextS = 0;
  #bytes = 0;
  #stopped = false;
  #complete = false;

  constructor(private readonly maxBytes = MAX_RECORDING_BYTES) {}

  /** Whether the frame shown at `timeS` is one to keep (frames come in presentation order). */
  wants(timeS: number): boolean {
    return !this.#stopped && !this.#complete && timeS >= this.#nextS;
  }

  /** Keeps the signature of the frame shown at `timeS`, if `wants(timeS)`. */
  add(timeS: number, { means, ...shape }: FrameSignature): void {
    if (!this.wants(timeS)) return;
    this.#nextS = (Math.floor(timeS / RECORD_INTERVAL_S + 1e-9) + 1) * RECORD_INTERVAL_S;
    // Rounds and clamps each mean to a whole level (the typed array conversion does both).
    let packed: Uint8ClampedArray = new Uint8ClampedArray(means);
    const previous = this.#kept.at(-1);
    if (previous && sameBytes(previous.means, packed)) packed = previous.means;
    else if (this.#bytes + packed.byteLength > this.maxBytes) {
      this.#stopped = true;
      return;
    } else this.#bytes += packed.byteLength;
    this.#kept.push({ timeS, shape, means: packed });
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
    return { signatures: this.#kept.length, bytes: this.#bytes };
  }

  /**
   * The signature of the first kept frame at or after `timeS`; null where the recording does not reach (it stopped
   * at its budget, or is unfinished) or that frame is shown at or after `beforeS`: the caller seeks instead.
   */
  signatureAt(timeS: number, beforeS = Infinity): SampledFrame | null {
    const kept = this.#kept;
    // Binary search for the first kept frame at or after the time (probe times are rounded to the millisecond).
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.timeS < timeS - 1e-6) lo = mid + 1;
      else hi = mid;
    }
    const found = kept[lo] ?? (this.#complete && !this.#stopped ? kept.at(-1) : undefined);
    return found && found.timeS < beforeS ? { ...found.shape, means: new Float32Array(found.means), shownAtS: found.timeS } : null;
  }
}

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
