// @vitest-environment node
// A backup's description is checked field by field before anything is restored: what is not one of ours, a raw-data
// file, one from a newer release and one that names files outside the library's media are refused in plain words.
import { describe, expect, it } from 'vitest';
import { makeManifest, parseManifest } from './manifest.ts';

const good = makeManifest({
  kind: 'library',
  migration: '0007_ocr_words',
  counts: { videos: 1, scenes: 3, people: 6 },
  database: { bytes: 10, sha256: 'ab'.repeat(32) },
  media: [{ path: 'videos/v1', bytes: 5, sha256: 'cd'.repeat(32) }, { path: 'keyframes/v1/0.jpg', bytes: 2 }],
  videos: true,
});
const text = (value: unknown) => JSON.stringify(value);

describe('backup manifest', () => {
  it('reads back what a backup writes', () => {
    expect(parseManifest(text(good))).toEqual(good);
  });

  it('refuses what is not a backup to restore, each in its own words', () => {
    expect(() => parseManifest('not json')).toThrow('This file is not a Heimdex backup.');
    expect(() => parseManifest(text({ format: 'other' }))).toThrow('This file is not a Heimdex backup.');
    expect(() => parseManifest(text({ ...good, version: 2 }))).toThrow('made by a newer version of Heimdex');
    expect(() => parseManifest(text({ ...good, kind: 'raw' }))).toThrow('raw data of a library that could not be opened');
    expect(() => parseManifest(text({ ...good, database: null }))).toThrow('This backup is damaged');
  });

  it('refuses media paths outside the library’s media folders', () => {
    for (const path of ['../heimdex/state.txt', 'videos/../../x', 'models/x', 'videos', 'videos//x']) {
      expect(() => parseManifest(text({ ...good, media: [{ path, bytes: 1 }] })), path).toThrow('This backup is damaged');
    }
  });
});
