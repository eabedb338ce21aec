// Work the ML worker leaves out because it cannot find anything. Each skip can be turned off, so the bench
// measures the same frames with and without it, and a skip that ever loses a result can be switched off alone.
//
// Measured and left out on purpose (Dec 2026, dev corpus keyframes + face-api's sample photos): face-api's tiny
// detector as a cheap gate before the SSD (~5× cheaper) scored 0.000–0.10 on frames where the SSD found faces of
// 30–75 px, and up to 0.80 on frames with none — no threshold keeps every face; PP-OCR det at 480 px as a gate
// before the 960 px pass found no box on a 640 × 360 frame whose caption the full pass reads.

export interface AnalysisSkips {
  /** OCR and faces: a keyframe that is a near-duplicate of one analysed just before gets a copy of its results. */
  nearDuplicates: boolean;
}

export const DEFAULT_SKIPS: AnalysisSkips = { nearDuplicates: true };
export const NO_SKIPS: AnalysisSkips = { nearDuplicates: false };

/** What the skips left out in one call: frames a model analysed, frames that got a copy instead. */
export interface SkipCounts {
  analysed: number;
  reused: number;
}

/** How one OCR or faces call goes over its keyframes. */
export interface KeyframeCallOptions {
  /** Default: every skip on (the bench turns them off to compare). */
  skips?: AnalysisSkips;
  /**
   * These keyframes follow those of the previous call of the same task (the next batch of one stage): a keyframe
   * may take a copy of a result from the end of the previous batch, as it would within one call.
   */
  continues?: boolean;
}
