import type { Db } from './open';

/**
 * Runs a write transaction with synchronous=NORMAL instead of the file's FULL.
 * For the sync engine's own bookkeeping only: in WAL mode NORMAL survives a
 * process crash, and what a power cut could lose (an operation marked in
 * flight, a settled result, a pulled page) is simply done again — the
 * operation is resent with the same opId and the server answers with its
 * stored result. What people type is always committed with FULL.
 */
export function relaxed<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
