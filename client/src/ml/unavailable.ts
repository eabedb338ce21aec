/**
 * The name of the error the ML worker throws when a task's model is absent or failed to load. It
 * survives the worker boundary (comlink keeps an Error's name), so the pipeline can skip the stage
 * with the worker's reason instead of failing the video.
 */
export const MODEL_UNAVAILABLE = 'ModelUnavailable';

export function isModelUnavailable(error: unknown): error is Error {
  return error instanceof Error && error.name === MODEL_UNAVAILABLE;
}
