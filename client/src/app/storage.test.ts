// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bytesNeededFor, INDEXING_OVERHEAD, roomFor, SAFETY_MARGIN_BYTES, STORAGE_PARTS, storageReport } from './storage.ts';

const GB = 1_000_000_000;
const MB = 1_000_000;

describe('storage report', () => {
  it('lists every part in order, with what could be measured, and the free space', () => {
    const report = storageReport({ database: 30 * MB, models: 120 * MB, media: null }, { usage: 2 * GB, quota: 100 * GB });
    expect(report.parts.map((p) => p.part)).toEqual([...STORAGE_PARTS]);
    expect(report.parts.find((p) => p.part === 'database')?.bytes).toBe(30 * MB);
    expect(report.parts.find((p) => p.part === 'media')?.bytes).toBeNull();
    expect(report.parts.find((p) => p.part === 'audio')?.bytes).toBeNull();
    expect(report.free).toBe(98 * GB);
    expect(report.setAside).toBe(2 * GB - 150 * MB);
    expect(report.warning).toBeNull();
  });

  it('counts what the browser sets aside beyond the parts, never the pictures inside the database twice', () => {
    const report = storageReport({ database: 30 * MB, images: 10 * MB, media: 50 * MB }, { usage: 500 * MB, quota: 100 * GB });
    expect(report.setAside).toBe(420 * MB);
    expect(storageReport({ media: 50 * MB }, { usage: 40 * MB, quota: GB }).setAside).toBe(0);
  });

  it('warns when less than a tenth of the quota is free, even with many gigabytes left', () => {
    const report = storageReport({}, { usage: 92 * GB, quota: 100 * GB });
    expect(report.warning).toBe(
      'Storage is running low: 8 GB of 100 GB is free. New imports may not fit: remove videos you no longer need, or free space on this device.',
    );
  });

  it('warns when less than 1 GB is free, even when that is most of a small quota', () => {
    expect(storageReport({}, { usage: 100 * MB, quota: 900 * MB }).warning).toMatch(/800 MB of 900 MB is free/);
    expect(storageReport({}, { usage: 0, quota: 2 * GB }).warning).toBeNull();
  });

  it('says nothing about space when the browser does not tell its quota', () => {
    const report = storageReport({}, {});
    expect(report).toMatchObject({ usage: null, quota: null, free: null, setAside: null, warning: null });
  });

  it('never reports negative free space (usage above quota)', () => {
    expect(storageReport({}, { usage: 2 * GB, quota: GB }).free).toBe(0);
  });
});

describe('room for an import', () => {
  it('needs the file, what indexing adds and a margin', () => {
    expect(bytesNeededFor(10 * MB)).toBe(10 * MB * (1 + INDEXING_OVERHEAD) + SAFETY_MARGIN_BYTES);
  });

  it('lets a file through that fits', () => {
    expect(roomFor(100 * MB, { usage: GB, quota: 10 * GB })).toEqual({ fits: true });
  });

  it('refuses a file that does not fit, saying how much is needed and how much is free', () => {
    const check = roomFor(400 * MB, { usage: 500 * MB, quota: GB });
    expect(check).toMatchObject({ fits: false, needed: bytesNeededFor(400 * MB), free: 500 * MB });
    if (check.fits) throw new Error('expected a refusal');
    expect(check.message).toBe(
      'There is not enough room in this browser’s storage: this video needs about 850 MB (the file and what indexing adds), and 500 MB is free. ' +
        'Remove videos you no longer need, or free space on this device, then try again.',
    );
  });

  it('counts the room already promised to imports under way', () => {
    const estimate = { usage: 0, quota: GB };
    expect(roomFor(100 * MB, estimate).fits).toBe(true);
    expect(roomFor(100 * MB, estimate, 800 * MB)).toMatchObject({ fits: false, free: 200 * MB });
  });

  it('lets the file through when the browser does not tell its quota', () => {
    expect(roomFor(100 * GB, {})).toEqual({ fits: true });
  });
});
