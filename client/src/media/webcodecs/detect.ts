/**
 * Scene cuts with the browser's own decoder: mp4box demux (demux.ts) → VideoDecoder → `copyTo` of each
 * frame's visible planes → a sampled signature (signature.ts) → scores and cuts (cuts.ts).
 *
 * Decoding runs on the browser's media threads while this worker copies and scores the previous frames, so
 * the two overlap; the queues between them are bounded so that memory stays flat whatever the length.
 * H.264 pictures that no other picture references are not decoded at all (h264.ts): x264's default B-frames
 * make ~45% of the pictures such, and decoding dominates the cost (bench: 1.8× faster). The price: a cut whose
 * first frame is such a picture is reported at the next decoded frame, one or two frames (≤ 80 ms) late —
 * late, never early, so a scene never starts on the previous scene's last frame.
 * A caller may watch the pass go by (CutPassWatcher): the still-change search keeps signatures of some frames
 * (record.ts), so that it need not decode them again.
 * Throws WebCodecsUnsupported (or whatever the decoder threw) when the file cannot take this path; the caller
 * falls back to ffmpeg.wasm.
 */
import { BACKGROUND_WINDOW_S, CUT_THRESHOLD, cutStrengths, frameScore, pickCuts, strengthAt } from './cuts.ts';
import { demuxVideo, readSamples, type DemuxedVideo } from './demux.ts';
import { avcLengthSize, isNonReferencePicture } from './h264.ts';
import { yuvView } from './planes.ts';
import { frameSignature, signatureDistance, type FrameSignature, type YuvView } from './signature.ts';
import { WebCodecsUnsupported } from './unsupported.ts';

/** Chunks waiting in the decoder: enough to keep it busy, few enough to hold little memory. */
const MAX_DECODE_QUEUE = 8;
/** Decoded frames waiting to be scored. Decoders own a small frame pool: unclosed frames stall them. */
const MAX_FRAMES_WAITING = 3;
/** No decoder progress for this long means it has hung: give up (and fall back). */
const STALL_TIMEOUT_MS = 15_000;
/** A decoder that silently drops more than this share of the frames is not trusted. */
const MIN_DECODED_SHARE = 0.9;
/** How many of the strongest frames to report, for measuring how well cuts stand out. */
const STRONGEST_REPORTED = 12;

export interface WebCodecsCuts {
  /** Cut times in seconds from the first frame, ascending. */
  cutsS: number[];
  /** Frames decoded and scored (non-reference H.264 pictures are skipped). */
  frames: number;
  /** The strongest frames (strength as in cuts.ts), strongest first: cuts and the closest non-cuts. */
  strongest: Array<{ timeS: number; strength: number }>;
}

/** Sees the cut pass go by (the still-change search's recorder, record.ts). */
export interface CutPassWatcher {
  /** Each decoded frame, in presentation order, before it is closed (it must not close it). */
  frame(frame: VideoFrame, timeS: number): Promise<void>;
  /**
   * A frame whose cut strength reaches CUT_THRESHOLD: every cut is one (pickCuts keeps the strongest within
   * MIN_CUT_GAP_S). Told BACKGROUND_WINDOW_S late, once the frames its strength depends on are scored.
   */
  mayCut(timeS: number): void;
}

export async function detectCutsWebCodecs(
  file: Blob,
  onProgress?: (fraction: number) => void,
  watcher?: CutPassWatcher,
): Promise<WebCodecsCuts> {
  if (typeof VideoDecoder === 'undefined') throw new WebCodecsUnsupported('this browser has no WebCodecs');
  const video = await demuxVideo(file);
  const support = await VideoDecoder.isConfigSupported(video.config);
  if (!support.supported) throw new WebCodecsUnsupported(`this browser cannot decode ${video.config.codec} with WebCodecs`);

  const scorer = new FrameScorer(video.durationS, onProgress, watcher);
  const decoded = await decodeAll(file, video, (frame) => scorer.add(frame));

  if (scorer.timesS.length < decoded * MIN_DECODED_SHARE) {
    throw new WebCodecsUnsupported(`the decoder returned ${scorer.timesS.length} of ${decoded} frames`);
  }
  const strengths = cutStrengths(scorer.timesS, scorer.scores);
  const strongest = [...strengths.keys()]
    .sort((a, b) => strengths[b]! - strengths[a]!)
    .slice(0, STRONGEST_REPORTED)
    .map((i) => ({ timeS: scorer.timesS[i]!, strength: strengths[i]! }));
  return { cutsS: pickCuts(scorer.timesS, strengths), frames: scorer.timesS.length, strongest };
}

/** Scores frames in presentation order (the order the decoder outputs them) against the previous one. */
class FrameScorer {
  readonly timesS: number[] = [];
  readonly scores: number[] = [];
  #previous: FrameSignature | null = null;
  #buffer = new Uint8Array(0);

  constructor(
    private readonly durationS: number,
    private readonly onProgress?: (fraction: number) => void,
    private readonly watcher?: CutPassWatcher,
  ) {}

  /** Frames before this one have had their strength judged for the watcher. */
  #judged = 1;

  async add(frame: VideoFrame): Promise<void> {
    try {
      // Chunk timestamps were made relative to the first frame when decoding (see decodeAll).
      const timeS = frame.timestamp / 1e6;
      const signature = frameSignature(await this.#copy(frame));
      const score = this.#previous ? frameScore(signatureDistance(this.#previous, signature)) : 0;
      this.scores.push(score);
      this.timesS.push(timeS);
      this.#previous = signature;
      if (this.watcher) {
        await this.watcher.frame(frame, timeS);
        this.#tellMayCuts(timeS);
      }
      this.onProgress?.(timeS / this.durationS);
    } finally {
      frame.close();
    }
  }

  /** Tells the watcher of the frames whose strength, now final (`nowS` is past their window), reaches the threshold. */
  #tellMayCuts(nowS: number): void {
    const { timesS, scores } = this;
    for (; this.#judged < timesS.length && timesS[this.#judged]! + BACKGROUND_WINDOW_S < nowS; this.#judged++) {
      // The score bounds the strength (a median of scores is never negative): most frames end here.
      const i = this.#judged;
      if (scores[i]! >= CUT_THRESHOLD && strengthAt(timesS, scores, i) >= CUT_THRESHOLD) this.watcher?.mayCut(timesS[i]!);
    }
  }

  /** Copies the frame's visible planes into the reused buffer. */
  async #copy(frame: VideoFrame): Promise<YuvView> {
    // The visible rect, never the coded size: 720p H.264 decodes to 1280×738 coded, with padding rows.
    const rect = frame.visibleRect;
    if (!rect) throw new Error('a decoded frame had no visible rect');
    const size = frame.allocationSize({ rect });
    if (this.#buffer.byteLength < size) this.#buffer = new Uint8Array(size);
    const layout = await frame.copyTo(this.#buffer, { rect });
    return yuvView(frame.format, layout, rect.width, rect.height, this.#buffer);
  }
}

/**
 * Feeds the samples (but skippable pictures) to a VideoDecoder and hands each output frame to `consume` (one at a
 * time, in output order), keeping at most MAX_DECODE_QUEUE chunks and MAX_FRAMES_WAITING frames in flight.
 * Every frame is closed, also on failure. Returns how many samples were given to the decoder.
 */
async function decodeAll(file: Blob, video: DemuxedVideo, consume: (frame: VideoFrame) => Promise<void>): Promise<number> {
  let failure: unknown = null;
  let waiting = 0;
  let consuming: Promise<void> = Promise.resolve();
  let wake: () => void = () => undefined;

  const decoder = new VideoDecoder({
    output(frame) {
      if (failure !== null) {
        frame.close();
        return;
      }
      waiting++;
      consuming = consuming
        .then(() => (failure === null ? consume(frame) : frame.close()))
        .catch((error: unknown) => {
          frame.close();
          failure ??= error;
        })
        .finally(() => {
          waiting--;
          wake();
        });
    },
    error(error) {
      failure ??= error;
      wake();
    },
  });
  decoder.addEventListener('dequeue', () => wake());

  /** Resolves at the next dequeue, scored frame or failure; rejects when nothing moves for STALL_TIMEOUT_MS. */
  const progress = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WebCodecsUnsupported('the video decoder stopped making progress')), STALL_TIMEOUT_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const check = () => {
    if (failure !== null) throw failure;
  };

  try {
    decoder.configure(video.config);
    const { samples, firstTimestampUs } = video;
    const skippable = nonReferenceTest(video.config);
    let given = 0;
    for await (const { index, data } of readSamples(file, samples)) {
      check();
      if (skippable?.(data)) continue;
      while (decoder.decodeQueueSize >= MAX_DECODE_QUEUE || waiting >= MAX_FRAMES_WAITING) {
        await progress();
        check();
      }
      decoder.decode(
        new EncodedVideoChunk({
          type: samples.keyframes[index] ? 'key' : 'delta',
          // Relative to the first frame, like the cut times (mp4box includes the composition offset).
          timestamp: samples.timestampsUs[index]! - firstTimestampUs,
          duration: samples.durationsUs[index]!,
          data,
        }),
      );
      given++;
    }
    await withStallTimeout(decoder.flush());
    await consuming;
    check();
    return given;
  } finally {
    if (decoder.state !== 'closed') decoder.close();
    // Frames still queued behind a failure are closed by the consumer chain; let it drain.
    await consuming;
  }
}

function withStallTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WebCodecsUnsupported('the video decoder did not finish')), STALL_TIMEOUT_MS);
  });
  return Promise.race([work, stalled]).finally(() => clearTimeout(timer));
}

/** For H.264 in MP4 (length-prefixed NAL units): which samples need not be decoded. Null for other codecs. */
function nonReferenceTest(config: VideoDecoderConfig): ((sample: Uint8Array) => boolean) | null {
  if (!/^avc[13]\./.test(config.codec) || !(config.description instanceof Uint8Array)) return null;
  const lengthSize = avcLengthSize(config.description);
  return (sample) => isNonReferencePicture(sample, lengthSize);
}
