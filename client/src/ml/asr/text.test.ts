// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cleanSegments, cleanText, collapseRepeats } from './text.ts';

describe('cleanText', () => {
  it('drops Whisper non-speech tags and music symbols', () => {
    expect(cleanText('[BLANK_AUDIO]')).toBe('');
    expect(cleanText(' [Music] ')).toBe('');
    expect(cleanText('(upbeat music)')).toBe('');
    expect(cleanText('(audience laughing) So anyway, [inaudible] we left.')).toBe('So anyway, we left.');
    expect(cleanText('♪ la la la ♪')).toBe('la la la');
    expect(cleanText('♪♪')).toBe('');
  });

  it('keeps parentheses that hold speech', () => {
    expect(cleanText('We met (as you may remember from last year in Berlin) at the fair.')).toBe(
      'We met (as you may remember from last year in Berlin) at the fair.',
    );
  });

  it('drops what is left when only punctuation remains', () => {
    expect(cleanText('[Music] - ...')).toBe('');
  });

  it('collapses a hallucination loop inside one segment', () => {
    expect(cleanText('Thank you. Thank you. Thank you. Thank you. Thank you.')).toBe('Thank you.');
    expect(cleanText('and then and then and then and then we went home')).toBe('and then we went home');
  });
});

describe('collapseRepeats', () => {
  const w = (s: string) => s.split(' ');
  it('keeps natural repetition', () => {
    expect(collapseRepeats(w('no, no, no'))).toEqual(w('no, no, no'));
    expect(collapseRepeats(w('very very good'))).toEqual(w('very very good'));
    expect(collapseRepeats(w('we said it we said it'))).toEqual(w('we said it we said it'));
  });
  it('collapses a word repeated four times and a phrase repeated three times', () => {
    expect(collapseRepeats(w('go go go go now'))).toEqual(w('go now'));
    expect(collapseRepeats(w('I am here I am here I am here.'))).toEqual(w('I am here'));
  });
});

describe('cleanSegments', () => {
  it('cleans texts and drops segments left empty', () => {
    expect(
      cleanSegments([
        { startS: 0, endS: 2, text: ' [BLANK_AUDIO]' },
        { startS: 2, endS: 5, text: ' Hello there.' },
        { startS: 5, endS: 9, text: '(music)' },
      ]),
    ).toEqual([{ startS: 2, endS: 5, text: 'Hello there.' }]);
  });

  it('turns a loop across segments into its first segment stretched over the run', () => {
    expect(
      cleanSegments([
        { startS: 0, endS: 3, text: 'Real words.' },
        { startS: 3, endS: 5, text: 'Thanks for watching!' },
        { startS: 5, endS: 7, text: 'Thanks for watching!' },
        { startS: 7, endS: 9, text: 'thanks for watching' },
        { startS: 9, endS: 12, text: 'More real words.' },
      ]),
    ).toEqual([
      { startS: 0, endS: 3, text: 'Real words.' },
      { startS: 3, endS: 9, text: 'Thanks for watching!' },
      { startS: 9, endS: 12, text: 'More real words.' },
    ]);
  });

  it('keeps a phrase said twice', () => {
    const twice = [
      { startS: 0, endS: 1, text: 'Yes.' },
      { startS: 1, endS: 2, text: 'Yes.' },
    ];
    expect(cleanSegments(twice)).toEqual(twice);
  });
});
