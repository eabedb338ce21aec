import { describe, expect, it } from 'vitest';
import type { ImportOutcome } from '../app/imports.ts';
import { importNotice } from './importer.ts';

const added = (fileName: string): ImportOutcome => ({ fileName, status: 'added', videoId: `id-${fileName}`, message: 'Copied into your library.' });
const names = ['a.mp4', 'b.mp4', 'c.mp4'];

describe('importNotice', () => {
  it('counts the files of an import while it runs', () => {
    expect(importNotice(names, [added('a.mp4')])).toEqual({
      status: 'pending',
      title: 'Adding 3 videos to your library…',
      message: '1 of 3 done',
    });
  });

  it('sums up an import that went through in one line', () => {
    expect(importNotice(names, names.map(added))).toEqual({
      status: 'added',
      title: 'Added 3 videos',
      message: 'They are being checked and indexed; each card shows how far it is.',
    });
  });

  it('names only the files that need a word, and takes the gravest status', () => {
    const outcomes: ImportOutcome[] = [
      added('a.mp4'),
      { fileName: 'b.mp4', status: 'duplicate', videoId: 'x', message: 'Already in your library as “b”.' },
      { fileName: 'c.mp4', status: 'failed', message: 'Cancelled' },
    ];
    expect(importNotice(names, outcomes)).toEqual({
      status: 'failed',
      title: 'Added 1 of 3 videos',
      message: 'b.mp4: Already in your library as “b”.\nc.mp4: could not be imported — Cancelled',
    });
  });

  it('speaks of the file itself, with a link to its video, when there is one', () => {
    expect(importNotice(['a.mp4'], [])).toMatchObject({ status: 'pending', title: 'Adding a.mp4 to your library…' });
    expect(importNotice(['a.mp4'], [{ fileName: 'a.mp4', status: 'duplicate', videoId: 'x', message: 'Already in your library as “a”.' }])).toEqual({
      status: 'duplicate',
      title: 'a.mp4 is already in your library',
      message: 'Already in your library as “a”.',
      videoId: 'x',
    });
  });
});
