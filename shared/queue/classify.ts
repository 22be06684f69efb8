import { z } from 'zod';
import type { AppError } from '../errors';

/**
 * Why an operation did not go through, in classes an admin can act on. Pure:
 * the queue's SQL calls it (as a registered function) to filter and group, and
 * the window uses the same words.
 */
export const ERROR_CLASSES = [
  'network',
  'server',
  'rate_limit',
  'auth',
  'validation',
  'not_found',
  'conflict_loop',
  'blocked',
  'other',
] as const;
export const ErrorClassSchema = z.enum(ERROR_CLASSES);
export type ErrorClass = z.infer<typeof ErrorClassSchema>;

/** The code a conflict gets in the queue when it came back after being resolved. */
export const CONFLICT_LOOP_CODE = 'conflict_loop';
/** What settle writes when the attempts ran out; the error that caused it is in details.lastError. */
export const MAX_ATTEMPTS_CODE = 'max_attempts';

const BY_CODE: Readonly<Record<string, ErrorClass>> = {
  // the console's transport (electron/core/sync/transport.ts)
  network: 'network',
  timeout: 'network',
  tls: 'network',
  cancelled: 'network',
  bad_response: 'network',
  // the console stopped while the operation was on the wire (SyncEngine recovery)
  interrupted: 'network',
  // HTTP statuses as server-api.ts words them, and the server's per-operation codes
  server: 'server',
  database_busy: 'server',
  unavailable: 'server',
  internal: 'server',
  // the reference server's storage trouble (server/storage/sqlite.ts: SQLITE_FULL, IOERR…)
  storage_unavailable: 'server',
  rate_limited: 'rate_limit',
  auth: 'auth',
  unauthorized: 'auth',
  forbidden: 'auth',
  validation: 'validation',
  invalid_request: 'validation',
  too_large: 'validation',
  rejected: 'validation',
  op_id_reused: 'validation',
  not_found: 'not_found',
  [CONFLICT_LOOP_CODE]: 'conflict_loop',
  // an update or delete of a record whose create failed (OutboxRepo.failOrphans)
  create_failed: 'blocked',
  // a change left behind when its record's create went to the archive (QueueActions.archiveExported)
  create_removed: 'blocked',
};

type ErrorLike = Pick<AppError, 'code' | 'message'> & { retryable?: boolean; details?: unknown };

const InnerSchema = z.object({
  lastError: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }),
});

/** The error that decided the outcome: for "attempts ran out", the last attempt's error. */
export function effectiveError(error: ErrorLike): ErrorLike {
  if (error.code !== MAX_ATTEMPTS_CODE) return error;
  const inner = InnerSchema.safeParse(error.details);
  return inner.success ? inner.data.lastError : error;
}

/** Whether the operation stopped because its attempts ran out (rather than being refused outright). */
export function gaveUp(error: ErrorLike | null): boolean {
  return error?.code === MAX_ATTEMPTS_CODE;
}

/**
 * A code the console does not know falls back on the server's own verdict:
 * retryable means transient trouble on its side (docs/protocol.md), so "server";
 * anything else is "other".
 */
export function classify(error: ErrorLike | null): ErrorClass {
  if (!error) return 'other';
  const e = effectiveError(error);
  const known = Object.hasOwn(BY_CODE, e.code) ? BY_CODE[e.code] : undefined;
  return known ?? (e.retryable === true ? 'server' : 'other');
}

export interface ClassInfo {
  /** A short name for filters and badges. */
  label: string;
  /** What it means, in plain words. */
  explanation: string;
  /** What an admin should do about it. */
  action: string;
  /** Whether retrying as is can help (the UI leads with Retry or with Edit). */
  retryHelps: boolean;
}

export const CLASS_INFO: Readonly<Record<ErrorClass, ClassInfo>> = {
  network: {
    label: 'Network',
    explanation: 'The server could not be reached, or the connection dropped before it answered.',
    action:
      'Check the network and the server address; the console retries by itself. Retry now once the connection is back.',
    retryHelps: true,
  },
  server: {
    label: 'Server trouble',
    explanation: 'The server answered with an error of its own (5xx, busy or unavailable).',
    action:
      'Nothing is wrong with the change. Retry once the server has recovered; if it keeps failing, tell the server team.',
    retryHelps: true,
  },
  rate_limit: {
    label: 'Rate limited',
    explanation: 'The server asked the console to slow down.',
    action: 'Wait for the next attempt (it honours the server’s Retry-After), then retry.',
    retryHelps: true,
  },
  auth: {
    label: 'Sign-in',
    explanation: 'The server did not accept the token, or the token may not do this.',
    action: 'Enter a valid token on the Sync screen, then retry.',
    retryHelps: false,
  },
  validation: {
    label: 'Invalid data',
    explanation: 'The server refused the change because a field is not valid.',
    action:
      'Retrying as is fails again: edit the payload to fix the field named in the message, or discard the change.',
    retryHelps: false,
  },
  not_found: {
    label: 'Not on server',
    explanation: 'The record this change is about does not exist on the server.',
    action:
      'Discard the change (the record was removed on the server), or recreate the visitor if it is still needed.',
    retryHelps: false,
  },
  conflict_loop: {
    label: 'Conflict loop',
    explanation:
      'This change was made by resolving a conflict, and it conflicted again: the record keeps changing on the server.',
    action:
      'Open it in the Conflicts workspace and resolve it with the server’s values or by hand; re-applying the same resolution loops.',
    retryHelps: false,
  },
  blocked: {
    label: 'Waiting on create',
    explanation:
      'The visitor was never created on the server (its create failed), so this change cannot be sent.',
    action:
      'Fix and retry the failed create of this visitor first (its changes follow), or discard them.',
    retryHelps: false,
  },
  other: {
    label: 'Other',
    explanation: 'The server refused the change for a reason the console does not recognise.',
    action:
      'Read the server’s message; retry if it sounds temporary, otherwise export it for the server team.',
    retryHelps: true,
  },
};
