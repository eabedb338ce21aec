ALTER TABLE "scenes" ADD COLUMN "ocr_tsv" "tsvector";--> statement-breakpoint
-- scenes.ocr_tsv: the on-screen text as search parses it (the same text search_tsv adds to the transcript), kept
-- as it is written so that search reads it instead of parsing it for each hit. Scenes written before this stay
-- null and are parsed at search time, as before (a backfill would rewrite every row and every index entry).
CREATE OR REPLACE FUNCTION heimdex_parse_ocr_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.ocr_tsv := to_tsvector('english', coalesce(NEW.ocr_text, '') || ' ' || coalesce(NEW.ocr_words, ''));
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER scenes_parse_ocr_text BEFORE INSERT OR UPDATE OF ocr_text, ocr_words ON scenes
  FOR EACH ROW EXECUTE FUNCTION heimdex_parse_ocr_text();
