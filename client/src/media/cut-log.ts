/**
 * ffmpeg arguments (to follow `-loglevel info`) that print every cut of `inputPath` through showinfo.
 * - Scaling to 320 px first is faster and finds every cut (full resolution missed one; STACK-NOTES).
 * - ffmpeg reports progress by output time, which with `select` alone only moves at each cut (a long scene
 *   looks stuck): an unselected copy of every frame goes to a second null output and keeps it moving.
 * - An output starts only once it has a frame, and ffmpeg reports nothing until all have started: the first
 *   frame always passes `select` (`eq(n,0)`; showinfo numbers it n:0 and it is never a cut).
 * - Two outputs, not two streams of one output: an output interleaves its streams, so it would hold every
 *   frame of a long scene in memory (750 MB for 5 min without a cut, measured with native ffmpeg).
 */
export function cutDetectionArgs(inputPath: string): string[] {
  return [
    '-i', inputPath, '-an', '-sn', '-dn',
    '-filter_complex', "[0:v:0]scale=320:-2,split[all][scan];[scan]select='eq(n,0)+gt(scene,0.3)',showinfo[cuts]",
    '-map', '[cuts]', '-f', 'null', '-',
    '-map', '[all]', '-f', 'null', '-',
  ];
}

/**
 * Reads the cut times out of the log of `ffmpeg -loglevel info ...cutDetectionArgs(IN)`: every frame that
 * passes `select` is printed by showinfo with its number `n` and its `pts_time`; n:0 is the first frame, let
 * through on purpose. ffmpeg already makes timestamps relative to the input's start (no -copyts), so an
 * MPEG-TS starting at 2.78 s still reports its first cut at 4.
 * Returns seconds rounded to the millisecond, ascending, without duplicates.
 */
export function parseCutLog(lines: string[]): number[] {
  const times = new Set<number>();
  // Progress lines end in '\r', so a showinfo line can share a log line with one.
  for (const line of lines.flatMap((entry) => entry.split(/\r?\n|\r/))) {
    if (!line.includes('Parsed_showinfo')) continue;
    const frame = /\bn:\s*(\d+)\s.*\bpts_time:\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/.exec(line);
    if (!frame || frame[1] === '0') continue;
    const t = Math.round(Number(frame[2]) * 1000) / 1000;
    if (Number.isFinite(t) && t > 0) times.add(t);
  }
  return [...times].sort((a, b) => a - b);
}
