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

export type MediaErrorKind = 'empty' | 'unreadable' | 'no-video' | 'too-large' | 'unsupported' | 'aborted';

/** A failure the user should read (bad file, unsupported input). `message` is the human text. */
export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly kind: MediaErrorKind,
    message: string,
  ) {
    super(message);
  }
}
