-- The app keeps its picture vectors' graphs in memory (client/src/db/picture-graphs.ts) in step with the library
-- through these notices, on channel heimdex_pictures: a scene whose picture, model or searchability may have
-- changed (payload: its id), a video whose searchability changed (payload: 'video:' and its id). NOTIFY sends them
-- when the change commits, and only where the session has said `SET heimdex.pictures = 'on'`: the app's DB worker
-- does; the server, the tests and the bench do not. A video is searched unless it is deleted, in its first indexing
-- run or failed, as ownScenes (shared-schema/src/search/sql.ts) and videos_unsearched_idx have it.
CREATE OR REPLACE FUNCTION heimdex_picture_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'videos' THEN
    PERFORM pg_notify('heimdex_pictures', 'video:' || NEW.video_id::text);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('heimdex_pictures', OLD.scene_id::text);
  ELSE
    PERFORM pg_notify('heimdex_pictures', NEW.scene_id::text);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "scenes_picture_added_or_gone" AFTER INSERT OR DELETE ON "scenes" FOR EACH ROW
  WHEN (current_setting('heimdex.pictures', true) = 'on') EXECUTE FUNCTION heimdex_picture_notice();--> statement-breakpoint
CREATE TRIGGER "scenes_picture_changed" AFTER UPDATE OF "image_vec", "image_model", "deleted", "video_id", "user_id" ON "scenes" FOR EACH ROW
  WHEN (current_setting('heimdex.pictures', true) = 'on' and (
    old."image_model" is distinct from new."image_model" or old."deleted" is distinct from new."deleted"
    or old."video_id" is distinct from new."video_id" or old."user_id" is distinct from new."user_id"
    or old."image_vec" is distinct from new."image_vec"))
  EXECUTE FUNCTION heimdex_picture_notice();--> statement-breakpoint
CREATE TRIGGER "videos_searchable_changed" AFTER UPDATE OF "deleted", "state", "first_indexing" ON "videos" FOR EACH ROW
  WHEN (current_setting('heimdex.pictures', true) = 'on' and
    (old."deleted" or old."first_indexing" or old."state" in ('FAILED', 'DELETED'))
      is distinct from (new."deleted" or new."first_indexing" or new."state" in ('FAILED', 'DELETED')))
  EXECUTE FUNCTION heimdex_picture_notice();
