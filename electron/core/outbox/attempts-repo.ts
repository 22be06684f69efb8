import type { Statement } from 'better-sqlite3';
import type { AppError } from '../../../shared/errors';
import type { Db } from '../db/open';

export type AttemptOutcome = 'success' | 'conflict' | 'retry' | 'failed';

/** All SQL touching outbox_attempts: each time an operation went out, and what came of it. */
export class AttemptsRepo {
  private readonly insertStmt: Statement;
  private readonly successesStmt: Statement;

  constructor(db: Db) {
    // A chunk's successes in one statement, in the order given (ids as one by one).
    this.successesStmt = db.prepare(`
      INSERT INTO outbox_attempts (op_id, run_id, chunk, attempted_at, outcome, http_status, error)
      SELECT value, @run_id, @chunk, @at, 'success', @http_status, NULL
      FROM json_each(@op_ids) ORDER BY key`);
    this.insertStmt = db.prepare(`
      INSERT INTO outbox_attempts (op_id, run_id, chunk, attempted_at, outcome, http_status, error)
      VALUES (@op_id, @run_id, @chunk, @at, @outcome, @http_status, @error)`);
  }

  record(a: {
    opId: string;
    runId: number | null;
    chunk: string | null;
    at: string;
    outcome: AttemptOutcome;
    httpStatus: number | null;
    error: AppError | null;
  }): void {
    this.insertStmt.run({
      op_id: a.opId,
      run_id: a.runId,
      chunk: a.chunk,
      at: a.at,
      outcome: a.outcome,
      http_status: a.httpStatus,
      error: a.error ? JSON.stringify(a.error) : null,
    });
  }

  /** The successes of a chunk, one attempt row each, written with one statement. */
  recordSuccesses(
    opIds: readonly string[],
    a: { runId: number | null; chunk: string | null; at: string; httpStatus: number | null },
  ): void {
    if (opIds.length === 0) return;
    this.successesStmt.run({
      op_ids: JSON.stringify(opIds),
      run_id: a.runId,
      chunk: a.chunk,
      at: a.at,
      http_status: a.httpStatus,
    });
  }
}
