import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = 'tests/fixtures/generated';

export interface VideoTruth {
  cuts: number[];
  durationS: number;
  width: number;
  height: number;
  fps: number;
}

/** Written by scripts/make-fixtures.sh next to the videos it makes. */
export function videoTruth(fileName: string): VideoTruth {
  const truth = JSON.parse(readFileSync(join(FIXTURE_DIR, 'truth.json'), 'utf8')) as Record<string, VideoTruth>;
  const entry = truth[fileName];
  if (!entry?.cuts) throw new Error(`no truth for ${fileName}: run "npm run fixtures"`);
  return entry;
}

export const fixture = (fileName: string) => join(FIXTURE_DIR, fileName);
