import Database from 'better-sqlite3';
import { AppErrorException, appError } from '../../../shared/errors';
import { migrate } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the local mirror and brings its schema up to date.
 * WAL for concurrent reads while syncing; synchronous=FULL because these are
 * edits people typed and a power cut must not lose acknowledged ones (docs/measured-facts.md).
 */
export function openDatabase(file: string): Db {
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Reading the schema is the first real read: a file that is not a database fails here.
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw new AppErrorException(describeOpenError(err, file));
  }
}

/**
 * A second, read-only connection to the same file, for what the window reads:
 * in WAL mode it reads the last committed state while the writing connection
 * holds a long transaction, so paging never waits for a bulk job (and never
 * sees its uncommitted work). Open it after openDatabase has migrated the file.
 */
export function openReader(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

function describeOpenError(err: unknown, file: string) {
  if (err instanceof AppErrorException) return err.error;
  const code = (err as { code?: string }).code ?? '';
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return appError(
        'db_corrupt',
        `The database file ${file} is damaged or is not a console database (${detail}). Rebuild it from the server (the console keeps the damaged file and the edits it can still read from it), restore it from a backup, or choose another file.`,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return appError(
        'db_locked',
        `The database file ${file} is in use by another program. Close the other console window and try again.`,
        true,
      );
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return appError(
        'db_cannot_open',
        `The database file ${file} cannot be opened for writing (${detail}). Check the folder exists and you may write to it.`,
      );
    case 'SQLITE_FULL':
      return appError(
        'db_disk_full',
        `The disk holding ${file} is full. Free some space and try again.`,
        true,
      );
    default:
      return appError('db_open_failed', `The database file ${file} could not be opened: ${detail}`);
  }
}
