-- The user's videos that search leaves out (deleted, or their indexing failed): every search statement reads them
-- once (ownScenes, an InitPlan) instead of looking up each scene's video, mostly to find none. Without this index
-- that read scanned every video of the user (0.09 ms at 500 videos in PGlite, several statements a search, and more
-- the more videos a library holds); through it, only the videos left out.
CREATE INDEX "videos_unsearched_idx" ON "videos" USING btree ("user_id") WHERE "videos"."deleted" or "videos"."state" in ('FAILED', 'DELETED');
