/**
 * MP4/MOV demuxing for the WebCodecs path: mp4box parses the index (moov) from chunks of the File, then the
 * video samples are read straight from the File in batches. The file is never held in memory as a whole:
 * mp4box skips the media data (keepMdatData = false) and jumps to wherever the moov is.
 */
import { createFile, Log, MP4BoxBuffer, MultiBufferStream, type Track, type VisualSampleEntry } from 'mp4box';
import { WebCodecsUnsupported } from './unsupported.ts';

/** mp4box logs every box it meets at "info"; keep the console for real problems. */
Log.setLogLevel(Log.error);

/** Reading the index: 1 MB at a time. */
const INDEX_CHUNK_BYTES = 1 << 20;
/** A moov larger than this is not an index we want in memory (a 3-hour 60 fps video has a ~10 MB one). */
const MAX_INDEX_BYTES = 64 << 20;
/** Sample data is read in slices of up to 4 MB: few reads, bounded memory. */
const SAMPLE_BATCH_BYTES = 4 << 20;

/** The video track's samples in decode order, as compact arrays (the mp4box objects are dropped). */
export interface SampleTable {
  count: number;
  /** Byte offset and size of each sample in the file. */
  offsets: Float64Array;
  sizes: Uint32Array;
  /** Composition (presentation) time and duration, in µs. */
  timestampsUs: Float64Array;
  durationsUs: Float64Array;
  keyframes: Uint8Array;
}

export interface DemuxedVideo {
  config: VideoDecoderConfig;
  samples: SampleTable;
  /** The earliest presentation time in µs: mp4box times include the B-frame composition offset. */
  firstTimestampUs: number;
  durationS: number;
}

/** Parses the MP4/MOV index of `file` and returns its first video track ready to decode. */
export async function demuxVideo(file: Blob): Promise<DemuxedVideo> {
  const isoFile = createFile(false);
  let parseError: string | null = null;
  isoFile.onError = (module, message) => (parseError = `${module}: ${message}`);
  let ready = false;
  isoFile.onReady = () => (ready = true);

  let position = 0;
  let readBytes = 0;
  while (!ready && position < file.size) {
    const end = Math.min(file.size, position + INDEX_CHUNK_BYTES);
    const chunk = MP4BoxBuffer.fromArrayBuffer(await file.slice(position, end).arrayBuffer(), position);
    readBytes += end - position;
    if (readBytes > MAX_INDEX_BYTES) throw new WebCodecsUnsupported('the MP4 index is too large to read');
    const next = isoFile.appendBuffer(chunk, end >= file.size);
    if (parseError) throw new WebCodecsUnsupported(`mp4box could not parse the file (${parseError})`);
    // mp4box answers where it wants to read next: past the media data, to the moov at the end.
    position = typeof next === 'number' && next > position ? next : end;
  }
  if (!ready) throw new WebCodecsUnsupported('no MP4 index (moov) found');

  const info = isoFile.getInfo();
  if (info.isFragmented) throw new WebCodecsUnsupported('fragmented MP4 is not supported on this path');
  const track = info.videoTracks[0];
  if (!track) throw new WebCodecsUnsupported('no video track');
  const entries = isoFile.getTrackById(track.id).mdia.minf.stbl.stsd.entries;
  if (entries.length !== 1) throw new WebCodecsUnsupported(`${entries.length} sample descriptions in the video track`);
  const entry = entries[0] as VisualSampleEntry;

  const samples = sampleTable(isoFile.getTrackSamplesInfo(track.id));
  if (samples.count === 0) throw new WebCodecsUnsupported('the video track has no samples');
  let firstTimestampUs = Infinity;
  for (const t of samples.timestampsUs) firstTimestampUs = Math.min(firstTimestampUs, t);

  return {
    config: decoderConfig(track, entry),
    samples,
    firstTimestampUs,
    durationS: track.movie_duration / track.movie_timescale || track.duration / track.timescale,
  };
}

function decoderConfig(track: Track, entry: VisualSampleEntry): VideoDecoderConfig {
  const config: VideoDecoderConfig = {
    codec: track.codec,
    codedWidth: entry.width || track.video?.width || 0,
    codedHeight: entry.height || track.video?.height || 0,
  };
  const description = codecDescription(entry);
  if (description) config.description = description;
  else if (/^(avc|hvc|hev)/.test(track.codec)) throw new WebCodecsUnsupported(`no decoder configuration box for ${track.codec}`);
  return config;
}

/** The codec configuration box (avcC, hvcC, vpcC, av1C) without its 8-byte box header: what WebCodecs wants. */
function codecDescription(entry: VisualSampleEntry): Uint8Array | null {
  const box = entry.avcC ?? entry.hvcC ?? entry.vpcC ?? entry.av1C;
  if (!box) return null;
  const stream = new MultiBufferStream();
  box.write(stream);
  return new Uint8Array(stream.buffer, 8, stream.byteLength - 8).slice();
}

interface Mp4Sample {
  offset: number;
  size: number;
  cts: number;
  duration: number;
  timescale: number;
  is_sync: boolean;
}

function sampleTable(samples: readonly Mp4Sample[]): SampleTable {
  const count = samples.length;
  const table: SampleTable = {
    count,
    offsets: new Float64Array(count),
    sizes: new Uint32Array(count),
    timestampsUs: new Float64Array(count),
    durationsUs: new Float64Array(count),
    keyframes: new Uint8Array(count),
  };
  samples.forEach((s, i) => {
    table.offsets[i] = s.offset;
    table.sizes[i] = s.size;
    table.timestampsUs[i] = (s.cts * 1e6) / s.timescale;
    table.durationsUs[i] = (s.duration * 1e6) / s.timescale;
    table.keyframes[i] = s.is_sync ? 1 : 0;
  });
  return table;
}

/**
 * Splits the samples into reads of at most `maxBytes` (a sample larger than that is a read of its own):
 * consecutive samples laid out forwards in the file share one read. Returns [first, last) sample indexes.
 */
export function planReads(table: Pick<SampleTable, 'count' | 'offsets' | 'sizes'>, maxBytes = SAMPLE_BATCH_BYTES): Array<[number, number]> {
  const reads: Array<[number, number]> = [];
  let first = 0;
  while (first < table.count) {
    const start = table.offsets[first]!;
    let end = start + table.sizes[first]!;
    let last = first + 1;
    while (last < table.count) {
      const offset = table.offsets[last]!;
      const sampleEnd = offset + table.sizes[last]!;
      if (offset < end || sampleEnd - start > maxBytes) break;
      end = sampleEnd;
      last++;
    }
    reads.push([first, last]);
    first = last;
  }
  return reads;
}

/** The samples' data in decode order, one read ahead of the consumer. */
export async function* readSamples(file: Blob, table: SampleTable): AsyncGenerator<{ index: number; data: Uint8Array }> {
  const reads = planReads(table);
  const load = (r: number) => {
    const [first, last] = reads[r]!;
    const start = table.offsets[first]!;
    const end = table.offsets[last - 1]! + table.sizes[last - 1]!;
    if (end > file.size) throw new WebCodecsUnsupported('the file is shorter than its index says (truncated?)');
    return file.slice(start, end).arrayBuffer();
  };
  let next: Promise<ArrayBuffer> | null = reads.length > 0 ? load(0) : null;
  for (let r = 0; r < reads.length; r++) {
    const buffer = await next!;
    next = r + 1 < reads.length ? load(r + 1) : null;
    // Awaited on the next turn; until then a failure must not count as unhandled (the consumer may stop early).
    next?.catch(() => undefined);
    const [first, last] = reads[r]!;
    const base = table.offsets[first]!;
    for (let i = first; i < last; i++) {
      yield { index: i, data: new Uint8Array(buffer, table.offsets[i]! - base, table.sizes[i]!) };
    }
  }
}
