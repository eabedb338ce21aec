// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { detectLanguage, rankLanguages } from './language.ts';

// A slice of a multilingual Whisper generation_config.json's lang_to_id.
const langToId = { '<|en|>': 50259, '<|zh|>': 50260, '<|de|>': 50261, '<|es|>': 50262, '<|haw|>': 50352 };
const VOCAB = 51865;

function logitsWith(values: Record<number, number>, rest = 0): Float32Array {
  const logits = new Float32Array(VOCAB).fill(rest);
  for (const [id, value] of Object.entries(values)) logits[Number(id)] = value;
  return logits;
}

describe('language detection from first-step logits', () => {
  it('picks the language token with the highest logit', () => {
    const guess = detectLanguage(logitsWith({ 50259: 2, 50261: 7.5, 50262: 3 }), langToId);
    expect(guess.language).toBe('de');
    expect(guess.probability).toBeGreaterThan(0.9);
  });

  it('ignores every token that is not a language, however likely', () => {
    // <|transcribe|> and ordinary text tokens score higher than any language here.
    const guess = detectLanguage(logitsWith({ 50359: 40, 220: 35, 50352: 1.5 }), langToId);
    expect(guess.language).toBe('haw');
  });

  it('ranks all languages with probabilities that sum to 1 (softmax over language tokens only)', () => {
    const ranked = rankLanguages(logitsWith({ 50259: 1, 50260: 2, 50261: 3, 50262: 4, 50352: 5 }), langToId);
    expect(ranked.map((g) => g.language)).toEqual(['haw', 'es', 'de', 'zh', 'en']);
    expect(ranked.reduce((sum, g) => sum + g.probability, 0)).toBeCloseTo(1, 6);
    // softmax([1..5])[4] = e^5 / Σ e^k
    const expected = Math.exp(5) / [1, 2, 3, 4, 5].reduce((s, k) => s + Math.exp(k), 0);
    expect(ranked[0]?.probability).toBeCloseTo(expected, 6);
  });

  it('stays finite for huge logits', () => {
    const ranked = rankLanguages(logitsWith({ 50259: 1e4, 50260: 1e4 - 1 }, -1e4), langToId);
    expect(ranked.every((g) => Number.isFinite(g.probability))).toBe(true);
    expect(ranked[0]?.language).toBe('en');
  });

  it('explains models without language tokens and ids beyond the logits', () => {
    expect(() => detectLanguage(new Float32Array(10), {})).toThrow(/English-only/);
    expect(() => detectLanguage(new Float32Array(10), { '<|en|>': 50259 })).toThrow(/outside the 10 logits/);
  });
});
