-- The trigram index over transcripts: no statement has used it since a misspelt word's hits are matched through the
-- library's words (scene_words) instead of a trigram similarity over each text (no scan of it in 120 searches of
-- every kind on the 100k bench library). It cost 20 MB there, and rewriting 2000 transcripts took 7.8 s with it
-- against 6.9 s without.
DROP INDEX "scenes_transcript_trgm_idx";--> statement-breakpoint
-- The full-text and trigram indexes queue new entries in a pending list that every search through them reads, merged
-- into the index only when the list outgrows gin_pending_list_limit (4 MB by default) or the tidy merges it. A video's
-- stage writes fill it between tidies: on the 100k bench library, 2000 scenes rewritten left 450 pending pages and
-- words-only search at p50 14.8-16.3 / p95 19.4-21.6 ms; with lists of at most 512 kB, 66 pages and 10.2-10.4 /
-- 12.7-14.8, with the writes no slower (2000 scenes in ten statements 7.7-8.6 s against 7.6-9.4; 10,000 in ten 34.9
-- against 36.3 s). A storage parameter: nothing is rebuilt.
ALTER INDEX "scenes_tsv_idx" SET (gin_pending_list_limit = 512);--> statement-breakpoint
ALTER INDEX "scenes_ocr_trgm_idx" SET (gin_pending_list_limit = 512);
