import { MediaError, type ProbeInfo } from './types.ts';

/** Limits of what Heimdex decodes: beyond them ffmpeg.wasm runs out of memory or takes hours per video. */
export const MAX_SIDE_PX = 8192;
export const MAX_MEGAPIXELS = 35;

const UNREADABLE = 'This file could not be read as a video — it may be damaged or not a video file.';

/**
 * Reads the header ffmpeg prints for `-loglevel info -i <file>` (ffmpeg 5.1 format, as ffmpeg.wasm prints it).
 * Throws MediaError('unreadable') when ffmpeg could not open the file at all. A file without a video stream
 * parses fine (videoCodec '' and zero size): `validateProbe` turns that into the user's message.
 */
export function parseProbeLog(lines: string[]): ProbeInfo {
  const text = lines.flatMap((line) => line.split(/\r?\n|\r/));
  let container: string | null = null;
  let durationS = Number.NaN;
  let video: { codec: string; width: number; height: number; fps: number; rotation: number } | null = null;
  let audioCodec: string | null = null;
  // Side data (e.g. the rotation matrix) is printed under the stream it belongs to.
  let inChosenVideo = false;

  for (const line of text) {
    if (/^(Output #|Stream mapping:)/.test(line.trim())) break; // only the input's description matters
    const input = /^Input #0, (.+), from '/.exec(line);
    if (input) {
      container = input[1] ?? null;
      continue;
    }
    if (container === null) continue;

    const duration = /^\s+Duration: ([^,]+),/.exec(line);
    if (duration) {
      durationS = parseClock(duration[1] ?? '');
      continue;
    }
    const stream = /^\s+Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$/.exec(line);
    if (stream) {
      inChosenVideo = false;
      const [, type, description = ''] = stream;
      const codec = /^([\w-]+)/.exec(description)?.[1] ?? 'unknown';
      // Cover art in a music file is a one-picture "video" stream: not a video.
      if (type === 'Video' && video === null && !description.includes('(attached pic)')) {
        const size = /(?:^|[\s,])(\d+)x(\d+)(?=$|[\s,[])/.exec(description);
        video = {
          codec,
          width: Number(size?.[1] ?? 0),
          height: Number(size?.[2] ?? 0),
          fps: parseRate(description, 'fps') ?? parseRate(description, 'tbr') ?? 0,
          rotation: 0,
        };
        inChosenVideo = true;
      } else if (type === 'Audio' && audioCodec === null) {
        audioCodec = codec;
      }
      continue;
    }
    const rotation = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(line);
    if (rotation && inChosenVideo && video) video.rotation = Number(rotation[1]);
  }

  if (container === null) {
    if (text.some((line) => line.includes('No such file or directory'))) {
      // Our own mistake (the mount), never the user's file: keep it out of the human-message path.
      throw new Error(`ffmpeg could not open its input:\n${text.join('\n')}`);
    }
    throw unreadableError(text);
  }

  const quarterTurn = video !== null && Math.abs(Math.round(video.rotation / 90)) % 2 === 1;
  return {
    durationS,
    width: (quarterTurn ? video?.height : video?.width) ?? 0,
    height: (quarterTurn ? video?.width : video?.height) ?? 0,
    fps: video?.fps ?? 0,
    videoCodec: video?.codec ?? '',
    audioCodec,
    container,
  };
}

/** Throws MediaError with the message the user will read when the file is not a video Heimdex can index. */
export function validateProbe(info: ProbeInfo, sizeBytes: number): void {
  validateSize(sizeBytes);
  if (isStillImage(info)) {
    throw new MediaError('unsupported', 'This is a still image, not a video.');
  }
  if (info.videoCodec === '') {
    throw new MediaError(
      'no-video',
      info.audioCodec ? 'No video stream: this file has only audio.' : 'No video stream: this file has no video or audio.',
    );
  }
  if (info.videoCodec === 'none' || info.videoCodec === 'unknown') {
    throw new MediaError('unsupported', 'The video in this file uses a format Heimdex cannot decode.');
  }
  if (!(info.width > 0 && info.height > 0)) {
    throw new MediaError('unreadable', 'The size of this video could not be read — the file may be damaged.');
  }
  if (info.width > MAX_SIDE_PX || info.height > MAX_SIDE_PX) {
    throw new MediaError(
      'too-large',
      `Resolution ${info.width}×${info.height} is larger than Heimdex supports (max ${MAX_SIDE_PX} px on a side).`,
    );
  }
  const megapixels = (info.width * info.height) / 1e6;
  if (megapixels > MAX_MEGAPIXELS) {
    throw new MediaError(
      'too-large',
      `Resolution ${info.width}×${info.height} (${megapixels.toFixed(1)} megapixels) is larger than Heimdex supports (max ${MAX_MEGAPIXELS} megapixels).`,
    );
  }
  if (!(info.durationS > 0)) {
    throw new MediaError('unreadable', 'The length of this video could not be read — the file may be damaged or incomplete.');
  }
}

/** The check that needs no decoding: run it before starting ffmpeg at all. */
export function validateSize(sizeBytes: number): void {
  if (sizeBytes === 0) throw new MediaError('empty', 'The file is empty (0 bytes).');
}

function unreadableError(lines: string[]): MediaError {
  const log = lines.join('\n');
  // "moov atom not found": an mp4/mov whose index never got written (interrupted recording, partial copy) —
  // unless the format was only guessed from the file name ("misdetection possible"): then it is no mp4 at all.
  if (/moov atom not found/.test(log) && !/misdetection possible/.test(log)) {
    return new MediaError(
      'unreadable',
      'This video file is incomplete — it may not have finished copying or recording.',
      'Its index (the mp4 “moov atom”) is missing.',
    );
  }
  return new MediaError('unreadable', UNREADABLE);
}

function isStillImage(info: ProbeInfo): boolean {
  return info.container === 'image2' || /^\w+_pipe$/.test(info.container);
}

/** "00:01:02.50" -> 62.5; "N/A" -> NaN. */
function parseClock(value: string): number {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Reads "29.97 fps" / "25 tbr" / "1k tbr" from a stream description. */
function parseRate(description: string, unit: 'fps' | 'tbr'): number | null {
  const match = new RegExp(`(?:^|, )(\\d+(?:\\.\\d+)?)(k?) ${unit}\\b`).exec(description);
  if (!match) return null;
  const value = Number(match[1]) * (match[2] === 'k' ? 1000 : 1);
  return value > 0 ? value : null;
}
