import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

/** What the audit trail records: every decision an operator took on the data. */
export type AuditAction =
  | 'resolve'
  | 'undo_resolve'
  | 'discard'
  | 'retry'
  | 'edit_retry'
  | 'export'
  /** Written before "purge exported" archived instead of deleting; still read in old trails. */
  | 'purge'
  | 'archive_exported'
  | 'to_conflict'
  | 'restore'
  | 'archive_export'
  | 'archive_purge';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  localId: string | null;
  serverId: string | null;
  conflictId: number | null;
  opId: string | null;
  batchId: number | null;
  detail: unknown;
  before: unknown;
  after: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

interface SqlAudit {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  local_id: string | null;
  server_id: string | null;
  conflict_id: number | null;
  op_id: string | null;
  batch_id: number | null;
  detail: string | null;
  before: string | null;
  after: string | null;
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));
const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v);

function entryOf(r: SqlAudit): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    localId: r.local_id,
    serverId: r.server_id,
    conflictId: r.conflict_id,
    opId: r.op_id,
    batchId: r.batch_id,
    detail: parse(r.detail),
    before: parse(r.before),
    after: parse(r.after),
  };
}

/** All SQL touching the audit table. Rows are only ever added: the trail is not edited. */
export class AuditRepo {
  private readonly insertStmt: Statement;
  private readonly byLocalStmt: Statement<[string, number], SqlAudit>;
  private readonly afterStmt: Statement<[number, number], SqlAudit>;

  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO audit (at, actor, action, local_id, server_id, conflict_id, op_id, batch_id,
        detail, before, after)
      VALUES (@at, @actor, @action, @local_id, @server_id, @conflict_id, @op_id, @batch_id,
        @detail, @before, @after)`);
    this.byLocalStmt = db.prepare(
      'SELECT * FROM audit WHERE local_id = ? ORDER BY id DESC LIMIT ?',
    );
    this.afterStmt = db.prepare('SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?');
  }

  /** Call inside the transaction that makes the change, so the trail and the data agree. */
  add(e: NewAuditEntry): void {
    this.insertStmt.run({
      at: e.at,
      actor: e.actor,
      action: e.action,
      local_id: e.localId,
      server_id: e.serverId,
      conflict_id: e.conflictId,
      op_id: e.opId,
      batch_id: e.batchId,
      detail: text(e.detail),
      before: text(e.before),
      after: text(e.after),
    });
  }

  /** The `undo_resolve` rows of a batch's decisions in [fromId, toId], newest first. */
  addUndone(e: {
    at: string;
    actor: string;
    batchId: number;
    fromId: number;
    toId: number;
    detail: unknown;
  }): void {
    this.lazy(
      `
      INSERT INTO audit (at, actor, action, local_id, server_id, conflict_id, op_id, batch_id,
        detail, before, after)
      SELECT @at, @actor, 'undo_resolve', u.local_id, c.server_id, u.conflict_id, u.op_added,
        @batch, @detail, NULL, NULL
      FROM resolve_undo u LEFT JOIN conflicts c ON c.id = u.conflict_id
      WHERE u.batch_id = @batch AND u.conflict_id BETWEEN @from AND @to
      ORDER BY u.conflict_id DESC`,
    ).run({
      at: e.at,
      actor: e.actor,
      batch: e.batchId,
      from: e.fromId,
      to: e.toId,
      detail: text(e.detail),
    });
  }

  private lazy(sql: string): Statement {
    let stmt = this.stmts.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.stmts.set(sql, stmt);
    }
    return stmt;
  }

  /** Newest first. */
  forVisitor(localId: string, limit = 200): AuditEntry[] {
    return this.byLocalStmt.all(localId, limit).map(entryOf);
  }

  /** Everything, oldest first, in pages (for the CSV export). */
  *all(pageSize = 5_000): Generator<AuditEntry> {
    let after = 0;
    for (;;) {
      const rows = this.afterStmt.all(after, pageSize);
      for (const r of rows) yield entryOf(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }
}
