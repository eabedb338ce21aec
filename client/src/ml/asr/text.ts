// Whisper writes what it hears that is not speech as tags — [BLANK_AUDIO], [Music], (upbeat music),
// ♪ ... ♪ — and on silence or music it can loop, repeating a phrase until the token limit. Neither is
// worth indexing: this module removes both before transcripts are stored.

import type { TranscriptSegment } from './types.ts';
import { normalizeWord } from './chunks.ts';

/** Parenthesised text of at most this many words is a sound tag, e.g. "(audience laughing)"; longer is speech. */
const MAX_TAG_WORDS = 4;

/**
 * One segment's text without non-speech tags, music symbols and runaway repeats, whitespace collapsed.
 * Empty when nothing spoken is left.
 */
export function cleanText(text: string): string {
  const stripped = text
    .replace(/\[[^\]]*\]/g, ' ') // [BLANK_AUDIO], [Music], [inaudible]: square brackets are always tags
    .replace(/\(([^()]*)\)/g, (match, inner: string) => (inner.trim().split(/\s+/).length <= MAX_TAG_WORDS ? ' ' : match))
    .replace(/[♪♫♬♩🎵🎶]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const collapsed = collapseRepeats(stripped.split(' ').filter((w) => w !== '')).join(' ');
  // What is left of a segment that was only tags can be stray punctuation ("-", "...").
  return /[\p{L}\p{N}]/u.test(collapsed) ? collapsed : '';
}

/**
 * Collapses a phrase repeated back to back into one occurrence — the shape of a Whisper hallucination
 * loop. A phrase of 2+ words must occur 3 times in a row; a single word 4 times ("no, no, no" stays, a
 * fourth "no" marks a loop). Longer phrases are handled first so "thank you thank you ..." collapses
 * to "thank you", not to "thank you" after mangling single words.
 */
export function collapseRepeats(words: readonly string[], maxPhraseWords = 12): string[] {
  let out = [...words];
  for (let n = Math.min(maxPhraseWords, Math.floor(out.length / 3)); n >= 1; n--) {
    const minRepeats = n === 1 ? 4 : 3;
    const keys = out.map(normalizeWord);
    const result: string[] = [];
    let i = 0;
    while (i < out.length) {
      let repeats = 1;
      while (i + (repeats + 1) * n <= out.length && samePhrase(keys, i, i + repeats * n, n)) repeats++;
      if (repeats >= minRepeats) {
        result.push(...out.slice(i, i + n));
        i += repeats * n;
      } else {
        result.push(out[i] as string);
        i++;
      }
    }
    out = result;
  }
  return out;
}

function samePhrase(keys: readonly string[], a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (keys[a + k] !== keys[b + k]) return false;
  return true;
}

/**
 * Segments ready to store: texts cleaned, empty ones dropped, and a segment whose text repeats the
 * previous kept one's dropped when they are 3+ in a row (a loop across segments) — the run's first
 * segment is kept and stretched to the run's end.
 */
export function cleanSegments(segments: readonly TranscriptSegment[]): TranscriptSegment[] {
  const cleaned = segments
    .map((s) => ({ ...s, text: cleanText(s.text) }))
    .filter((s) => s.text !== '');
  const out: TranscriptSegment[] = [];
  let i = 0;
  while (i < cleaned.length) {
    const first = cleaned[i] as TranscriptSegment;
    const key = phraseKey(first.text);
    let j = i + 1;
    while (j < cleaned.length && phraseKey((cleaned[j] as TranscriptSegment).text) === key) j++;
    const run = j - i;
    if (run >= 3) {
      out.push({ ...first, endS: Math.max(first.endS, (cleaned[j - 1] as TranscriptSegment).endS) });
    } else {
      out.push(...cleaned.slice(i, j));
    }
    i = j;
  }
  return out;
}

function phraseKey(text: string): string {
  return text.split(/\s+/).map(normalizeWord).join(' ');
}
