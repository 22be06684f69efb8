import { existsSync } from 'node:fs';
import { AppErrorException } from '../../../shared/errors';
import { openDatabase, type Db } from '../db/open';
import { CliError, EXIT, requiredString, type FlagValues } from './args';

export const DB_OPTION = { db: { type: 'string' } } as const;

/** `--db <file>`: required by every command. */
export function dbPathOf(values: FlagValues, usage: string): string {
  return requiredString(values, 'db', usage);
}

/**
 * Opens the local mirror for a command that only reads or edits it: no sync
 * engine is started, so nothing of a sync running in another process (the
 * app, another CLI) is touched. Read-only commands refuse a missing file
 * instead of creating an empty database.
 */
export function openForCommand(path: string, opts: { create: boolean }): Db {
  if (!opts.create && path !== ':memory:' && !existsSync(path))
    throw new CliError(`no database at ${path} (check --db)`, EXIT.error);
  return rethrowOpenError(() => openDatabase(path));
}

/** The database layer's own words (locked, damaged, newer schema…) as a CLI error. */
export function rethrowOpenError<T>(open: () => T): T {
  try {
    return open();
  } catch (err) {
    if (err instanceof AppErrorException) throw new CliError(err.error.message, EXIT.error);
    throw err;
  }
}
