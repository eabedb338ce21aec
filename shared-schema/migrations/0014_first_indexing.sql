-- A video being indexed for the first time is not searched until it is done (videos.first_indexing): a search never
-- answers from half a video, and one that failed is left out as before. Stages run again on an indexed video (a model
-- installed, Re-index) keep it searchable. The index of the videos search leaves out gains the new case.
--
-- Existing rows: a video still uploading or validating, or processing with a stage of its first run left (a job not
-- completed that was not queued again, see client/src/db/jobs.ts againMetadata), is in its first run. The server holds
-- no jobs: its videos stay searchable as before until their device sends them again.
DROP INDEX "videos_unsearched_idx";--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "first_indexing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "videos" v SET "first_indexing" = true
WHERE not v."deleted" and (v."state" in ('UPLOADING', 'VALIDATING') or (v."state" = 'PROCESSING' and exists (
  select 1 from "jobs" j where j."video_id" = v."video_id" and j."state" <> 'COMPLETED'
    and coalesce(j."metadata" ->> 'again', 'false') <> 'true')));--> statement-breakpoint
CREATE INDEX "videos_unsearched_idx" ON "videos" USING btree ("user_id") WHERE "videos"."deleted" or "videos"."first_indexing" or "videos"."state" in ('FAILED', 'DELETED');
