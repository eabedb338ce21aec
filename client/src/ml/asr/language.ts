// Language detection for multilingual Whisper, which transformers.js does not do (without a language it
// assumes English). Whisper predicts the language as the first token after <|startoftranscript|>: one
// decoder step gives logits over the whole vocabulary; restricted to the language tokens and
// soft-maxed they are the language probabilities — exactly what OpenAI's detect_language does.

export interface LanguageGuess {
  /** Whisper's code: 'en', 'de', 'zh', 'haw', ... (the token without its <| |>). */
  language: string;
  probability: number;
}

/**
 * Languages ranked by probability from the logits of the first decoding step. `langToId` maps language
 * tokens ('<|en|>') to ids, as in a Whisper generation_config.json.
 */
export function rankLanguages(logits: ArrayLike<number>, langToId: Readonly<Record<string, number>>): LanguageGuess[] {
  const entries = Object.entries(langToId);
  if (entries.length === 0) throw new Error('This Whisper model has no language tokens (an English-only model cannot detect languages).');
  for (const [token, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= logits.length) {
      throw new Error(`Language token ${token} has id ${id}, outside the ${logits.length} logits given.`);
    }
  }
  const max = Math.max(...entries.map(([, id]) => logits[id] as number));
  const weights = entries.map(([token, id]) => ({ language: token.replace(/^<\|/, '').replace(/\|>$/, ''), weight: Math.exp((logits[id] as number) - max) }));
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  return weights
    .map(({ language, weight }) => ({ language, probability: weight / total }))
    .sort((a, b) => b.probability - a.probability);
}

/** The most probable language (see rankLanguages). */
export function detectLanguage(logits: ArrayLike<number>, langToId: Readonly<Record<string, number>>): LanguageGuess {
  return rankLanguages(logits, langToId)[0] as LanguageGuess;
}
