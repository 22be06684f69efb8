import { openSqliteStore } from './sqlite';
import type { VisitorStore, WriteRetry } from './types';

/** A PostgreSQL URL, as `--db` takes it. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

export interface OpenStoreOptions {
  /** SQLite file, ":memory:", or postgres://… */
  db: string;
  synchronous?: 'FULL' | 'NORMAL';
  pgPoolSize?: number;
  /** The server's clock (PostgreSQL marks each write transaction with a time from it). */
  now?: () => number;
  /** PostgreSQL: a write unit is run again after a clash with another writer (for the log). */
  onRetry?: (retry: WriteRetry) => void;
}

/**
 * The storage `--db` names. The PostgreSQL backend (and the `pg` client) is
 * loaded only when asked for, so the embedded SQLite server (the app's demo)
 * never loads it.
 */
export async function openStore(options: OpenStoreOptions): Promise<VisitorStore> {
  if (isPostgresUrl(options.db)) {
    const { openPostgresStore } = await import('./postgres');
    return openPostgresStore({
      url: options.db,
      ...(options.pgPoolSize !== undefined ? { poolSize: options.pgPoolSize } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  }
  return openSqliteStore({
    path: options.db,
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
  });
}
