import { z } from 'zod';
import { AppErrorShape } from './app-error';

export { appError, AppErrorException, fail, type AppError } from './app-error';

/** The error value as the contracts compose it (nullable, extended), from the one shape. */
export const AppErrorSchema = z.object(AppErrorShape.shape);

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
