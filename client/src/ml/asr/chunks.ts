// Long audio is transcribed in overlapping windows (Whisper sees at most 30 s at a time). Each window
// "owns" the middle of its span — its keep range — and the keep ranges tile the audio exactly, so every
// moment belongs to one window; the overlaps give each window context at its edges.
//
// Merging the windows' outputs works on segments (Whisper's own timestamps), then removes the words
// that two neighbouring windows both transcribed where their spans overlap.

import type { TranscriptSegment } from './types.ts';

export interface ChunkWindow {
  idx: number;
  /** The audio span this window is transcribed from. */
  startS: number;
  endS: number;
  /** The part of it this window is responsible for: neighbours' keep ranges meet exactly. */
  keepStartS: number;
  keepEndS: number;
}

/**
 * Plans windows of `chunkS` seconds that overlap their neighbours by 2 × `strideS` (the usual 30 s / 5 s:
 * windows start every 20 s, and each keeps its middle after dropping 5 s on a side shared with a
 * neighbour). The last window is moved back to end exactly at the end of the audio, so it is as long as
 * the others (more context for Whisper) instead of a short leftover.
 */
export function chunkPlan(durationS: number, chunkS = 30, strideS = 5): ChunkWindow[] {
  if (!Number.isFinite(durationS) || durationS < 0) throw new RangeError(`Audio duration must be ≥ 0 s (got ${durationS}).`);
  if (!Number.isFinite(chunkS) || chunkS <= 0) throw new RangeError(`Chunk length must be > 0 s (got ${chunkS}).`);
  if (!Number.isFinite(strideS) || strideS < 0 || 2 * strideS >= chunkS) {
    throw new RangeError(`Stride must be ≥ 0 s and less than half the chunk length (got ${strideS} s for ${chunkS} s chunks).`);
  }
  if (durationS === 0) return [];
  if (durationS <= chunkS) return [{ idx: 0, startS: 0, endS: durationS, keepStartS: 0, keepEndS: durationS }];

  const jump = chunkS - 2 * strideS;
  const windows: ChunkWindow[] = [];
  for (let startS = 0; ; startS += jump) {
    const previous = windows.at(-1);
    if (startS + chunkS >= durationS) {
      // Last window: full length, flush with the end; it keeps from where the previous one stopped.
      const keepStartS = previous ? previous.keepEndS : 0;
      windows.push({ idx: windows.length, startS: Math.max(0, durationS - chunkS), endS: durationS, keepStartS, keepEndS: durationS });
      return windows;
    }
    windows.push({
      idx: windows.length,
      startS,
      endS: startS + chunkS,
      keepStartS: previous ? startS + strideS : 0,
      keepEndS: startS + chunkS - strideS,
    });
  }
}

/**
 * Audio to transcribe: the samples in memory, or a file of float32 samples (the stored audio of a long video is read
 * one window at a time, never whole).
 */
export type Pcm = Float32Array | Blob;

const FLOAT_BYTES = 4;

/** The number of samples. */
export function pcmLength(pcm: Pcm): number {
  return pcm instanceof Blob ? Math.floor(pcm.size / FLOAT_BYTES) : pcm.length;
}

/** The samples of one window: a view when they are in memory, a read of that part alone from a file. */
export async function windowSamples(pcm: Pcm, window: Pick<ChunkWindow, 'startS' | 'endS'>, sampleRate: number): Promise<Float32Array> {
  const start = Math.round(window.startS * sampleRate);
  const end = Math.max(start, Math.min(pcmLength(pcm), Math.round(window.endS * sampleRate)));
  if (!(pcm instanceof Blob)) return pcm.subarray(start, end);
  return new Float32Array(await pcm.slice(start * FLOAT_BYTES, end * FLOAT_BYTES).arrayBuffer());
}

/** One window's transcription, segment times already absolute. */
export interface ChunkTranscript {
  window: ChunkWindow;
  segments: TranscriptSegment[];
}

export interface MergeOptions {
  /**
   * How far (s) past its keep range a window may still claim a segment that starts there. Two windows
   * place the same segment up to ~0.5 s apart: claiming generously and then removing repeated words
   * loses nothing, where a strict boundary would drop a segment each window placed on the other's side.
   */
  claimToleranceS?: number;
  /** A segment ending this close (s) to its window's end was cut off by the window edge. */
  edgeS?: number;
  /** A later window's segment that ends at most this far (s) past the kept transcript adds nothing new. */
  coveredS?: number;
}

interface KeptSegment extends TranscriptSegment {
  /** Cut off by its window's end: its end time is the window's, not the speech's. */
  cut: boolean;
}

/**
 * Joins the windows' transcripts into one timeline, window by window:
 * - a window claims the segments that start before the end of its keep range (+ tolerance); a segment
 *   cut off by its window's end is left to the next window when that one heard it from its start;
 * - a later window adds the segments that reach into its keep range and beyond what is already kept
 *   (a cut-off kept segment counts as covering only up to its start);
 * - where the two windows both transcribed the same words, the later window's repeat of them is
 *   removed (see `overlapLength`).
 */
export function mergeChunkTranscripts(chunks: readonly ChunkTranscript[], options: MergeOptions = {}): TranscriptSegment[] {
  const tolerance = options.claimToleranceS ?? 1;
  const edge = options.edgeS ?? 0.25;
  const covered = options.coveredS ?? 0.5;
  const kept: KeptSegment[] = [];
  const sorted = [...chunks].sort((a, b) => a.window.startS - b.window.startS);

  sorted.forEach((chunk, i) => {
    const { window } = chunk;
    const next = sorted[i + 1]?.window;
    const coverEndS = kept.reduce((end, s) => Math.max(end, s.cut ? s.startS : s.endS), -Infinity);
    const claimed = chunk.segments
      .filter((s) => s.text.trim() !== '')
      .map((s) => ({ ...s, cut: !!next && s.endS >= window.endS - edge }))
      .filter((s) => !next || s.startS < window.keepEndS + tolerance)
      .filter((s) => !(s.cut && next && s.startS >= next.startS))
      .filter((s) => i === 0 || (s.endS > window.keepStartS && s.endS > coverEndS + covered))
      .sort((a, b) => a.startS - b.startS);
    kept.push(...(i === 0 ? claimed : withoutRepeatedHead(kept, claimed, window.startS, tolerance)));
  });
  return kept.map(({ startS, endS, text }) => ({ startS, endS, text }));
}

/**
 * `incoming`, minus the words at its start that repeat words of `kept` — compared only among segments
 * that overlap in time (kept ones ending after the new window began; incoming ones starting before the
 * kept transcript ends), where a repeat can only be the same speech heard twice.
 */
function withoutRepeatedHead(
  kept: readonly KeptSegment[],
  incoming: readonly KeptSegment[],
  windowStartS: number,
  toleranceS: number,
): KeptSegment[] {
  const keptEndS = kept.reduce((end, s) => Math.max(end, s.endS), -Infinity);
  const coverEndS = kept.reduce((end, s) => Math.max(end, s.cut ? s.startS : s.endS), -Infinity);
  const tailWords = kept.filter((s) => s.endS > windowStartS).flatMap((s) => words(s.text));
  const headCount = incoming.filter((s) => s.startS < keptEndS + toleranceS).length;
  const headWords = incoming.slice(0, headCount).flatMap((s) => words(s.text));
  let drop = overlapLength(tailWords, headWords);

  const result: KeptSegment[] = [];
  for (const segment of incoming) {
    if (drop > 0) {
      const segmentWords = words(segment.text);
      if (segmentWords.length <= drop) {
        drop -= segmentWords.length;
        continue;
      }
      const text = segmentWords.slice(drop).join(' ');
      // Where the remaining words begin: estimated from the share of characters dropped, and never
      // before the kept speech ends (a cut-off kept segment's end is the window's, so it counts its start).
      const droppedChars = segmentWords.slice(0, drop).join(' ').length + 1;
      const estimateS = segment.startS + ((segment.endS - segment.startS) * droppedChars) / (segment.text.trim().length + 1);
      const startS = Math.min(segment.endS, Math.max(estimateS, coverEndS));
      drop = 0;
      result.push({ ...segment, startS, text });
      continue;
    }
    result.push({ ...segment });
  }
  return result;
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w !== '');
}

/** Lower case, no punctuation, Unicode-normalised: how two transcriptions of one word are compared. */
export function normalizeWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}]/gu, '');
}

/**
 * How many words at the start of `head` repeat words of `tail`. Every alignment of a prefix of head with
 * a run of tail is scored by its matching words; most matches wins (ties: a run at the very end of tail,
 * then the higher share, then the longer), accepted when at least 60 % of its words match and, beyond a
 * single word, at least two do — so one misheard word in the overlap does not leave the repeat in.
 */
export function overlapLength(tail: readonly string[], head: readonly string[]): number {
  const a = tail.map(normalizeWord);
  const b = head.map(normalizeWord);
  let best = { length: 0, matches: 0, atEnd: false, share: 0 };
  for (let end = a.length; end >= 1; end--) {
    for (let length = 1; length <= Math.min(end, b.length); length++) {
      let matches = 0;
      for (let j = 0; j < length; j++) if (a[end - length + j] === b[j]) matches++;
      const share = matches / length;
      if (share < 0.6 || (length > 1 && matches < 2)) continue;
      const atEnd = end === a.length;
      const better =
        matches !== best.matches
          ? matches > best.matches
          : atEnd !== best.atEnd
            ? atEnd
            : share !== best.share
              ? share > best.share
              : length > best.length;
      if (better) best = { length, matches, atEnd, share };
    }
  }
  return best.length;
}
