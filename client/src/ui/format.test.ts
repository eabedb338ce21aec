// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  UNKNOWN_TIME,
  formatBytes,
  formatDuration,
  formatFps,
  formatResolution,
  formatTimeLeft,
  formatTimeRange,
  formatTimecode,
  ordinal,
  toPercent,
} from './format.ts';

describe('formatDuration', () => {
  it('uses m:ss below an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(599)).toBe('9:59');
    expect(formatDuration(3599)).toBe('59:59');
  });

  it('uses h:mm:ss from an hour on', () => {
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(36_000 + 61)).toBe('10:01:01');
  });

  it('rounds to the nearest second, carrying into minutes and hours', () => {
    expect(formatDuration(59.5)).toBe('1:00');
    expect(formatDuration(3599.6)).toBe('1:00:00');
    expect(formatDuration(14.4)).toBe('0:14');
  });

  it('shows a placeholder for unknown or invalid input', () => {
    for (const bad of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(formatDuration(bad)).toBe(UNKNOWN_TIME);
    }
  });
});

describe('formatTimecode', () => {
  it('floors to the second the position is in', () => {
    expect(formatTimecode(9.99)).toBe('0:09');
    expect(formatTimecode(10)).toBe('0:10');
    expect(formatTimecode(3599.9)).toBe('59:59');
    expect(formatTimecode(3661.2)).toBe('1:01:01');
  });

  it('shows a placeholder for invalid input', () => {
    expect(formatTimecode(Number.NaN)).toBe(UNKNOWN_TIME);
    expect(formatTimecode(-0.5)).toBe(UNKNOWN_TIME);
  });

  it('formats a range with an en dash', () => {
    expect(formatTimeRange(10, 20.5)).toBe('0:10–0:20');
    expect(formatTimeRange(3590, 3610)).toBe('59:50–1:00:10');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1 kB');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(15_000_000)).toBe('15 MB');
    expect(formatBytes(2_345_000_000)).toBe('2.3 GB');
    expect(formatBytes(5e15)).toBe('5000 TB');
  });

  it('moves to the next unit when rounding reaches 1000', () => {
    expect(formatBytes(999_950)).toBe('1 MB');
    expect(formatBytes(999_400)).toBe('999 kB');
  });

  it('returns an empty string for invalid sizes', () => {
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(Number.NaN)).toBe('');
    expect(formatBytes(null)).toBe('');
  });
});

describe('formatResolution', () => {
  it('joins width and height with a multiplication sign', () => {
    expect(formatResolution(1920, 1080)).toBe('1920×1080');
  });

  it('is empty when a side is unknown', () => {
    expect(formatResolution(null, 720)).toBe('');
    expect(formatResolution(1280, 0)).toBe('');
  });
});

describe('formatFps', () => {
  it('keeps at most two decimals without trailing zeros', () => {
    expect(formatFps(25)).toBe('25 fps');
    expect(formatFps(29.97002997)).toBe('29.97 fps');
    expect(formatFps(23.976)).toBe('23.98 fps');
    expect(formatFps(12.5)).toBe('12.5 fps');
  });

  it('is empty when unknown', () => {
    expect(formatFps(null)).toBe('');
    expect(formatFps(0)).toBe('');
  });
});

describe('toPercent', () => {
  it('rounds and clamps a fraction', () => {
    expect(toPercent(0.456)).toBe(46);
    expect(toPercent(1.2)).toBe(100);
    expect(toPercent(-0.1)).toBe(0);
    expect(toPercent(Number.NaN)).toBe(0);
    expect(toPercent(null)).toBe(0);
  });
});

describe('formatTimeLeft', () => {
  it('rounds as people say it', () => {
    expect(formatTimeLeft(4)).toBe('a few seconds left');
    expect(formatTimeLeft(41)).toBe('about 40 s left');
    expect(formatTimeLeft(56)).toBe('about 1 min left');
    expect(formatTimeLeft(200)).toBe('about 3 min left');
    expect(formatTimeLeft(3600)).toBe('about 1 h left');
    expect(formatTimeLeft(4800)).toBe('about 1 h 20 min left');
  });

  it('is empty for no value', () => {
    expect(formatTimeLeft(null)).toBe('');
    expect(formatTimeLeft(Number.NaN)).toBe('');
    expect(formatTimeLeft(-3)).toBe('');
  });
});

describe('ordinal', () => {
  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th',
    ]);
  });
});
