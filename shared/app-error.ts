import * as z from 'zod/mini';

/**
 * Errors cross every boundary as values: a stable machine code, words a user
 * can act on, and whether trying again later can help.
 *
 * Declared with zod's tree-shakable build (`zod/mini`): the window's client
 * checks every error reply against this shape, and it runs in each window's
 * preload before the window's first script, where the full zod build was
 * most of what the preload had to parse. `errors.ts` builds the contracts'
 * `AppErrorSchema` from this same shape.
 */
export const AppErrorShape = z.object({
  code: z.string().check(z.minLength(1)),
  message: z.string(),
  retryable: z.boolean(),
  details: z.optional(z.unknown()),
});
export type AppError = z.infer<typeof AppErrorShape>;

export function appError(
  code: string,
  message: string,
  retryable = false,
  details?: unknown,
): AppError {
  return details === undefined
    ? { code, message, retryable }
    : { code, message, retryable, details };
}

/** Thrown inside the core; the IPC dispatcher turns it back into a value. */
export class AppErrorException extends Error {
  readonly error: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.name = 'AppErrorException';
    this.error = error;
  }
}

export function fail(code: string, message: string, retryable = false, details?: unknown): never {
  throw new AppErrorException(appError(code, message, retryable, details));
}
