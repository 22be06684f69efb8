import { z } from 'zod';

/**
 * Errors cross every boundary as values: a stable machine code, words a user
 * can act on, and whether trying again later can help.
 */
export const AppErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
  details: z.unknown().optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

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

/** "data.email: must be a valid email address; data.name: is required" */
export function describeIssues(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** The fields named by a validation error, for highlighting in forms. */
export function issueFields(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}
