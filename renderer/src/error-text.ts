/** The words to show for a failed call (an ApiError's message, or whatever was thrown). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    return err.message;
  }
  return String(err);
}
