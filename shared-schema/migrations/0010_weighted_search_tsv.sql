ALTER TABLE "scenes" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "scenes" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("scenes"."transcript", '')), 'A') || setweight(to_tsvector('english', coalesce("scenes"."ocr_text", '') || ' ' || coalesce("scenes"."ocr_words", '')), 'B')) STORED;--> statement-breakpoint
-- Edited by hand after generation: dropping search_tsv dropped its GIN index, which drizzle-kit does not create again.
CREATE INDEX "scenes_tsv_idx" ON "scenes" USING gin ("search_tsv");
