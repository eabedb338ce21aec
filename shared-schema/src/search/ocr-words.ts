// scenes.ocr_words, the search-only words of on-screen text (never shown, never synced): what each side writes
// with the text, and the start-up fill for scenes that have on-screen text but no such words yet (indexed before
// the column existed, or reset by a migration when the words gained a kind). Each side runs it with its own driver.
import { sql, type SQL } from 'drizzle-orm';
import { otherDecimalFormsOf } from './decimal-numbers.ts';
import { gluedWordsOf } from './glued-words.ts';

/** What scenes.ocr_words holds for this on-screen text: the parts of its glued tokens and its decimal numbers written the other way. */
export function ocrWordsOf(ocrText: string): string {
  return [gluedWordsOf(ocrText), otherDecimalFormsOf(ocrText)].filter((words) => words !== '').join(' ');
}

/** Scenes split per statement pair. */
export const OCR_WORDS_BATCH = 500;

/** Runs a statement and answers its rows (each side's driver answers differently). */
export type RunRows = <T extends Record<string, unknown>>(query: SQL) => Promise<T[]>;

const pendingQuery = sql`
  select scene_id, ocr_text from scenes where ocr_words is null and ocr_text <> '' limit ${OCR_WORDS_BATCH}`;

/** Fills ocr_words of every scene that lacks it; answers how many scenes it split. */
export async function fillOcrWords(run: RunRows): Promise<number> {
  let filled = 0;
  for (;;) {
    const pending = await run<{ scene_id: string; ocr_text: string }>(pendingQuery);
    if (pending.length === 0) return filled;
    await run(sql`
      update scenes s set ocr_words = u.words
      from unnest(${sql.param(pending.map((p) => p.scene_id))}::uuid[], ${sql.param(pending.map((p) => ocrWordsOf(p.ocr_text)))}::text[]) u(id, words)
      where s.scene_id = u.id`);
    filled += pending.length;
  }
}
