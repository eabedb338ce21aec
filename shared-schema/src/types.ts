import type { jobStage, jobState, scenes, transcriptSegments, userTier, videoState, videos, jobs } from './schema.ts';

export type Video = typeof videos.$inferSelect;
export type NewVideo = typeof videos.$inferInsert;
export type Job = typeof jobs.$inferSelect;
export type Scene = typeof scenes.$inferSelect;
export type NewScene = typeof scenes.$inferInsert;
export type TranscriptSegment = typeof transcriptSegments.$inferSelect;
export type VideoState = (typeof videoState.enumValues)[number];
export type JobState = (typeof jobState.enumValues)[number];
export type JobStage = (typeof jobStage.enumValues)[number];
export type UserTier = (typeof userTier.enumValues)[number];
