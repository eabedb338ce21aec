/** The keyframes the models read: at most this many pixels wide (captions and faces stay legible). */
export const ANALYSIS_MAX_WIDTH = 1280;

/** ffmpeg's filter to that size: square pixels, display aspect kept, both sides even. */
export const ANALYSIS_FILTER = `scale=w='trunc(min(${ANALYSIS_MAX_WIDTH},iw*sar)/2)*2':h='trunc(ow/dar/2)*2',setsar=1`;

/**
 * The analysis size of a picture shown at `displayWidth` × `displayHeight` (square pixels): at most
 * ANALYSIS_MAX_WIDTH wide, display aspect kept, both sides even — what ANALYSIS_FILTER makes.
 */
export function analysisSize(displayWidth: number, displayHeight: number): { width: number; height: number } {
  const width = Math.max(2, Math.trunc(Math.min(ANALYSIS_MAX_WIDTH, displayWidth) / 2) * 2);
  const height = Math.max(2, Math.trunc((width * displayHeight) / displayWidth / 2) * 2);
  return { width, height };
}
