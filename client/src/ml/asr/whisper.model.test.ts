// @vitest-environment node
//
// Whisper with its real weights (public/models/<id>/, brought by `npm run models:fetch`) on real
// recorded English speech (Debian's pocketsphinx-testdata: LibriVox "Sense and Sensibility" utterances
// with reference transcripts). Skipped, loudly, when either is missing. The 65 s test track is longer
// than two windows, so it exercises chunking, language detection, merging and absolute timestamps.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureTransformers } from './transformers-runtime.ts';
import { PUBLIC_MODELS_DIR, checkModelFiles, installedDtype } from './testing/model-files.ts';
import { defaultWhisperDtype, loadAsr, whisperFiles, type AsrEngine, type AsrModelId, type WhisperDtype } from './whisper.ts';
import { WHISPER_SAMPLE_RATE, type Transcript } from './types.ts';
import { normalizeWord } from './chunks.ts';

const SPEECH_DIR = '/usr/share/pocketsphinx/test/data/librivox';
const UTTERANCES = ['0870', '0880', '0890', '0920', '0930'].map((n) => `sense_and_sensibility_01_austen_64kb-${n}`);
const speechProblem = existsSync(SPEECH_DIR)
  ? null
  : `speech fixture ${SPEECH_DIR} is missing. Install it: apt-get install -y pocketsphinx-testdata`;
if (speechProblem) console.warn(`\n⚠️  [whisper model tests] SKIPPED: ${speechProblem}\n`);

function readPcm(path: string): Float32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', String(WHISPER_SAMPLE_RATE), '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** The five utterances with 1 s pauses, twice, 5 s of silence between: ~65 s, and the words said. */
function speechTrack(): { pcm: Float32Array; reference: string[] } {
  const references = new Map(
    readFileSync(join(SPEECH_DIR, 'transcription'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const match = /^<s> (.*) <\/s> \((.*)\)$/.exec(line.trim());
        return [match?.[2] ?? '', match?.[1] ?? ''] as const;
      }),
  );
  const pause = new Float32Array(WHISPER_SAMPLE_RATE);
  const parts: Float32Array[] = [];
  const reference: string[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const name of UTTERANCES) {
      parts.push(readPcm(join(SPEECH_DIR, `${name}.wav`)), pause);
      reference.push(...(references.get(name) ?? '').split(' '));
    }
    if (pass === 0) parts.push(new Float32Array(5 * WHISPER_SAMPLE_RATE));
  }
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    pcm.set(p, offset);
    offset += p.length;
  }
  return { pcm, reference };
}

const words = (transcript: Transcript) =>
  transcript.segments.flatMap((s) => s.text.replace(/-/g, ' ').split(/\s+/)).map(normalizeWord).filter((w) => w !== '');

// tiny is the weak-device option: it mishears more, so it is held to a lower bar and not to exact names.
const MODELS: { modelId: AsrModelId; minRecall: number; exactCounts: boolean }[] = [
  { modelId: 'onnx-community/whisper-base', minRecall: 0.85, exactCounts: true },
  { modelId: 'onnx-community/whisper-tiny', minRecall: 0.7, exactCounts: false },
];

describe.each(MODELS)('$modelId with real weights', ({ modelId, minRecall, exactCounts }) => {
  // The weights models.json installs (what `npm run models:fetch` brought), else the module's default.
  const dtype = installedDtype<WhisperDtype>(modelId) ?? defaultWhisperDtype();
  const files = checkModelFiles(`[whisper model tests: ${modelId}]`, modelId, whisperFiles(dtype));
  const skip = files.skipReason !== null || speechProblem !== null;
  let engine: AsrEngine;
  let track: { pcm: Float32Array; reference: string[] };

  beforeAll(async () => {
    if (skip) return;
    configureTransformers({ localModelPath: PUBLIC_MODELS_DIR });
    track = speechTrack();
    engine = await loadAsr({ modelId, device: 'cpu', dtype });
  }, 300_000);
  afterAll(async () => {
    await engine?.dispose();
  });

  it.skipIf(skip)('detects English and transcribes 65 s of speech with absolute, ordered timestamps', async () => {
    const progress: number[] = [];
    const transcript = await engine.transcribe(track.pcm, { onProgress: (f) => progress.push(f) });
    expect(transcript.language).toBe('en');

    const durationS = track.pcm.length / WHISPER_SAMPLE_RATE;
    expect(durationS).toBeGreaterThan(60);
    transcript.segments.forEach((s, i) => {
      expect(s.endS).toBeGreaterThanOrEqual(s.startS);
      expect(s.endS).toBeLessThanOrEqual(durationS + 0.01);
      if (i > 0) expect(s.startS).toBeGreaterThanOrEqual(transcript.segments[i - 1]!.startS);
    });
    // The second reading starts after ~35 s: its segments must carry absolute times.
    const secondReading = transcript.segments.filter((s) => s.startS > 33);
    expect(secondReading.length).toBeGreaterThan(0);

    const heard = new Set(words(transcript));
    const recalled = track.reference.filter((w) => heard.has(w)).length / track.reference.length;
    expect(recalled).toBeGreaterThan(minRecall);
    if (exactCounts) {
      // Once per reading: nothing lost or doubled at the window seams.
      const dashwood = transcript.segments.filter((s) => /dashwood/i.test(s.text));
      expect(dashwood).toHaveLength(2);
      expect(dashwood[1]!.startS).toBeGreaterThan(33);
      // Each reading says "ill disposed" twice (0880, 0890).
      expect((words(transcript).join(' ').match(/ill disposed/g) ?? []).length).toBe(4);
    }

    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  }, 600_000);

  it.skipIf(skip)('uses a given language without detecting one', async () => {
    const transcript = await engine.transcribe(track.pcm.subarray(0, 8 * WHISPER_SAMPLE_RATE), { language: 'en' });
    expect(transcript.language).toBe('en');
    expect(words(transcript).length).toBeGreaterThan(5);
  }, 300_000);

  it.skipIf(skip)('returns no segments for silence without running the model', async () => {
    expect(await engine.transcribe(new Float32Array(40 * WHISPER_SAMPLE_RATE))).toEqual({ language: 'und', segments: [] });
  });

  it.skipIf(skip)('stops between windows when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.transcribe(track.pcm, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
