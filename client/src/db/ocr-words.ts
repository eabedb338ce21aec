// At open: the search-only split of glued on-screen words (scenes.ocr_words, see shared-schema's glued-words.ts)
// for scenes indexed before it existed. It changes no synced column, so it records no change for sync.
import type { PGlite } from '@electric-sql/pglite';
import { fillOcrWords } from '@heimdex/shared-schema/search';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';

/** Answers how many scenes it split. */
export async function backfillOcrWords(pg: PGlite): Promise<number> {
  return drizzle(pg).transaction(async (tx) => {
    await tx.execute(sql`set local heimdex.outbox = 'off'`);
    return fillOcrWords(async (query) => (await tx.execute(query)).rows as never);
  });
}
