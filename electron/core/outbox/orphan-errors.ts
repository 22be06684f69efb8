import { appError } from '../../../shared/errors';

/**
 * Why a change of a record the server never had cannot be sent: its create
 * failed (waiting on it), or its create left the queue for the archive (not
 * until it is restored, so it fails too and shows in the retry queue instead
 * of waiting unseen).
 */
export const CREATE_FAILED = appError(
  'create_failed',
  'This visitor was never created on the server (its create failed), so this change cannot be sent. Retry or discard the failed create first.',
);

export const CREATE_REMOVED = appError(
  'create_removed',
  'This visitor was never created on the server and its create was moved to the archive, so this change cannot be sent. Restore the create from the archive and retry this change, or discard it.',
);
