// One way to turn a thrown value into text, for every layer: workers, pipeline, app and pages.

/** A thrown value's own words (an Error's message), else the value as text: for logs and wrapped errors. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/** A thrown value as text a person can read; never "[object Object]", never empty. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'Something went wrong.';
}
