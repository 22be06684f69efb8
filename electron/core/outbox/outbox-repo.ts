import type { Statement } from 'better-sqlite3';
import type { OutboxCounts, OutboxRow, OutboxStatus } from '../../../shared/ipc/contract';
import type { Action } from '../../../shared/protocol';
import type { AppError } from '../../../shared/errors';
import type { Db } from '../db/open';
import type { DraftOp, OpenOp } from './coalesce';

interface SqlOp {
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

function rowOf(r: SqlOp): OutboxRow {
  return {
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
  };
}

/** All SQL touching the outbox table. */
export class OutboxRepo {
  private readonly openStmt: Statement<[string], SqlOp>;
  private readonly sentCountStmt: Statement<[string], { n: number }>;
  private readonly insertStmt: Statement;
  private readonly replaceStmt: Statement;
  private readonly removeStmt: Statement;
  private readonly forLocalStmt: Statement<[string], SqlOp>;
  private readonly countsStmt: Statement<[], { action: Action; status: OutboxStatus; n: number }>;

  constructor(db: Db) {
    // "Never sent" = still pending with no attempt: only such an op may be rewritten.
    this.openStmt = db.prepare(
      `SELECT * FROM outbox WHERE local_id = ? AND status = 'pending' AND attempts = 0 ORDER BY seq DESC LIMIT 1`,
    );
    this.sentCountStmt = db.prepare(
      `SELECT count(*) AS n FROM outbox WHERE local_id = ? AND NOT (status = 'pending' AND attempts = 0)`,
    );
    this.insertStmt = db.prepare(`
      INSERT INTO outbox (op_id, action, local_id, server_id, data, base_version, op_timestamp,
        created_at, updated_at)
      VALUES (@op_id, @action, @local_id, @server_id, @data, @base_version, @at, @at, @at)`);
    this.replaceStmt = db.prepare(`
      UPDATE outbox SET action = @action, data = @data, base_version = @base_version,
        op_timestamp = @at, updated_at = @at
      WHERE seq = @seq AND status = 'pending' AND attempts = 0`);
    this.removeStmt = db.prepare(
      `DELETE FROM outbox WHERE seq = ? AND status = 'pending' AND attempts = 0`,
    );
    this.forLocalStmt = db.prepare(`SELECT * FROM outbox WHERE local_id = ? ORDER BY seq`);
    this.countsStmt = db.prepare(
      `SELECT action, status, count(*) AS n FROM outbox GROUP BY action, status`,
    );
  }

  openFor(localId: string): OpenOp | null {
    const r = this.openStmt.get(localId);
    if (!r) return null;
    return {
      seq: r.seq,
      action: r.action,
      data: r.data === null ? null : (JSON.parse(r.data) as DraftOp['data']),
      baseVersion: r.base_version,
    };
  }

  sentCount(localId: string): number {
    return this.sentCountStmt.get(localId)!.n;
  }

  insert(opId: string, localId: string, serverId: string | null, draft: DraftOp, at: string): void {
    this.insertStmt.run({
      op_id: opId,
      action: draft.action,
      local_id: localId,
      server_id: serverId,
      data: draft.data === null ? null : JSON.stringify(draft.data),
      base_version: draft.baseVersion,
      at,
    });
  }

  replace(seq: number, draft: DraftOp, at: string): void {
    const { changes } = this.replaceStmt.run({
      seq,
      action: draft.action,
      data: draft.data === null ? null : JSON.stringify(draft.data),
      base_version: draft.baseVersion,
      at,
    });
    if (changes !== 1)
      throw new Error(`outbox op ${seq} was sent meanwhile and cannot be rewritten`);
  }

  remove(seq: number): void {
    const { changes } = this.removeStmt.run(seq);
    if (changes !== 1) throw new Error(`outbox op ${seq} was sent meanwhile and cannot be removed`);
  }

  forVisitor(localId: string): OutboxRow[] {
    return this.forLocalStmt.all(localId).map(rowOf);
  }

  counts(): OutboxCounts {
    const c: OutboxCounts = {
      total: 0,
      create: 0,
      update: 0,
      delete: 0,
      pending: 0,
      inFlight: 0,
      retrying: 0,
      failed: 0,
    };
    for (const { action, status, n } of this.countsStmt.all()) {
      c.total += n;
      c[action] += n;
      c[status === 'in_flight' ? 'inFlight' : status] += n;
    }
    return c;
  }
}
