/** What probing a file tells us. Width and height are as displayed (a 90° rotation tag swaps them). */
export interface ProbeInfo {
  durationS: number;
  width: number;
  height: number;
  fps: number;
  /** ffmpeg's codec name, e.g. 'h264'; '' when the file has no video stream. */
  videoCodec: string;
  audioCodec: string | null;
  /** ffmpeg's demuxer name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2'. */
  container: string;
}

/** One scene: [startS, endS), contiguous with its neighbours. */
export interface SceneSpan {
  idx: number;
  startS: number;
  endS: number;
}

/** How scene cuts were found: with the browser's own decoder (WebCodecs) or with ffmpeg.wasm. */
export type CutMethod = 'webcodecs' | 'ffmpeg';

export interface CutDetectionOptions {
  /**
   * 'auto' (the default): WebCodecs when the file is MP4/MOV and the browser decodes its codec, else — or when
   * it fails — ffmpeg.wasm. A named method runs alone and its failure is thrown (for benchmarks and tests).
   */
  method?: 'auto' | CutMethod;
}

export interface CutDetection {
  /** Cut times in seconds, ascending (what `detectCuts` returns). */
  cutsS: number[];
  method: CutMethod;
  /** Why WebCodecs was not used, when 'auto' fell back to ffmpeg.wasm; otherwise null. */
  fallbackReason: string | null;
  /** WebCodecs only: frames scored, and the strongest frames' cut strength (how clearly the cuts stood out). */
  webcodecs?: { frames: number; strongest: Array<{ timeS: number; strength: number }> };
}

/** What `findStillChanges` found: scene boundaries inside detected scenes, and what it cost. */
export interface StillChanges {
  /** Times (s, ascending) where a still picture turns into another one that differs in a detail. */
  changesS: number[];
  /** Probe frames sought and decoded to find them. */
  framesDecoded: number;
  /** Probe frames answered from the signatures the WebCodecs cut pass kept (no decoding). */
  framesRecorded: number;
  /** What those kept signatures held (bytes of cell means); 0 without them. */
  recordedBytes: number;
}

export type MediaErrorKind = 'empty' | 'unreadable' | 'no-video' | 'too-large' | 'unsupported' | 'aborted';

/**
 * A failure the user should read (bad file, unsupported input). `message` is one short human sentence;
 * `details` what a technical reader may want behind "Show details" (e.g. ffmpeg's last lines), or null.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly kind: MediaErrorKind,
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
  }
}
