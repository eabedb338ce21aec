// A price reads "12,50 €" in much of Europe and "€12.50" elsewhere; full text keeps "12.50" as one lexeme but
// splits "12,50" into 12 and 50, so neither form of a query finds the other. On-screen text therefore gets each
// decimal number written the other way too, as search-only words (scenes.ocr_words): "12,50" → "12.50" (the
// lexeme a "12.50" query asks for) and "12.50" → "12,50" (12 then 50, the phrase a "12,50" query asks for).

/**
 * A decimal number: digits, a point or comma, one or two digits, not part of a longer run of digits and
 * separators (three digits after the separator read as thousands, "1,250", and are left alone).
 */
const DECIMAL = /(?<![\p{N}.,])(\p{N}+)([.,])(\p{N}{1,2})(?![\p{N}]|[.,]\p{N})/gu;

/** Each decimal number of the text with the other separator, space-separated, in reading order ('' when none). */
export function otherDecimalFormsOf(text: string): string {
  return [...text.matchAll(DECIMAL)].map(([, whole, separator, fraction]) => `${whole}${separator === ',' ? '.' : ','}${fraction}`).join(' ');
}
