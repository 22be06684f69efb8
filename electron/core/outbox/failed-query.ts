import type { Statement } from 'better-sqlite3';
import type { AppError } from '../../../shared/errors';
import type { OutboxRow, OutboxStatus } from '../../../shared/ipc/contract';
import type { Action } from '../../../shared/protocol';
import type { Db } from '../db/open';

interface SqlFailed {
  seq: number;
  op_id: string;
  action: Action;
  local_id: string;
  server_id: string | null;
  data: string | null;
  base_version: number | null;
  op_timestamp: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Read-only: the outbox operations that failed for good (status `failed`),
 * oldest first, each with its last error. Pages by `seq`.
 */
export class FailedOpsQuery {
  private readonly listStmt: Statement<[number, number], SqlFailed>;
  private readonly countStmt: Statement<[], { n: number }>;

  constructor(db: Db) {
    this.listStmt = db.prepare(
      "SELECT * FROM outbox WHERE status = 'failed' AND seq > ? ORDER BY seq LIMIT ?",
    );
    this.countStmt = db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'failed'");
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  list(afterSeq: number, limit: number): OutboxRow[] {
    return this.listStmt.all(afterSeq, limit).map((r) => ({
      seq: r.seq,
      opId: r.op_id,
      action: r.action,
      localId: r.local_id,
      serverId: r.server_id,
      data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
      baseVersion: r.base_version,
      timestamp: r.op_timestamp,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error === null ? null : (JSON.parse(r.last_error) as AppError),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** Every failed operation, read in pages. */
  all(pageSize = 1_000): OutboxRow[] {
    const out: OutboxRow[] = [];
    for (let after = 0; ;) {
      const page = this.list(after, pageSize);
      out.push(...page);
      if (page.length < pageSize) return out;
      after = page.at(-1)!.seq;
    }
  }
}
