// OCR and faces go over a video's keyframes in order, a batch per call (pipeline/understanding.ts), and leave out
// keyframes that repeat one just analysed (near-duplicates.ts). A call that continues the last one of its task
// carries that memory on, so splitting a video into batches finds the same repeats as one call would.
import type { RgbaImage } from './image.ts';
import { createNearDuplicateReuse } from './near-duplicates.ts';
import { DEFAULT_SKIPS, type KeyframeCallOptions, type SkipCounts } from './skips.ts';

export type KeyframeTask = 'ocr' | 'faces';
type NearDuplicateReuse<T> = ReturnType<typeof createNearDuplicateReuse<T>>;

/** The near-duplicate reuse of each task's last call (one worker runs one stage at a time). */
const lastReuse = new Map<KeyframeTask, NearDuplicateReuse<unknown>>();

/**
 * Runs `analyse` on each frame in order, except where the skips let a frame take a copy of an earlier result (a
 * near-duplicate of one analysed just before it, in this call or, when it continues, the previous one of `task`).
 */
export async function analyseKeyframes<F, T>(
  task: KeyframeTask,
  frames: readonly F[],
  decode: (frame: F) => Promise<RgbaImage>,
  analyse: (img: RgbaImage) => Promise<T>,
  copy: (result: T) => T,
  { skips = DEFAULT_SKIPS, continues = false }: KeyframeCallOptions,
  onProgress?: (fraction: number) => void,
): Promise<{ results: T[]; work: SkipCounts }> {
  const carried = continues ? (lastReuse.get(task) as NearDuplicateReuse<T> | undefined) : undefined;
  const reuse = carried ?? createNearDuplicateReuse(copy);
  lastReuse.set(task, reuse as NearDuplicateReuse<unknown>);
  const reusedBefore = reuse.reused;
  const results: T[] = [];
  for (const [i, frame] of frames.entries()) {
    const img = await decode(frame);
    results.push(await (skips.nearDuplicates ? reuse.next(img, analyse) : analyse(img)));
    onProgress?.((i + 1) / frames.length);
  }
  const reused = reuse.reused - reusedBefore;
  return { results, work: { analysed: frames.length - reused, reused } };
}
