/** A stretch of transcribed speech. Times are seconds from the start of the audio (absolute). */
export interface TranscriptSegment {
  startS: number;
  endS: number;
  text: string;
}

/** What the speech task returns for one audio track. */
export interface Transcript {
  /** ISO 639-1 code as Whisper names it ('en', 'de', ...); 'und' when the audio held no speech to detect from. */
  language: string;
  segments: TranscriptSegment[];
}

/** Sample rate Whisper's feature extractor expects: the media worker's extractAudio delivers exactly this. */
export const WHISPER_SAMPLE_RATE = 16_000;
