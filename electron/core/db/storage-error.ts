import { appError, type AppError } from '../../../shared/errors';

/**
 * What the disk or SQLite said, in words a person can act on. A full disk or a
 * read-only file is not a bug of the console: it is named, and the person is
 * told what to do, instead of a stack trace or a bare "internal error".
 */
export function storageError(err: unknown): AppError | null {
  if (!(err instanceof Error)) return null;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT')
    return appError(
      'disk_full',
      'The disk holding the console database is full. Free some space (or move the database to a larger disk) and try again; nothing that was already saved is lost.',
      true,
    );
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'EROFS')
    return appError(
      'read_only',
      'The console database cannot be written (the file or its disk is read-only). Check the file permissions, then try again.',
      true,
    );
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'EIO')
    return appError(
      'disk_error',
      'The disk reported an error while the console database was being written. Check the disk, then try again.',
      true,
    );
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return appError(
      'database_damaged',
      'The console database file is damaged. Rebuild it from the server, keeping the edits not synced yet (Rebuild on the console’s damaged-database screen, or npm run cli -- rebuild), or restore it from a backup.',
      false,
    );
  return null;
}

/** Any error a run did not expect, as a value: the storage's words when it is that, else a plain note. */
export function unexpectedError(err: unknown): AppError {
  return (
    storageError(err) ??
    appError(
      'internal',
      `The sync stopped on an unexpected error: ${err instanceof Error ? err.message : String(err)}. What went through is kept; the next sync goes on from there.`,
      true,
    )
  );
}
