/** Euclidean distance between two face descriptors (the metric face-api's recognition net is trained for). */
export function faceDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new Error(`Face descriptors differ in length (${a.length} vs ${b.length}): were they made by different models?`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * Two descriptors closer than this are taken as the same person. Calibrated on face-api's six sample photos
 * (22 women) and ffmpeg-edited copies of them; faces.test.ts checks it and prints the distribution:
 * same face vs edited copy 0.04–0.37 (mirror images up to 0.64), different people 0.448 at the least,
 * median 0.71. At 0.42 no different pair matches (the usual 0.6 lets 19 of 231 through) and every
 * non-mirrored copy does, with room on both sides for decoder noise (the same JPEG decoded by ffmpeg and by
 * Chromium moves a descriptor by 0.01–0.19).
 */
export const FACE_MATCH_THRESHOLD = 0.42;

export function isSameFace(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return faceDistance(a, b) < FACE_MATCH_THRESHOLD;
}
