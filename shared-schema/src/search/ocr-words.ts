// scenes.ocr_words (the dictionary words of glued on-screen tokens, see glued-words.ts) for scenes that have
// on-screen text but no split yet: those indexed before the column existed, or written by a path that does not
// split. Each side runs it at start-up with its own driver; it changes no synced column (ocr_words never syncs).
import { sql, type SQL } from 'drizzle-orm';
import { gluedWordsOf } from './glued-words.ts';

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
      from unnest(${sql.param(pending.map((p) => p.scene_id))}::uuid[], ${sql.param(pending.map((p) => gluedWordsOf(p.ocr_text)))}::text[]) u(id, words)
      where s.scene_id = u.id`);
    filled += pending.length;
  }
}
