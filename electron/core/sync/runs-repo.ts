import type { Statement } from 'better-sqlite3';
import type { AppError } from '../../../shared/errors';
import type { SyncRun, SyncRunOutcome } from '../../../shared/ipc/contract';
import type { Db } from '../db/open';

export interface RunCounts {
  pulled: number;
  created: number;
  updated: number;
  deleted: number;
  conflicts: number;
  errors: number;
  retried: number;
  bytesSent: number;
  bytesReceived: number;
}

interface SqlRun {
  id: number;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  outcome: SyncRunOutcome | null;
  pulled: number;
  created: number;
  updated: number;
  deleted: number;
  conflicts: number;
  errors: number;
  retried: number;
  bytes_sent: number;
  bytes_received: number;
  last_error: string | null;
}

function runOf(r: SqlRun): SyncRun {
  return {
    id: r.id,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    pulled: r.pulled,
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    conflicts: r.conflicts,
    errors: r.errors,
    retried: r.retried,
    bytesSent: r.bytes_sent,
    bytesReceived: r.bytes_received,
    lastError: r.last_error === null ? null : (JSON.parse(r.last_error) as AppError),
  };
}

/** All SQL touching sync_runs: the run history. */
export class RunsRepo {
  private readonly startStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly interruptStmt: Statement;
  private readonly recentStmt: Statement<[number], SqlRun>;

  constructor(db: Db) {
    this.startStmt = db.prepare('INSERT INTO sync_runs (trigger, started_at) VALUES (?, ?)');
    this.finishStmt = db.prepare(`
      UPDATE sync_runs SET finished_at = @finished_at, outcome = @outcome, pulled = @pulled,
        created = @created, updated = @updated, deleted = @deleted, conflicts = @conflicts,
        errors = @errors, retried = @retried, bytes_sent = @bytesSent,
        bytes_received = @bytesReceived, last_error = @last_error
      WHERE id = @id`);
    // A run the process did not live to finish.
    this.interruptStmt = db.prepare(
      "UPDATE sync_runs SET outcome = 'interrupted', finished_at = ? WHERE finished_at IS NULL",
    );
    this.recentStmt = db.prepare('SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?');
  }

  start(trigger: string, at: string): number {
    return Number(this.startStmt.run(trigger, at).lastInsertRowid);
  }

  finish(
    id: number,
    at: string,
    outcome: SyncRunOutcome,
    counts: RunCounts,
    lastError: AppError | null,
  ): void {
    this.finishStmt.run({
      id,
      finished_at: at,
      outcome,
      ...counts,
      last_error: lastError ? JSON.stringify(lastError) : null,
    });
  }

  markInterrupted(at: string): number {
    return this.interruptStmt.run(at).changes;
  }

  recent(limit: number): SyncRun[] {
    return this.recentStmt.all(limit).map(runOf);
  }
}
