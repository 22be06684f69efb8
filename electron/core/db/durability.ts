import type { Db } from './open';
import type { WriteGate } from './write-gate';

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

/**
 * One `relaxed` write transaction held open across the turns of the event
 * loop that `work` gives back, so a long write leaves the thread free for
 * reads (on their own connection, which see the last commit) without paying
 * for many small commits. With a write gate, it holds the gate meanwhile:
 * another write waits for the commit instead of landing inside it. Rolled
 * back whole if `work` throws (or the process dies).
 */
export async function relaxedAcrossTurns<T>(
  db: Db,
  gate: WriteGate | null,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const run = async () => {
    db.pragma('synchronous = NORMAL');
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    } finally {
      db.pragma('synchronous = FULL');
    }
  };
  return gate ? gate.hold(label, run) : run();
}
