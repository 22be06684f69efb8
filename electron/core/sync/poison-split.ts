import type { ApiFailure } from './server-api';

/**
 * Poison isolation: one operation that makes the server refuse its whole chunk
 * (a 5xx, a 400, a timeout or a reset it provokes) must not fail its
 * neighbours. A chunk refused as a whole more than once is split in halves,
 * and halves again, until the operation that provokes it stands alone; only
 * that one goes on to backoff and to failed. The halves go out with the same
 * opIds, so what the server did apply is answered, not applied twice.
 */

/** Refusals that one operation of a chunk can provoke. */
const WHOLE_CHUNK = new Set(['server', 'rejected', 'timeout', 'network', 'bad_response']);
/** Refusals that are as likely the connection as the chunk. */
const CONNECTION = new Set(['network', 'timeout']);

/** An operation as this decision needs it: attempts counted with the one that just failed. */
export interface Attempted {
  attempts: number;
}

/**
 * Whether a refused chunk should be split: more than one operation, a refusal
 * one of them may provoke (not an overloaded server asking to come back
 * later), and either the second refusal (an operation refused before) or one
 * that would fail every operation at once (a 400 is not retried).
 */
export function shouldSplit(ops: readonly Attempted[], error: ApiFailure): boolean {
  if (ops.length < 2 || !WHOLE_CHUNK.has(error.code)) return false;
  if (error.retryAfterMs !== undefined || error.status === 429) return false;
  return !error.retryable || ops.some((op) => op.attempts >= 2);
}

/**
 * One run's splitting. When both halves of a split fail on the connection,
 * it is the connection, not a poison: splitting stops for the rest of the run
 * (a server that is down is not asked 2n times).
 */
export class PoisonSplitter {
  private connectionDown = false;

  decide(ops: readonly Attempted[], error: ApiFailure): boolean {
    return !this.connectionDown && shouldSplit(ops, error);
  }

  /** What each half of a split ended with (null: settled). */
  halvesDone(first: { code: string } | null, second: { code: string } | null): void {
    if (first && second && CONNECTION.has(first.code) && CONNECTION.has(second.code))
      this.connectionDown = true;
  }
}
