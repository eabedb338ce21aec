// @vitest-environment node
//
// The speech module's glue, run through the real transformers.js (feature extraction, tokenizer,
// generation with Whisper's timestamp rules) and ONNX Runtime on a tiny scripted Whisper
// (testing/tiny-whisper.ts): it always "says" the same two segments per window and "hears" German.
// The real model is tested in whisper.model.test.ts when its weights are installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers } from './transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from './testing/model-files.ts';
import { TINY_DETECTED_LANGUAGE, TINY_WINDOW_SEGMENTS, writeTinyWhisper } from './testing/tiny-whisper.ts';
import { LONGEST_SEGMENT_S } from '@heimdex/shared-schema/search';
import { loadAsr, WHISPER_WINDOW_S, whisperDevice, type AsrEngine } from './whisper.ts';
import { WHISPER_SAMPLE_RATE } from './types.ts';

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [whisper glue tests] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}); transformers.js needs it in Node.\n`);

/** Audible noise (so no window is skipped as silent), `seconds` long. */
function noise(seconds: number, seed = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * WHISPER_SAMPLE_RATE));
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 0.2;
  }
  return out;
}

describe.skipIf(runtimeProblem !== null)('loadAsr on a tiny scripted Whisper', () => {
  let root: string;
  let engine: AsrEngine;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-tiny-whisper-'));
    writeTinyWhisper(root, 'onnx-community/whisper-base');
    configureTransformers({ localModelPath: root });
    engine = await loadAsr({ modelId: 'onnx-community/whisper-base', device: 'cpu' });
  }, 120_000);
  afterAll(async () => {
    await engine?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads the default files for the device', () => {
    expect(engine.dtype).toEqual({ encoder_model: 'q8', decoder_model_merged: 'q8' });
    expect(engine.device).toBe('cpu');
    expect(engine.loadMs).toBeGreaterThan(0);
  });

  it('detects the language from the first decoder step and transcribes a short clip', async () => {
    const transcript = await engine.transcribe(noise(12));
    expect(transcript.language).toBe(TINY_DETECTED_LANGUAGE);
    expect(transcript.segments).toEqual(TINY_WINDOW_SEGMENTS);
  }, 60_000);

  it('uses a given language instead of detecting one', async () => {
    const transcript = await engine.transcribe(noise(12), { language: 'en' });
    expect(transcript.language).toBe('en');
    expect(transcript.segments).toEqual(TINY_WINDOW_SEGMENTS);
  }, 60_000);

  it('transcribes long audio window by window with absolute times, merged and in order', async () => {
    // 65 s → windows [0,30] keep [0,25], [20,50] keep [25,45], [35,65] keep [45,65]; each says its two
    // segments at +6..8.4 and +8.4..10.1 s. Window 1's pair lands at 26..30.1 (its keep range); window
    // 2's first segment (41..43.4) ends before its keep range and its second (43.4..45.1) reaches into it.
    const progress: number[] = [];
    const transcript = await engine.transcribe(noise(65), { onProgress: (f) => progress.push(f) });
    expect(transcript.segments).toEqual([
      { startS: 6, endS: 8.4, text: 'Hello world.' },
      { startS: 8.4, endS: 10.1, text: 'How are you?' },
      { startS: 26, endS: 28.4, text: 'Hello world.' },
      { startS: 28.4, endS: 30.1, text: 'How are you?' },
      { startS: 43.4, endS: 45.1, text: 'How are you?' },
    ]);
    expect(progress).toEqual([25 / 65, 45 / 65, 1]);
  }, 120_000);

  it('skips silent windows without running the model on them', async () => {
    const track = new Float32Array(65 * WHISPER_SAMPLE_RATE);
    track.set(noise(30), 35 * WHISPER_SAMPLE_RATE); // sound only in 35..65 s: window 0 (0..30) is silent
    const transcript = await engine.transcribe(track);
    // Window 0 is skipped, so window 1's pair (26..30.1) is the first text.
    expect(transcript.segments[0]).toEqual({ startS: 26, endS: 28.4, text: 'Hello world.' });
    // The stored audio file (float32 samples) is read window by window and transcribes the same.
    expect(await engine.transcribe(new Blob([track]))).toEqual(transcript);
    expect(await engine.transcribe(new Float32Array(40 * WHISPER_SAMPLE_RATE))).toEqual({ language: 'und', segments: [] });
    expect(await engine.transcribe(new Float32Array(0), { language: 'fr' })).toEqual({ language: 'fr', segments: [] });
  }, 120_000);

  it('stops with an AbortError when cancelled', async () => {
    const controller = new AbortController();
    const run = engine.transcribe(noise(65), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  }, 120_000);

  it('loads each part at the dtype asked for, keyed by ONNX file name as transformers.js reads it', async () => {
    // CPU's default is fp32: had the encoder's dtype gone under its session name (`model`), transformers.js
    // would ignore it and load onnx/encoder_model.onnx instead of the q8 file.
    const mixed = await loadAsr({ modelId: 'onnx-community/whisper-base', device: 'cpu', dtype: { encoder_model: 'q8', decoder_model_merged: 'q4' } });
    try {
      expect(mixed.dtype).toEqual({ encoder_model: 'q8', decoder_model_merged: 'q4' });
    } finally {
      await mixed.dispose();
    }
    const full = await loadAsr({ modelId: 'onnx-community/whisper-base', device: 'cpu', dtype: { encoder_model: 'fp32', decoder_model_merged: 'fp32' } });
    try {
      expect(full.dtype).toEqual({ encoder_model: 'fp32', decoder_model_merged: 'fp32' });
    } finally {
      await full.dispose();
    }
  }, 60_000);

  it('says which model is missing and how to get it', async () => {
    await expect(loadAsr({ modelId: 'onnx-community/whisper-tiny', device: 'cpu' })).rejects.toThrow(
      /onnx-community\/whisper-tiny is not on this device \(missing config\.json, generation_config\.json, .*onnx\/decoder_model_merged_quantized\.onnx\)\./,
    );
  });
});

describe('whisperDevice', () => {
  it('keeps Whisper off WebGPU with weights that break there', () => {
    expect(whisperDevice('webgpu', { encoder_model: 'q8', decoder_model_merged: 'q8' })).toBe('wasm');
    expect(whisperDevice('webgpu', { encoder_model: 'fp32', decoder_model_merged: 'fp16' })).toBe('wasm');
    expect(whisperDevice('webgpu', { encoder_model: 'fp32', decoder_model_merged: 'q4' })).toBe('webgpu');
    expect(whisperDevice('wasm', { encoder_model: 'fp32', decoder_model_merged: 'q4' })).toBe('wasm');
  });
});

describe('window length', () => {
  it('is what search takes for the longest segment, and longer windows are refused', async () => {
    // A hit's details read the segments that start up to LONGEST_SEGMENT_S before its scene (detailsQuery).
    expect(WHISPER_WINDOW_S).toBeLessThanOrEqual(LONGEST_SEGMENT_S);
    await expect(loadAsr({ modelId: 'onnx-community/whisper-base', device: 'wasm', chunkS: 45 })).rejects.toThrow('Whisper hears at most 30 s');
  });
});
