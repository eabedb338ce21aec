/**
 * How steady the machine's CPU was through a bench run: one fixed computation (plain JavaScript arithmetic over a
 * small array, the same work every time) timed at points through the run. On the shared 2-core virtual machine of
 * stop 37 it took 3.2 ms in some seconds and 6.2 ms in others with nothing else running, and the words-only
 * search's p50 moved between 9.6 and 15.6 ms on the same code: a spread that large hides any change smaller
 * than it. A run's milliseconds can be set against another run's only when both spreads are small.
 */
import { median } from './report.ts';

const WORK_LENGTH = 1 << 14;
const WORK_ROUNDS = 200;

/**
 * The fixed computation over `values`, allocated once so that no sample waits for the garbage collector; its writes
 * land in an array the probe keeps, so the engine cannot drop the loop.
 */
function fixedWork(values: Float64Array): void {
  values.fill(0);
  for (let round = 0; round < WORK_ROUNDS; round++) {
    for (let i = 0; i < WORK_LENGTH; i++) values[i] = values[i]! * 1.0000001 + i;
  }
}

export function makeSteadinessProbe() {
  const samples: number[] = [];
  const values = new Float64Array(WORK_LENGTH);
  // Compiled and optimised before the first sample: the first calls ran 3-5× slower than the rest.
  for (let i = 0; i < 5; i++) fixedWork(values);
  return {
    /** Times the fixed computation `times` times now. */
    sample(times = 3): void {
      for (let i = 0; i < times; i++) {
        const started = performance.now();
        fixedWork(values);
        samples.push(performance.now() - started);
      }
    },
    /** The samples' fastest, median and slowest, and the slowest over the fastest; null before any sample. */
    summary(): { samples: number; minMs: number; p50Ms: number; maxMs: number; spread: number } | null {
      if (samples.length === 0) return null;
      const minMs = Math.min(...samples);
      const maxMs = Math.max(...samples);
      return { samples: samples.length, minMs, p50Ms: median(samples), maxMs, spread: maxMs / minMs };
    },
  };
}

export type SteadinessSummary = NonNullable<ReturnType<ReturnType<typeof makeSteadinessProbe>['summary']>>;

/** The summary as the report's line. */
export function steadinessLine(summary: SteadinessSummary | null): string {
  if (!summary) return 'CPU steadiness: not sampled.';
  return (
    `CPU steadiness: a fixed computation timed ${summary.samples} times through the run took ${summary.minMs.toFixed(1)}–${summary.maxMs.toFixed(1)} ms ` +
    `(p50 ${summary.p50Ms.toFixed(1)}); the slowest ${summary.spread.toFixed(2)}× the fastest. Compare runs' milliseconds only where both are near 1.`
  );
}
