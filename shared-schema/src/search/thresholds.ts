// When a match counts as "confident" (a hit's `confident`), and how loose the typo-tolerant candidate search is;
// the app and the sync server search alike. Every number is documented with what it was measured on; change
// them only with new measurements.

/**
 * pg_trgm `word_similarity` a word of the library must reach to stand for a misspelt query word: to be one of its
 * corrections, and for a hit holding it to match the word (AlikeWords; the `<%` operator's threshold). Measured on
 * PGlite: "quartely"→"QUARTERLY" 0.67, "revenu"→"REVENUE" 0.86, "cart"→"carton" 0.80 (a candidate, but see
 * below), "meeting"→"meat" 0.25, "teh"→"the" 0.25.
 */
export const TRIGRAM_CANDIDATE = 0.5;

/**
 * pg_trgm `strict_word_similarity` (whole words only) at which a word of the library spelt like a misspelt query
 * word counts as a confident match of it. Measured: typos "quartely" 0.58, "revenu" 0.67, "zebra"→"zebras" 0.63;
 * different words that share a prefix "cart"→"carton", "planet"→"plan", "sales"→"salesman" all 0.50,
 * "elephant"→"elegant" 0.42. (Plain word_similarity cannot tell these apart: a prefix scores 0.8.) Never for a query
 * word some scene holds as typed: "pain"→"paint" is 0.57, and a rare word the library has is taken as meant
 * (correctionsOf).
 */
export const TRIGRAM_CONFIDENT = 0.55;

/**
 * Two letter slips ("blubery" for blueberry, "recieve" for receive) are forgiven in query words of at least this
 * many letters that are not English words themselves (spelling.ts): trigram similarity cannot tell them from
 * other words. Measured on PGlite (word_similarity / strict_word_similarity): "blubery"→"blueberry" 0.38/0.38,
 * "recieve"→"receive" 0.38/0.33, "strwbery"→"strawberry" 0.43/0.43, "managmnt"→"management" 0.56/0.43 — while
 * "blubery"→"blue sky" scores 0.38/0.30, "payment"→"pavement" 0.42/0.42, "blueberry"→"blackberry" 0.40/0.40. So the
 * candidates are words at strict similarity ≥ TRIGRAM_TWO_SLIPS_SAMPLE and the decision is an edit distance ≤ 2
 * (a swap of neighbours is one slip), where "blackberry" is 3 from "blueberry"; an English word ("payment") is
 * never corrected this way. A correction within two slips is as confident as the word itself.
 */
export const TWO_SLIPS_MIN_LETTERS = 7;

/** strict_word_similarity (the `%>>` threshold) of the two-slip candidates; see TWO_SLIPS_MIN_LETTERS. */
export const TRIGRAM_TWO_SLIPS_SAMPLE = 0.3;

/** Query words shorter than this are left to full text only: their few trigrams match almost anything. */
export const TRIGRAM_MIN_LETTERS = 4;

/**
 * Cosine similarity between a query's text embedding and a keyframe's image embedding at which the visual match
 * is confident, per visual model id (models.json). CLIP-family text↔image similarities are low in absolute terms:
 * ~0.25–0.35 for a matching caption with CLIP/MobileCLIP and far lower for SigLIP, whose sigmoid loss puts
 * matches around 0.10–0.20. These follow the published behaviour of each family; they have not been calibrated
 * on this app's data (no weights reach the build machine): `npm run eval` is where to tune them.
 */
export const VISUAL_TEXT_THRESHOLDS: Readonly<Record<string, number>> = {
  'mobileclip-s0': 0.27,
  'siglip2-base-224': 0.12,
};
/** For a visual model missing above: the CLIP-family value. */
export const DEFAULT_VISUAL_TEXT_THRESHOLD = 0.27;

/** Image↔image cosine similarity (search by example, "more like this") at which two keyframes count as alike. */
export const VISUAL_EXAMPLE_THRESHOLD = 0.85;

export function visualTextThreshold(modelId: string): number {
  return VISUAL_TEXT_THRESHOLDS[modelId] ?? DEFAULT_VISUAL_TEXT_THRESHOLD;
}

/**
 * Cosine similarity between a query's sentence embedding and a scene's (what it says and shows) at which the
 * meaning match is confident, per meaning model id (models.json). UNCALIBRATED: no weights reach the build machine,
 * so these follow published behaviour of sentence-transformers' paraphrase models (paraphrases typically 0.7–0.9,
 * same topic 0.4–0.6, unrelated below 0.3) and have not been measured on this app's data — a short query against a
 * scene's longer text scores lower than two sentences. Tune with `npm run eval` (kind "meaning") once the weights
 * are installed.
 */
export const MEANING_THRESHOLDS: Readonly<Record<string, number>> = {
  'paraphrase-multilingual-minilm': 0.6,
};
/** For a meaning model missing above. */
export const DEFAULT_MEANING_THRESHOLD = 0.6;

/**
 * Below this cosine a scene is left out of the meaning signal altogether: nearest neighbours are found for any query,
 * and a scene about something else must not be said to be "like" it. Uncalibrated, as MEANING_THRESHOLDS.
 */
export const MEANING_FLOOR = 0.35;

export function meaningThreshold(modelId: string): number {
  return MEANING_THRESHOLDS[modelId] ?? DEFAULT_MEANING_THRESHOLD;
}
