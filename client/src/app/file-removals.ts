// A video's stored files are removed a moment after its row is deleted (or after speech no longer needs its audio).
// Importing the same file again brings the deleted row back under the same id (db/videos.ts createVideo), so the new
// copy is written under the same names: it waits here until every removal under way for that video is over, or the
// removal could take the new copy with it.

export interface FileRemovals {
  /** Runs `removal` after the removals already under way for this video; settles with it. */
  run(videoId: string, removal: () => Promise<void>): Promise<void>;
  /** Settles once no removal is under way for this video (whatever their outcome). */
  settled(videoId: string): Promise<void>;
}

export function makeFileRemovals(): FileRemovals {
  const underway = new Map<string, Promise<void>>();
  const settled = (videoId: string) => (underway.get(videoId) ?? Promise.resolve()).catch(() => undefined);
  return {
    run(videoId, removal) {
      const done = settled(videoId).then(removal);
      underway.set(videoId, done);
      // Forgotten once over, unless another removal queued behind it.
      void done.catch(() => undefined).finally(() => underway.get(videoId) === done && underway.delete(videoId));
      return done;
    },
    settled,
  };
}
