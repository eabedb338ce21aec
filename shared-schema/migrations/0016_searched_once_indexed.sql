-- A video that finished its first indexing run stays searched whatever befalls its later runs. Until now a failed
-- video was left out of search, and one state can fail a video once it is indexed: a run again (a model installed,
-- Re-index) cancelled after one of its stages wrote new results. The person stopped a catch-up and the video left
-- search until Retry, although it had been searched all through the run on what it had. From here on only a video in
-- its first run (first_indexing, which a failure or a cancel keeps set), a deleted one and one being deleted are left
-- out, as ownScenes (shared-schema/src/search/sql.ts) has it.
--
-- Existing rows: a failed video is in its first run if a stage of it that was not queued again is unfinished, or if
-- it has no jobs at all (the server holds none: those it holds stay left out, as before, until their device sends
-- them again). A failed video whose unfinished stages all run again had been indexed: searched from now on.
UPDATE "videos" v SET "first_indexing" = true
WHERE v."state" = 'FAILED' and not v."deleted" and not v."first_indexing" and (
  not exists (select 1 from "jobs" j where j."video_id" = v."video_id")
  or exists (select 1 from "jobs" j where j."video_id" = v."video_id" and j."state" <> 'COMPLETED'
    and coalesce(j."metadata" ->> 'again', 'false') <> 'true'));--> statement-breakpoint
DROP INDEX "videos_unsearched_idx";--> statement-breakpoint
CREATE INDEX "videos_unsearched_idx" ON "videos" USING btree ("user_id") WHERE "videos"."deleted" or "videos"."first_indexing" or "videos"."state" = 'DELETED';--> statement-breakpoint
DROP TRIGGER "videos_searchable_changed" ON "videos";--> statement-breakpoint
CREATE TRIGGER "videos_searchable_changed" AFTER UPDATE OF "deleted", "state", "first_indexing" ON "videos" FOR EACH ROW
  WHEN (current_setting('heimdex.pictures', true) = 'on' and
    (old."deleted" or old."first_indexing" or old."state" = 'DELETED')
      is distinct from (new."deleted" or new."first_indexing" or new."state" = 'DELETED'))
  EXECUTE FUNCTION heimdex_picture_notice();
