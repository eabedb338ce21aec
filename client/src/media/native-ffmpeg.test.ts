// @vitest-environment node
/**
 * The pure parsers against Debian's ffmpeg 5.1 (same version and log format as the ffmpeg.wasm core) run on
 * the generated fixtures: checks the parsers and the fixtures' truth.json together. `npm run fixtures` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutDetectionArgs, parseCutLog } from './cut-log.ts';
import { parseProbeLog, validateProbe, validateSize } from './probe.ts';
import { MediaError, type MediaErrorKind } from './types.ts';

const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/generated');
const TRUTH_FILE = join(FIXTURES, 'truth.json');

interface Truth {
  cuts?: number[];
  durationS?: number;
  width?: number;
  height?: number;
  fps?: number;
  audio?: boolean;
  error?: MediaErrorKind;
}

function ffmpegLog(args: string[]): string[] {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'info', ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return run.stderr.split('\n');
}

/** Mirrors the worker's probe: size check, then parse and validate. */
function probe(path: string) {
  const size = statSync(path).size;
  validateSize(size);
  const info = parseProbeLog(ffmpegLog(['-i', path]));
  validateProbe(info, size);
  return info;
}

describe('parsers on the fixtures with native ffmpeg', () => {
  it('has the fixtures (run `npm run fixtures`)', () => {
    expect(existsSync(TRUTH_FILE), `${TRUTH_FILE} is missing: run npm run fixtures`).toBe(true);
  });
  if (!existsSync(TRUTH_FILE)) return;
  const truth = JSON.parse(readFileSync(TRUTH_FILE, 'utf8')) as Record<string, Truth>;

  for (const [name, expected] of Object.entries(truth)) {
    const path = join(FIXTURES, name);
    if (expected.error) {
      it(`${name}: refused as "${expected.error}"`, () => {
        let error: unknown;
        try {
          probe(path);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(MediaError);
        expect((error as MediaError).kind).toBe(expected.error);
      });
      continue;
    }
    it(`${name}: probes and finds the cuts within ±0.5 s`, () => {
      const info = probe(path);
      expect(info.durationS).toBeCloseTo(expected.durationS!, 1);
      expect(info).toMatchObject({ width: expected.width, height: expected.height, fps: expected.fps, videoCodec: 'h264' });
      expect(info.audioCodec !== null).toBe(expected.audio);
      const cuts = parseCutLog(ffmpegLog(cutDetectionArgs(path)));
      expect(cuts).toHaveLength(expected.cuts!.length);
      cuts.forEach((cut, i) => expect(Math.abs(cut - expected.cuts![i]!)).toBeLessThanOrEqual(0.5));
    });
  }
});
