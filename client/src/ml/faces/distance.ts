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
 * Two descriptors closer than this are taken as the same person with confidence: a confident search hit, and
 * the distance under which a face joins a person when faces are grouped. Measured three times:
 * - edited copies of one photo (faces.test.ts, face-api's six sample photos, 22 women): same face vs edited
 *   copy 0.04–0.37 (mirror images up to 0.64); the same JPEG decoded by ffmpeg and by Chromium moves a
 *   descriptor by 0.01–0.19;
 * - DIFFERENT photos of the same person (scripts/eval/faces-calibration.ts: one man in 17 photos from
 *   @vladmandic/human's face-match screenshot, against the 22 women): same person 136 pairs, min 0.201,
 *   median 0.408, p95 0.509, max 0.532; different people 605 pairs, min 0.448, p5 0.619, median 0.780;
 * - the same with the photos Debian ships (faces-calibration.ts --debian, face-material-debian.ts: 186 faces of
 *   104 people — 5 men in ~11 photos each, 4 look-alike bald actors in ~6 each, 29 physicists in one 1927
 *   photograph, 9 group photos): same person 437 pairs, median 0.361, p95 0.519, max 0.593; different people
 *   16 006 pairs, min 0.386, p5 0.657, median 0.827. At 0.42: 71.6% of same-person pairs of single photos match
 *   and 2 different-person pairs do (1 in 8 000; both between two ~50 px faces of the grainy 1927 photograph,
 *   whose 406 pairs lie closest of all: median 0.624). A false-match rate of 1 in 1000 would sit at 0.475
 *   (TMR 87.4%) — not taken: a search compares a photo with every face of the library, and at 0.45 grouping
 *   already merges two people wrongly (0 at 0.42; 10 people split in two there, which profiles and the People
 *   page's merge suggestions repair).
 * Against a person's profile (the centroid of their faces, see PROFILE_ALLOWANCE_MAX) their other photos match
 * confidently 95.4% of the time with 2 photos, 97.6% with 3, 99.2% with 5, with no stranger confident.
 */
export const FACE_MATCH_THRESHOLD = 0.42;

/**
 * Up to this distance a face is still offered as a weaker match (below the divider, never confident); farther
 * is nobody. Measured on different photos of the same people (see FACE_MATCH_THRESHOLD): at 0.55, 97.7% of
 * same-person pairs of single photos match (the npm material alone: all of them) and 86 of 16 006
 * different-person pairs (0.5%) do; no woman came closer than 0.596 to the man's profile (centroid of 1–8 of his
 * photos). A stranger can thus show up as a weaker match, never as a confident one.
 */
export const FACE_WEAK_THRESHOLD = 0.55;

/**
 * Two people whose profiles (centroids) are closer than this are offered to the user as maybe one person split in two
 * ("Is this Alex Morgan?"); a question, never an automatic merge. Tighter than FACE_WEAK_THRESHOLD because it is asked
 * unprompted: at 0.48, 88.1% of same-person pairs of single photos are under it and 21 of 16 006 different-person pairs
 * (0.13%) are (faces-calibration.ts --debian; the npm material alone: 1 of 605); a centroid of several photos lies
 * closer still to the person's other photos (median 0.34 with 2 photos, 0.30 with 5). People seen together in one scene
 * are never suggested.
 */
export const FACE_SUGGEST_MERGE_THRESHOLD = 0.48;

/**
 * A person's profile (the centroid of their faces) lies closer to their other photos than any one face does, and the
 * more their photos differ (other days, light, angles) the farther those photos may lie from it. So a face may be this
 * much farther than FACE_MATCH_THRESHOLD from a profile and still be a confident match (and farther than
 * FACE_WEAK_THRESHOLD by as much and still a weaker one): PROFILE_SPREAD_SHARE of the profile's spread (the mean
 * distance of its faces to the centroid), at most PROFILE_ALLOWANCE_MAX; nothing for a profile of one face. Measured
 * (scripts/eval/faces-calibration.ts --debian: profiles of 1–8 photos of the 10 people with several, against their
 * other photos and every other person's face): other photos matched confidently without → with the allowance 91.4 →
 * 95.4% with 2 photos, 94.2 → 97.6% with 3, 96.9 → 99.2% with 5; no stranger confident either way (0 of 51 000–75 000
 * pairs at each k). The man of the npm material alone: spread 0.20–0.26 with 2–8 photos (so the cap applies), 87.6 →
 * 96.0% with 2. A profile wrongly made of the two closest women (0.448 apart) has a spread like his (0.224): the
 * nearest other woman lies 0.456 from it, outside 0.45 by a small margin — why the cap is not higher (0.46 would let
 * her in).
 */
export const PROFILE_ALLOWANCE_MAX = 0.03;
export const PROFILE_SPREAD_SHARE = 0.25;

/** The allowance of a profile of `faces` faces whose mean distance to their centroid is `spread` (see PROFILE_ALLOWANCE_MAX). */
export function profileAllowance(spread: number, faces: number): number {
  return faces < 2 ? 0 : Math.min(PROFILE_ALLOWANCE_MAX, PROFILE_SPREAD_SHARE * spread);
}

export function isSameFace(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return faceDistance(a, b) < FACE_MATCH_THRESHOLD;
}

/**
 * How close a face match is, as a percentage a person can read ("same face, 87%"), from the calibrated
 * distances rather than 1 − distance (descriptors of two strangers are ~0.78 apart, so 1 − d would call them
 * 22% alike and the same person 60%). Piecewise linear through three measured points: 0.25 (closer than 95% of
 * same-person pairs of different photos, as close as an edited copy) is 99%; FACE_MATCH_THRESHOLD, the edge of
 * confident matches, is 80%; FACE_WEAK_THRESHOLD, the edge of any match, is 50%.
 */
export function faceMatchPercent(distance: number): number {
  const points: Array<[number, number]> = [
    [0.25, 99],
    [FACE_MATCH_THRESHOLD, 80],
    [FACE_WEAK_THRESHOLD, 50],
  ];
  if (distance <= points[0]![0]) return points[0]![1];
  for (let i = 1; i < points.length; i++) {
    const [d0, p0] = points[i - 1]!;
    const [d1, p1] = points[i]!;
    if (distance <= d1) return Math.round(p0 + ((distance - d0) / (d1 - d0)) * (p1 - p0));
  }
  return Math.max(0, Math.round(50 - ((distance - FACE_WEAK_THRESHOLD) / 0.1) * 30));
}

/** A face match as a hit reports it (HitCore.face). */
export function faceMatchOf(distance: number): { percent: number; confident: boolean } {
  return { percent: faceMatchPercent(distance), confident: distance < FACE_MATCH_THRESHOLD };
}
