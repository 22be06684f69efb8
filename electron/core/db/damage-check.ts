import Database from 'better-sqlite3';
import { AppErrorException, appError } from '../../../shared/errors';

const DAMAGE = /^SQLITE_(CORRUPT|NOTADB|IOERR)/;

/** SQLite's ways of saying a page, or the whole file, cannot be read as what it should be. */
export function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DAMAGE.test(code);
}

/**
 * SQLite's own quick check of a database file (PRAGMA quick_check: every page
 * of every b-tree, not the indexes against their tables), on a read-only
 * connection: [] when it reads whole, else what SQLite found, in its words.
 * A damaged page is otherwise only noticed when something reads it, maybe
 * halfway through a sync. About 0.9 s at 200 000 visitors (docs/reliability.md).
 */
export function quickCheck(path: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).filter((s) => s !== 'ok');
  } catch (err) {
    if (isDamage(err)) return [(err as Error).message];
    throw err;
  } finally {
    db?.close();
  }
}

/** The words for a damaged file, and what to do: rebuild from the server, keeping unsynced edits. */
export function damagedFileError(path: string, findings: readonly string[]) {
  const first = findings[0] ?? 'it cannot be read';
  return appError(
    'db_corrupt',
    `The database file ${path} is damaged (SQLite: ${first}${findings.length > 1 ? `, and ${findings.length - 1} more` : ''}). Nothing was sent or changed. Rebuild it from the server, keeping the edits that were not synced yet: npm run cli -- rebuild --db ${JSON.stringify(path)} --server <url> (the damaged file is kept beside it).`,
  );
}

/** Refuses a damaged file in words before any work starts on it. */
export function assertReadable(path: string): void {
  const findings = quickCheck(path);
  if (findings.length > 0) throw new AppErrorException(damagedFileError(path, findings));
}
