// Spelling corrections of a misspelt query word, as both sides find them: words spelt like it in a few scenes
// the trigram indexes pick (correctionsQuery: one-letter slips), then, for a longer word that is not itself an
// English word, words within two letter slips ("blubery" → "blueberry", see spelling.ts).
import { sql, type SQL } from 'drizzle-orm';
import type { RunRows } from './ocr-words.ts';
import { closeSpellings, mayHaveTwoSlips } from './spelling.ts';
import { correctionsQuery } from './sql.ts';
import { TRIGRAM_TWO_SLIPS_SAMPLE } from './thresholds.ts';

/** Scenes per column sampled for two-slip spellings, and the corrections kept. */
const TWO_SLIPS_SAMPLE = 20;
const TWO_SLIPS_KEPT = 3;
/**
 * Scenes per column the sample is chosen from, most similar first. Bounds the cost: on 20k synthetic scenes
 * where 2,000 say "blue", ordering every scene the loose threshold lets in took "blubery" 1.5–3.0 s (a loaded
 * 2-core machine; a one-slip "quartely" 0.5 s there).
 */
const TWO_SLIPS_SCAN = 500;

/**
 * Words of the scenes most like the term by strict_word_similarity (the `%>>` operator, its threshold set by
 * trigramThresholdStatement), as candidates for closeSpellings. Ordered by similarity before the limit (among
 * TWO_SLIPS_SCAN): at this loose threshold "blubery" also reaches every scene that says "blue".
 */
function twoSlipCandidatesQuery(userId: string, term: string): SQL {
  const column = (name: string) => sql`
    (select c.t from (select s.${sql.raw(name)} as t from scenes s
       where s.user_id = ${userId} and not s.deleted and s.${sql.raw(name)} %>> ${term} limit ${TWO_SLIPS_SCAN}) c
     order by strict_word_similarity(${term}, c.t) desc limit ${TWO_SLIPS_SAMPLE})`;
  return sql`
    with sample as (${column('transcript')} union all ${column('ocr_text')}),
    words as (select distinct lower(w) as word from sample, regexp_split_to_table(sample.t, '[^[:alnum:]]+') w
      where length(w) between ${term.length - 2} and ${term.length + 2})
    select word from words where strict_word_similarity(${term}, word) >= ${TRIGRAM_TWO_SLIPS_SAMPLE}`;
}

/**
 * The corrections of one misspelt term (run in a transaction where trigramThresholdStatement and
 * `enable_seqscan = off` hold, as correctionsQuery needs).
 */
export async function correctionsOf(userId: string, term: string, run: RunRows): Promise<string[]> {
  const found = (await run<{ word: string }>(correctionsQuery(userId, term))).map((r) => r.word);
  if (!mayHaveTwoSlips(term) || closeSpellings(term, found).length > 0) return found;
  const close = closeSpellings(term, (await run<{ word: string }>(twoSlipCandidatesQuery(userId, term))).map((r) => r.word));
  return [...found, ...close.filter((w) => !found.includes(w))].slice(0, found.length + TWO_SLIPS_KEPT);
}
