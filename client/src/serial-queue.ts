// Runs tasks one at a time in call order: for engines that must never run two things at once (one PGlite,
// one ONNX session). A failed task does not block the ones queued behind it.

export type Enqueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): Enqueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = tail.then(task);
    tail = next.catch(() => undefined);
    return next;
  };
}
