/** The keyframes the models read: at most this many pixels wide (captions and faces stay legible). */
export const ANALYSIS_MAX_WIDTH = 1280;

/**
 * The analysis size of a picture shown at `displayWidth` × `displayHeight` (square pixels): at most
 * ANALYSIS_MAX_WIDTH wide, display aspect kept, both sides even — what the media worker's ffmpeg filter makes.
 */
export function analysisSize(displayWidth: number, displayHeight: number): { width: number; height: number } {
  const width = Math.max(2, Math.trunc(Math.min(ANALYSIS_MAX_WIDTH, displayWidth) / 2) * 2);
  const height = Math.max(2, Math.trunc((width * displayHeight) / displayWidth / 2) * 2);
  return { width, height };
}
