import type { Statement } from 'better-sqlite3';
import type { AppError } from '../../../shared/errors';
import type { Db } from '../db/open';

export type AttemptOutcome = 'success' | 'conflict' | 'retry' | 'failed';

/** All SQL touching outbox_attempts: each time an operation went out, and what came of it. */
export class AttemptsRepo {
  private readonly insertStmt: Statement;

  constructor(db: Db) {
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
}
