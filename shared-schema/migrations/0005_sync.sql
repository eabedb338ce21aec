CREATE TABLE "sync_batches" (
	"user_id" uuid NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"device_id" uuid NOT NULL,
	"batch_seq" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_batches_user_id_last_seq_pk" PRIMARY KEY("user_id","last_seq")
);
--> statement-breakpoint
CREATE TABLE "user_sync_state" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"next_server_seq" bigint DEFAULT 1 NOT NULL,
	"purge_watermark" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "videos_user_sha_idx";--> statement-breakpoint
DROP INDEX "scenes_video_idx_idx";--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "last_batch_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "face_profiles" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "face_profiles" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "faces" ADD COLUMN "crop_sha256" text;--> statement-breakpoint
ALTER TABLE "faces" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "faces" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "person_never_merge" ADD COLUMN "deleted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "person_never_merge" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "person_never_merge" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "scene_people" ADD COLUMN "deleted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "scene_people" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "scene_people" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "scenes" ADD COLUMN "thumbnail_sha256" text;--> statement-breakpoint
ALTER TABLE "scenes" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "scenes" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "deleted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "hlc" text;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "server_seq" bigint;--> statement-breakpoint
CREATE INDEX "face_profiles_user_seq_idx" ON "face_profiles" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "faces_user_seq_idx" ON "faces" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "person_never_merge_user_seq_idx" ON "person_never_merge" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "scene_people_user_seq_idx" ON "scene_people" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "scenes_user_seq_idx" ON "scenes" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "transcript_segments_user_seq_idx" ON "transcript_segments" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE INDEX "videos_user_seq_idx" ON "videos" USING btree ("user_id","server_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "scenes_video_idx_idx" ON "scenes" USING btree ("video_id","idx") WHERE "scenes"."deleted" = false;--> statement-breakpoint
ALTER TABLE "videos" ADD CONSTRAINT "videos_user_device_sha_key" UNIQUE NULLS NOT DISTINCT("user_id","device_id","content_sha256");