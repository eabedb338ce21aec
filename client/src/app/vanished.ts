// Videos of this device that left the library without this tab deleting them: deleted on another device of the
// account (a pulled tombstone). Their stored files are then deleted here too, or they would fill the browser's
// storage with copies no row points at.
import type { VideoRow } from '../db/videos.ts';

export function vanishedHere(before: readonly Pick<VideoRow, 'videoId' | 'deviceId'>[], after: readonly Pick<VideoRow, 'videoId'>[]): string[] {
  const still = new Set(after.map((row) => row.videoId));
  return before.filter((row) => row.deviceId === null && !still.has(row.videoId)).map((row) => row.videoId);
}
