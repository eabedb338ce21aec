// A stage that stops moving (a decoder that never answers, a worker stuck in a loop) would hold the whole queue
// forever: no error event ever comes. The runner arms this watchdog for each stage run; progress re-arms it, and
// time spent waiting for something outside the stage (a model download) does not count.

/** How long a stage may go without any progress before it is stopped: far beyond any one step's normal pause. */
export const STALL_MS = 10 * 60_000;

export interface StallWatchdog {
  /** The stage moved: start the count again. */
  touch(): void;
  /** Runs `work` with the count paused (waiting for something that is not the stage's own work). */
  pausedWhile<T>(work: Promise<T>): Promise<T>;
  /** The run ended: never fire. */
  stop(): void;
}

export function createStallWatchdog(ms: number, onStall: () => void): StallWatchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let paused = 0;
  let stopped = false;
  const arm = () => {
    clearTimeout(timer);
    if (!stopped && paused === 0) timer = setTimeout(onStall, ms);
  };
  arm();
  return {
    touch: arm,
    async pausedWhile(work) {
      paused++;
      clearTimeout(timer);
      try {
        return await work;
      } finally {
        paused--;
        arm();
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
