// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { gluedWordsOf, isDictionaryWord, splitGluedWord } from '../../src/search/glued-words.ts';
import { kindOf } from '../../src/sync/kinds.ts';

describe('splitGluedWord', () => {
  it('splits words OCR ran together into dictionary words', () => {
    expect(splitGluedWord('WETPAINT')).toEqual(['wet', 'paint']);
    expect(splitGluedWord('HARBORFESTIVALTICKETS')).toEqual(['harbor', 'festival', 'tickets']);
    expect(splitGluedWord('NoParking')).toEqual(['no', 'parking']);
    expect(splitGluedWord('emergencyexit')).toEqual(['emergency', 'exit']);
    expect(splitGluedWord('bakeryopeninghours')).toEqual(['bakery', 'opening', 'hours']);
  });

  it('leaves alone dictionary words, short tokens, codes, numbers and what cannot be read as words', () => {
    for (const token of ['blueberry', 'therapist', 'nowhere', 'Neptune', 'EXIT', 'papers', '0xC0000005', 'A4B2C3D4E5', '2024', 'sesquipedalian', 'xqzvkwpl']) {
      expect(splitGluedWord(token), token).toBeNull();
    }
  });

  it('never makes a part of a contraction fragment or an abbreviation ("s", "t", "ll")', () => {
    // "itll" would be it + ll, "dont" don + t: neither is split.
    expect(splitGluedWord('itllbe')).toBeNull();
    expect(isDictionaryWord('ll')).toBe(false);
    expect(isDictionaryWord('paint')).toBe(true);
  });
});

describe('gluedWordsOf', () => {
  it('holds the parts of every glued token of on-screen text, in reading order, and nothing else', () => {
    expect(gluedWordsOf('WETPAINT  do not touch · Error 0xC0000005 · €12.50 · FRESHBREAD')).toBe('wet paint fresh bread');
    expect(gluedWordsOf('WET PAINT')).toBe('');
    expect(gluedWordsOf('')).toBe('');
  });
});

describe('a synced scene', () => {
  it('gets its glued words split where it is received (ocr_words never travels)', () => {
    const row = {
      videoId: '00000000-0000-4000-8000-000000000001', idx: 0, startS: 0, endS: 1, keyframeS: null, transcript: '',
      ocrText: 'WETPAINT', thumbnailSha256: null, imageVec: null, textVec: null,
    };
    const columns = kindOf('scene').toColumns(row as never);
    expect(columns.ocrWords).toBe('wet paint');
    expect(Object.keys(kindOf('scene').fromColumns({ ...row, ocrWords: 'wet paint' }))).not.toContain('ocrWords');
  });
});
