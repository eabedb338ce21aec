CREATE TABLE "scene_words" (
	"word" text NOT NULL,
	"user_id" uuid NOT NULL,
	"scenes" integer NOT NULL,
	CONSTRAINT "scene_words_word_user_id_pk" PRIMARY KEY("word","user_id")
);
--> statement-breakpoint
CREATE INDEX "scene_words_word_trgm_idx" ON "scene_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
-- The words of a text as scene_words counts them: lower-cased runs of letters and digits, three or more, each once.
CREATE OR REPLACE FUNCTION heimdex_words_of(body text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT lower(w) FROM regexp_split_to_table(body, '[^[:alnum:]]+') w WHERE length(w) >= 3
$$;
--> statement-breakpoint
-- Keeps scene_words: per statement (a bulk load or a pulled page is counted in one pass), the words of the live
-- scenes that came in counted up and those of the live scenes that went (deleted, tombstoned, text changed)
-- counted down. An update that changes neither the text, the owner nor `deleted` (a thumbnail, a vector, sync
-- bookkeeping) counts nothing.
CREATE OR REPLACE FUNCTION heimdex_count_scene_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO scene_words AS sw (word, user_id, scenes)
    SELECT w, n.user_id, count(*) FROM new_scenes n, heimdex_words_of(n.transcript || ' ' || n.ocr_text) w
    WHERE NOT n.deleted GROUP BY 1, 2
    ON CONFLICT (word, user_id) DO UPDATE SET scenes = sw.scenes + excluded.scenes;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE scene_words sw SET scenes = greatest(0, sw.scenes - d.n)
    FROM (SELECT w, o.user_id, count(*) AS n FROM old_scenes o, heimdex_words_of(o.transcript || ' ' || o.ocr_text) w
          WHERE NOT o.deleted GROUP BY 1, 2) d
    WHERE sw.word = d.w AND sw.user_id = d.user_id;
  ELSE
    INSERT INTO scene_words AS sw (word, user_id, scenes)
    SELECT word, user_id, sum(delta) FROM (
      SELECT w AS word, n.user_id, 1 AS delta
      FROM new_scenes n JOIN old_scenes o ON o.scene_id = n.scene_id, heimdex_words_of(n.transcript || ' ' || n.ocr_text) w
      WHERE NOT n.deleted AND (n.transcript IS DISTINCT FROM o.transcript OR n.ocr_text IS DISTINCT FROM o.ocr_text
        OR n.user_id IS DISTINCT FROM o.user_id OR n.deleted IS DISTINCT FROM o.deleted)
      UNION ALL
      SELECT w, o.user_id, -1
      FROM old_scenes o JOIN new_scenes n ON n.scene_id = o.scene_id, heimdex_words_of(o.transcript || ' ' || o.ocr_text) w
      WHERE NOT o.deleted AND (n.transcript IS DISTINCT FROM o.transcript OR n.ocr_text IS DISTINCT FROM o.ocr_text
        OR n.user_id IS DISTINCT FROM o.user_id OR n.deleted IS DISTINCT FROM o.deleted)
    ) d GROUP BY 1, 2 HAVING sum(delta) <> 0
    ON CONFLICT (word, user_id) DO UPDATE SET scenes = greatest(0, sw.scenes + excluded.scenes);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER scenes_words_insert AFTER INSERT ON scenes REFERENCING NEW TABLE AS new_scenes
  FOR EACH STATEMENT EXECUTE FUNCTION heimdex_count_scene_words();
--> statement-breakpoint
CREATE TRIGGER scenes_words_update AFTER UPDATE ON scenes REFERENCING OLD TABLE AS old_scenes NEW TABLE AS new_scenes
  FOR EACH STATEMENT EXECUTE FUNCTION heimdex_count_scene_words();
--> statement-breakpoint
CREATE TRIGGER scenes_words_delete AFTER DELETE ON scenes REFERENCING OLD TABLE AS old_scenes
  FOR EACH STATEMENT EXECUTE FUNCTION heimdex_count_scene_words();
--> statement-breakpoint
INSERT INTO scene_words (word, user_id, scenes)
SELECT w, s.user_id, count(*) FROM scenes s, heimdex_words_of(s.transcript || ' ' || s.ocr_text) w
WHERE NOT s.deleted GROUP BY 1, 2;
--> statement-breakpoint
ANALYZE scene_words;
