// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { gluedWordsOf, isDictionaryWord, splitGluedWord, splitQueryWord } from '../../src/search/glued-words.ts';
import { otherDecimalFormsOf } from '../../src/search/decimal-numbers.ts';
import { ocrWordsOf } from '../../src/search/ocr-words.ts';
import { gluedPattern } from '../../src/search/sql.ts';
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

describe('splitQueryWord', () => {
  it('reads a compound query word as the words a sign may show apart', () => {
    expect(splitQueryWord('blueberry')).toEqual(['blue', 'berry']);
    expect(splitQueryWord('Newspaper')).toEqual(['news', 'paper']);
    expect(splitQueryWord('wetpaint')).toEqual(['wet', 'paint']); // not a word: as splitGluedWord
    expect(gluedPattern('blueberry')).toBe('blue[^[:alnum:]]*berry');
  });

  it('never splits into the most frequent words or into fragments the list holds', () => {
    // the + rapist, how + ever, some + one, board + ing: none.
    for (const word of ['therapist', 'however', 'someone', 'nowhere', 'festival', 'harbor', '0xC0000005']) {
      expect(splitQueryWord(word), word).toBeNull();
    }
    expect(splitQueryWord('boarding')).not.toContain('ing');
    // A run under eight letters is not telling enough to match as a pattern.
    expect(gluedPattern('bluesky')).toBeNull();
    expect(gluedPattern('sunset')).toBeNull();
  });
});

describe('decimal numbers in on-screen text', () => {
  it('are written the other way too, and thousands or longer runs are left alone', () => {
    expect(otherDecimalFormsOf('Jam 4,90 € · Tea 3.20 · 1,250 items · v1.2.3 · 12,5')).toBe('4.90 3,20 12.5');
    expect(otherDecimalFormsOf('no numbers')).toBe('');
    expect(ocrWordsOf('WETPAINT 4,90 €')).toBe('wet paint 4.90');
    expect(ocrWordsOf('WET PAINT')).toBe('');
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
