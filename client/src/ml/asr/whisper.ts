// Speech to text with Whisper through transformers.js (which owns the log-mel features, the tokenizer
// and generation). What this module adds: windows over long audio with absolute timestamps, language
// detection (transformers.js has none), silence skipping, merging of overlapping windows and transcript
// cleanup — the last four pure and tested on their own.

import type { Tensor } from '@huggingface/transformers';
import { isSilent, rms } from './audio.ts';
import { chunkPlan, mergeChunkTranscripts, pcmLength, windowSamples, type ChunkTranscript, type Pcm } from './chunks.ts';
import { detectLanguage } from './language.ts';
import { cleanSegments } from './text.ts';
import { segmentsFromTokens, type WhisperTokenIds } from './tokens.ts';
import { WHISPER_SAMPLE_RATE, type Transcript } from './types.ts';
import { explainLoadFailure, isEightBit, onnxFileName, transformers, type MlDevice, type ModelDtype } from './transformers-runtime.ts';

export type AsrModelId = 'onnx-community/whisper-base' | 'onnx-community/whisper-tiny';

/** Weight format per ONNX part of a Whisper export. */
export interface WhisperDtype {
  encoder_model: ModelDtype;
  decoder_model_merged: ModelDtype;
}

/**
 * The weight formats `npm run models:fetch` installs (public/models/models.json): both parts q8 — the
 * small, fast choice on WASM, transformers.js's own default there. Other formats load when their files
 * are present and asked for; e.g. { encoder_model: 'fp32', decoder_model_merged: 'q4' } for WebGPU.
 */
export function defaultWhisperDtype(): WhisperDtype {
  return { encoder_model: 'q8', decoder_model_merged: 'q8' };
}

/**
 * Where Whisper really runs: q8 Whisper decoders (and int8 models) give garbage on WebGPU and the fp16
 * decoder is broken there (transformers.js #1317, #1512, #894), so such a combination runs on WASM.
 */
export function whisperDevice(device: MlDevice, dtype: WhisperDtype): MlDevice {
  if (device !== 'webgpu') return device;
  const parts = [dtype.encoder_model, dtype.decoder_model_merged];
  return parts.some(isEightBit) || dtype.decoder_model_merged === 'fp16' ? 'wasm' : 'webgpu';
}

/** The files transformers.js reads for this model at this dtype, relative to /models/<model-id>/. */
export function whisperFiles(dtype: WhisperDtype): string[] {
  return [
    'config.json',
    'generation_config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    onnxFileName('encoder_model', dtype.encoder_model),
    onnxFileName('decoder_model_merged', dtype.decoder_model_merged),
  ];
}

/**
 * The most Whisper hears at a time (its feature extractor's 30 s), and so the longest a segment can be: each lies
 * inside its window (transcribe clamps its end). Search reads a hit's segments on that bound (shared-schema's
 * LONGEST_SEGMENT_S, which a test holds to this).
 */
export const WHISPER_WINDOW_S = 30;

export interface LoadAsrOptions {
  modelId: AsrModelId;
  device: MlDevice;
  /** Overrides the installed weight formats (defaultWhisperDtype), e.g. with a models.json entry's dtype. */
  dtype?: Partial<WhisperDtype>;
  /** Window length and the overlap on each side shared with a neighbour (s); defaults 30 and 5. */
  chunkS?: number;
  strideS?: number;
}

export interface TranscribeOptions {
  /** Whisper language code ('en', 'de', ...) or name; detected from the audio when absent. */
  language?: string;
  /** Fraction of the audio done, 0..1, after each window. */
  onProgress?: (fraction: number) => void;
  /** Stops between windows with an AbortError. */
  signal?: AbortSignal;
}

export interface AsrEngine {
  readonly modelId: AsrModelId;
  /** Where it runs: the requested device, except WebGPU with weights that break there (whisperDevice). */
  readonly device: MlDevice;
  /** The weight formats loaded per part, as transformers.js reports them (not merely as asked). */
  readonly dtype: WhisperDtype;
  /** Wall time the model took to load (ms). */
  readonly loadMs: number;
  /** Transcribes 16 kHz mono PCM (a file of it is read window by window). Segment times are seconds from its start. */
  transcribe(pcm16k: Pcm, options?: TranscribeOptions): Promise<Transcript>;
  /** Frees the ONNX sessions (on WebGPU, reload between long files: transformers.js #1739 leaks per window). */
  dispose(): Promise<void>;
}

/** What this module reads from a Whisper generation_config.json. */
interface WhisperGenerationConfig {
  decoder_start_token_id: number;
  eos_token_id: number | number[];
  no_timestamps_token_id?: number;
  is_multilingual?: boolean;
  lang_to_id?: Record<string, number>;
}

interface WhisperModel {
  generation_config: WhisperGenerationConfig | null;
  /** transformers.js's ONNX sessions by session name; each records the dtype it was created with. */
  sessions: Record<string, { config?: { dtype?: string } } | undefined>;
  generate(options: Record<string, unknown>): Promise<unknown>;
  (inputs: Record<string, unknown>): Promise<{ logits: Tensor }>;
  dispose(): Promise<unknown>;
}

interface WhisperProcessor {
  (audio: Float32Array): Promise<{ input_features: Tensor }>;
  tokenizer: { decode(ids: number[], options: { skip_special_tokens: boolean }): string };
}

/**
 * The weight formats transformers.js really loaded, read back from its sessions. Its `dtype` option is
 * keyed by ONNX file name (encoder_model, decoder_model_merged) while the sessions are named `model` and
 * `decoder_model_merged`: a dtype keyed by the session name `model` is silently ignored and the encoder
 * loads the device default (fp32 on CPU, q8 on WASM). Reading it back makes such a mix-up visible.
 */
function loadedDtype(model: WhisperModel, asked: WhisperDtype): WhisperDtype {
  const read = (session: string, fallback: ModelDtype) => (model.sessions?.[session]?.config?.dtype as ModelDtype | undefined) ?? fallback;
  return { encoder_model: read('model', asked.encoder_model), decoder_model_merged: read('decoder_model_merged', asked.decoder_model_merged) };
}

/** Languages are detected from the loudest of the first windows: an intro of music or silence misleads. */
const LANGUAGE_PROBE_WINDOWS = 3;

export async function loadAsr(options: LoadAsrOptions): Promise<AsrEngine> {
  const { modelId } = options;
  const dtype: WhisperDtype = { ...defaultWhisperDtype(), ...options.dtype };
  const device = whisperDevice(options.device, dtype);
  const chunkS = options.chunkS ?? WHISPER_WINDOW_S;
  if (chunkS > WHISPER_WINDOW_S) throw new RangeError(`Whisper hears at most ${WHISPER_WINDOW_S} s at a time (asked for ${chunkS} s windows).`);
  const strideS = options.strideS ?? 5;
  chunkPlan(chunkS * 2, chunkS, strideS); // reject bad window settings now, not at the first file

  const t = await transformers();
  const started = performance.now();
  let processor: WhisperProcessor;
  let model: WhisperModel;
  try {
    const [p, m] = await Promise.all([
      t.WhisperProcessor.from_pretrained(modelId),
      t.WhisperForConditionalGeneration.from_pretrained(modelId, { device, dtype: { ...dtype } }),
    ]);
    processor = p as unknown as WhisperProcessor;
    model = m as unknown as WhisperModel;
  } catch (error) {
    throw await explainLoadFailure(modelId, whisperFiles(dtype), error);
  }
  const loadMs = performance.now() - started;
  const loaded = loadedDtype(model, dtype);

  const config = model.generation_config;
  if (!config || config.no_timestamps_token_id === undefined) {
    await model.dispose();
    throw new Error(`Model ${modelId} has no Whisper generation_config.json with timestamp tokens; it cannot give segment times.`);
  }
  const endOfText = Array.isArray(config.eos_token_id) ? (config.eos_token_id[0] as number) : config.eos_token_id;
  const tokenIds: WhisperTokenIds = { endOfText, timestampBegin: config.no_timestamps_token_id + 1 };
  const multilingual = config.is_multilingual !== false && !!config.lang_to_id && Object.keys(config.lang_to_id).length > 0;
  const decode = (ids: number[]) => processor.tokenizer.decode(ids, { skip_special_tokens: true });

  /** One decoder step after <|startoftranscript|>, read over the language tokens only. */
  async function detect(samples: Float32Array): Promise<string> {
    const { input_features } = await processor(samples);
    const decoderInputIds = new t.Tensor('int64', BigInt64Array.of(BigInt(config!.decoder_start_token_id)), [1, 1]);
    const { logits } = await model({ input_features, decoder_input_ids: decoderInputIds });
    const vocab = logits.dims.at(-1) as number;
    const data = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
    return detectLanguage(data.subarray(data.length - vocab), config!.lang_to_id!).language;
  }

  async function transcribeWindow(samples: Float32Array, language: string | null): Promise<{ ids: number[]; lengthS: number }> {
    const { input_features } = await processor(samples);
    const output = (await model.generate({
      inputs: input_features,
      return_timestamps: true,
      ...(language ? { language, task: 'transcribe' } : {}),
    })) as Tensor;
    return { ids: Array.from(output.data as BigInt64Array, Number), lengthS: samples.length / WHISPER_SAMPLE_RATE };
  }

  return {
    modelId,
    device,
    dtype: loaded,
    loadMs,
    async transcribe(pcm16k, opts = {}) {
      const durationS = pcmLength(pcm16k) / WHISPER_SAMPLE_RATE;
      const windows = chunkPlan(durationS, chunkS, strideS);
      const samplesOf = (w: (typeof windows)[number]) => windowSamples(pcm16k, w, WHISPER_SAMPLE_RATE);
      const audible: typeof windows = [];
      for (const w of windows) if (!isSilent(await samplesOf(w))) audible.push(w);
      const throwIfAborted = () => {
        if (opts.signal?.aborted) throw new DOMException('Transcription was cancelled.', 'AbortError');
      };
      throwIfAborted();
      if (audible.length === 0) {
        opts.onProgress?.(1);
        return { language: opts.language ?? 'und', segments: [] };
      }

      let language = opts.language ?? null;
      if (!language) {
        if (multilingual) {
          const candidates = await Promise.all(audible.slice(0, LANGUAGE_PROBE_WINDOWS).map(samplesOf));
          const probe = candidates.reduce((a, b) => (rms(b) > rms(a) ? b : a));
          language = await detect(probe);
        } else {
          language = 'en'; // English-only checkpoints take no language token
        }
      }

      const chunks: ChunkTranscript[] = [];
      let doneS = 0;
      for (const window of windows) {
        throwIfAborted();
        if (audible.includes(window)) {
          const { ids, lengthS } = await transcribeWindow(await samplesOf(window), multilingual ? language : null);
          const segments = segmentsFromTokens(ids, tokenIds, decode, lengthS).map((s) => ({
            startS: s.startS + window.startS,
            endS: Math.min(s.endS + window.startS, window.endS),
            text: s.text,
          }));
          chunks.push({ window, segments: cleanSegments(segments) });
        } else {
          chunks.push({ window, segments: [] });
        }
        doneS = window.keepEndS;
        opts.onProgress?.(durationS > 0 ? Math.min(1, doneS / durationS) : 1);
      }
      return { language, segments: cleanSegments(mergeChunkTranscripts(chunks)) };
    },
    async dispose() {
      await model.dispose();
    },
  };
}
