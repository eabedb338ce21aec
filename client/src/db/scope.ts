// Every statement of a repository is scoped to one user: the predicates its modules share.
import { videos } from '@heimdex/shared-schema';
import { and, eq } from 'drizzle-orm';

/** The video `videoId` when it is `userId`'s (deleted or not). */
export const ownVideo = (userId: string, videoId: string) => and(eq(videos.videoId, videoId), eq(videos.userId, userId));
