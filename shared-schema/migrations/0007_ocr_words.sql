ALTER TABLE "scenes" ADD COLUMN "ocr_words" text;--> statement-breakpoint
ALTER TABLE "scenes" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "scenes" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce("scenes"."transcript", '') || ' ' || coalesce("scenes"."ocr_text", '') || ' ' || coalesce("scenes"."ocr_words", ''))) STORED;--> statement-breakpoint
-- Edited by hand after generation: drizzle-kit put the new column after the expression that reads it, and
-- dropping search_tsv dropped its GIN index, which it did not create again.
CREATE INDEX "scenes_tsv_idx" ON "scenes" USING gin ("search_tsv");
