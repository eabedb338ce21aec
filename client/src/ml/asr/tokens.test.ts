// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { segmentsFromTokens, type WhisperTokenIds } from './tokens.ts';

// Real multilingual Whisper ids: <|endoftext|> 50257, <|startoftranscript|> 50258, <|en|> 50259,
// <|transcribe|> 50359, <|notimestamps|> 50363, <|0.00|> 50364.
const ids: WhisperTokenIds = { endOfText: 50257, timestampBegin: 50364 };
const SOT = 50258;
const EN = 50259;
const TRANSCRIBE = 50359;
const ts = (seconds: number) => ids.timestampBegin + Math.round(seconds / 0.02);
const vocabulary = ['', ' Hello', ' world', '.', ' How', ' are', ' you', '?'];
const decode = (textIds: number[]) => textIds.map((id) => vocabulary[id] ?? `<${id}>`).join('');

describe('segmentsFromTokens', () => {
  it('reads timestamp pairs into segments and skips the prompt tokens', () => {
    const tokens = [SOT, EN, TRANSCRIBE, ts(0), 1, 2, 3, ts(2.4), ts(2.4), 4, 5, 6, 7, ts(4.1), ids.endOfText];
    expect(segmentsFromTokens(tokens, ids, decode, 30)).toEqual([
      { startS: 0, endS: 2.4, text: 'Hello world.' },
      { startS: 2.4, endS: 4.1, text: 'How are you?' },
    ]);
  });

  it('ends text left open after the last timestamp at the window end', () => {
    const tokens = [SOT, EN, TRANSCRIBE, ts(26), 1, 2, ids.endOfText];
    expect(segmentsFromTokens(tokens, ids, decode, 30)).toEqual([{ startS: 26, endS: 30, text: 'Hello world' }]);
  });

  it('starts text with no opening timestamp where the previous segment ended', () => {
    const tokens = [ts(0), 1, ts(1), 2, ts(2)];
    expect(segmentsFromTokens(tokens, ids, decode, 30)).toEqual([
      { startS: 0, endS: 1, text: 'Hello' },
      { startS: 1, endS: 2, text: 'world' },
    ]);
  });

  it('takes the later of two opening timestamps and drops empty segments', () => {
    const tokens = [ts(0), ts(1.5), 1, ts(2), ts(2), ts(3), ts(3), 2, ts(4)];
    expect(segmentsFromTokens(tokens, ids, decode, 30)).toEqual([
      { startS: 1.5, endS: 2, text: 'Hello' },
      { startS: 3, endS: 4, text: 'world' },
    ]);
  });

  it('reads a transcript without timestamps as one segment over the window', () => {
    expect(segmentsFromTokens([SOT, EN, TRANSCRIBE, 50363, 1, 2, ids.endOfText], ids, decode, 12.5)).toEqual([
      { startS: 0, endS: 12.5, text: 'Hello world' },
    ]);
  });

  it('gives nothing for no text', () => {
    expect(segmentsFromTokens([SOT, EN, TRANSCRIBE, ts(0), ts(30), ids.endOfText], ids, decode, 30)).toEqual([]);
  });
});
