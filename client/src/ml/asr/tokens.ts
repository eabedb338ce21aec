// Whisper's timestamp mode writes segments as  <|t0|> words <|t1|><|t1|> words <|t2|> ...  where a
// timestamp token is `timestampBegin + round(t / 0.02)`. Turning a generated token sequence into
// segments is done here, apart from the model, so it can be tested with made-up token ids.

import type { TranscriptSegment } from './types.ts';

export interface WhisperTokenIds {
  /** Id of <|endoftext|>: text tokens are below it, special tokens from it up to the timestamps. */
  endOfText: number;
  /** Id of <|0.00|> (= <|notimestamps|> + 1): every id from here on is a timestamp. */
  timestampBegin: number;
}

/** Seconds per timestamp step in every Whisper model. */
export const TIMESTAMP_PRECISION_S = 0.02;

/**
 * Segments (times relative to the window) from one window's generated tokens. Special tokens (start of
 * transcript, language, task) are skipped. Text after the last timestamp — a segment the window's end
 * cut off — ends at `windowLengthS`. Text with no timestamp before it starts where the previous segment
 * ended (or at 0).
 */
export function segmentsFromTokens(
  ids: readonly number[],
  tokenIds: WhisperTokenIds,
  decode: (textIds: number[]) => string,
  windowLengthS: number,
): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let openS: number | null = null; // start of the segment being read
  let lastS = 0; // latest timestamp seen
  let text: number[] = [];

  const close = (endS: number) => {
    const decoded = decode(text).trim();
    if (decoded !== '') segments.push({ startS: openS ?? lastS, endS: Math.max(endS, openS ?? lastS), text: decoded });
    text = [];
    openS = null;
  };

  for (const id of ids) {
    if (id >= tokenIds.timestampBegin) {
      const t = (id - tokenIds.timestampBegin) * TIMESTAMP_PRECISION_S;
      if (text.length > 0) close(t);
      else openS = t; // opening timestamp (or a second one in a row: the later wins)
      lastS = t;
    } else if (id < tokenIds.endOfText) {
      openS ??= lastS;
      text.push(id);
    }
  }
  if (text.length > 0) close(Math.max(windowLengthS, lastS));
  return segments;
}
