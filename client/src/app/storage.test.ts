// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bytesNeededFor, freeBytes, INDEXING_OVERHEAD, noRoomMessage, SAFETY_MARGIN_BYTES, STORAGE_PARTS, storageReport } from './storage.ts';

const GB = 1_000_000_000;
const MB = 1_000_000;

describe('storage report', () => {
  it('lists every part in order, with what could be measured, and the free space', () => {
    const report = storageReport({ database: 30 * MB, models: 120 * MB, media: null }, { usage: 2 * GB, quota: 100 * GB }, 40 * GB);
    expect(report.parts.map((p) => p.part)).toEqual([...STORAGE_PARTS]);
    expect(report.parts.find((p) => p.part === 'database')?.bytes).toBe(30 * MB);
    expect(report.parts.find((p) => p.part === 'media')?.bytes).toBeNull();
    expect(report.parts.find((p) => p.part === 'audio')?.bytes).toBeNull();
    expect(report).toMatchObject({ usage: 2 * GB, quota: 100 * GB, free: 40 * GB, setAside: 2 * GB - 150 * MB, warning: null });
  });

  it('counts what the browser sets aside beyond the parts, never the pictures inside the database twice', () => {
    const report = storageReport({ database: 30 * MB, images: 10 * MB, media: 50 * MB }, { usage: 500 * MB, quota: 100 * GB }, 10 * GB);
    expect(report.setAside).toBe(420 * MB);
    expect(storageReport({ media: 50 * MB }, { usage: 40 * MB, quota: GB }, GB).setAside).toBe(0);
  });

  it('warns when less than a tenth of what the library could hold is free, even with gigabytes left', () => {
    expect(storageReport({}, { usage: 92 * GB, quota: 102 * GB }, 8 * GB).warning).toBe(
      'Storage is running low: 8 GB is free for Heimdex in this browser. New imports may not fit: remove videos you no longer need, or free space on this device.',
    );
  });

  it('warns when less than 1 GB is free, even when that is most of what could be held; judged on the real free space, not the quota', () => {
    // Chromium's estimate claims usage + 10 GiB of quota whatever the disk holds.
    expect(storageReport({}, { usage: 100 * MB, quota: 100 * MB + 10 * 2 ** 30 }, 800 * MB).warning).toMatch(/800 MB is free/);
    expect(storageReport({}, { usage: 0, quota: 10 * GB }, 2 * GB).warning).toBeNull();
  });

  it('says nothing about space when the browser does not tell', () => {
    expect(storageReport({}, {}, null)).toMatchObject({ usage: null, quota: null, free: null, setAside: null, warning: null });
  });

  it('reads the estimate’s free space, never negative', () => {
    expect(freeBytes({ usage: GB, quota: 3 * GB })).toBe(2 * GB);
    expect(freeBytes({ usage: 2 * GB, quota: GB })).toBe(0);
    expect(freeBytes({ usage: GB })).toBeNull();
  });
});

describe('room for an import', () => {
  it('needs the file, what indexing adds and a margin', () => {
    expect(bytesNeededFor(10 * MB)).toBe(10 * MB * (1 + INDEXING_OVERHEAD) + SAFETY_MARGIN_BYTES);
  });

  it('says how much is needed and how much is free, in plain words', () => {
    expect(noRoomMessage(bytesNeededFor(400 * MB), 500 * MB)).toBe(
      'There is not enough room in this browser’s storage: this video needs about 850 MB (the file and what indexing adds), and 500 MB is free. ' +
        'Remove videos you no longer need, or free space on this device, then try again.',
    );
    expect(noRoomMessage(2 * GB, -5)).toMatch(/needs about 2 GB .* and 0 B is free/);
  });
});
