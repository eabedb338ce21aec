// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, parseArgs } from './args.ts';

describe('eval arguments', () => {
  it('reads the folders, the out file and the thresholds, in both --flag value and --flag=value forms', () => {
    const options = parseArgs(
      [
        ...['--videos', 'v', '--queries=q.json', '--out', 'r.json', '--min-recall5', 'ocr=0.9,face=0.75', '--min-mrr=ocr=0.5'],
        ...['--min-confident-recall1', 'ocr=0.8', '--min-negative-pass', '1'],
      ],
      { HEIMDEX_DIST: '/tmp/dist-x' },
    );
    expect(options).toEqual({
      videosDir: 'v',
      queriesFile: 'q.json',
      outFile: 'r.json',
      distDir: '/tmp/dist-x',
      timeoutMin: 30,
      thresholds: [
        { metric: 'recall5', kind: 'ocr', counting: 'all', min: 0.9 },
        { metric: 'recall5', kind: 'face', counting: 'all', min: 0.75 },
        { metric: 'reciprocalRank', kind: 'ocr', counting: 'all', min: 0.5 },
        { metric: 'recall1', kind: 'ocr', counting: 'confident', min: 0.8 },
        { metric: 'negativePass', kind: 'negative', counting: 'confident', min: 1 },
      ],
    });
    expect(parseArgs(['--videos', 'v', '--queries', 'q', '--dist', 'd']).distDir).toBe('d');
  });

  it('explains what is wrong', () => {
    expect(() => parseArgs(['--queries', 'q'])).toThrow('--videos DIR is required');
    expect(() => parseArgs(['--videos', 'v'])).toThrow('--queries FILE is required');
    expect(() => parseArgs(['--videos'])).toThrow('--videos needs a value');
    expect(() => parseArgs(['--videos', 'v', '--queries', 'q', '--fast'])).toThrow('unknown argument "--fast"');
    expect(() => parseArgs(['--videos', 'v', '--queries', 'q', '--min-recall5', 'ocr'])).toThrow('should look like ocr=0.9');
    expect(() => parseArgs(['--videos', 'v', '--queries', 'q', '--min-recall5', 'audio=0.5'])).toThrow('unknown kind "audio"');
    expect(() => parseArgs(['--videos', 'v', '--queries', 'q', '--min-recall1', 'ocr=90'])).toThrow('not a number between 0 and 1');
    expect(() => parseArgs(['--videos', 'v', '--queries', 'q', '--timeout-min', '0'])).toThrow('not a positive number');
  });

  it('exits with a code of its own when thresholds were not measured, never 0', () => {
    expect(EXIT_CODES).toEqual({ passed: 0, failed: 1, 'not measured': 3 });
  });
});
