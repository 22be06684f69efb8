import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

export interface BatchRow {
  id: number;
  at: string;
  actor: string;
  description: string;
  count: number;
  undoneAt: string | null;
}

/** What one conflict's apply replaced: raw rows, put back as they were by undo. */
export interface UndoRecord {
  conflictId: number;
  localId: string;
  /** The visitor row before (every column), or null when it did not exist. */
  visitorBefore: Record<string, unknown> | null;
  /** Outbox rows the decision superseded (every column). */
  opsRemoved: Record<string, unknown>[];
  /** The operation the decision queued, if any. */
  opAdded: string | null;
  /** The decision removed the visitor row. */
  removed: boolean;
}

interface SqlBatch {
  id: number;
  at: string;
  actor: string;
  description: string;
  count: number;
  undone_at: string | null;
}

const batchOf = (r: SqlBatch): BatchRow => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  description: r.description,
  count: r.count,
  undoneAt: r.undone_at,
});

/** All SQL touching resolve_batches and resolve_undo (the undo log of bulk applies). */
export class BatchesRepo {
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[number, number]>;
  private readonly lastStmt: Statement<[], SqlBatch>;
  private readonly byIdStmt: Statement<[number], SqlBatch>;
  private readonly recentStmt: Statement<[number], SqlBatch>;
  private readonly laterStmt: Statement<[number], { n: number; description: string | null }>;
  private readonly undoneStmt: Statement<[string, number]>;
  private readonly addUndoStmt: Statement;
  private readonly undoRowsStmt: Statement<
    [number],
    {
      conflict_id: number;
      local_id: string;
      visitor_before: string | null;
      ops_removed: string;
      op_added: string | null;
      removed: number;
    }
  >;
  private readonly discardStmt: Statement<[number]>;
  private readonly blockersStmt: Statement<
    { batch: number; at: string },
    { sent: number; edited: number }
  >;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO resolve_batches (at, actor, description, count) VALUES (?, ?, ?, 0)',
    );
    this.countStmt = db.prepare('UPDATE resolve_batches SET count = ? WHERE id = ?');
    this.lastStmt = db.prepare('SELECT * FROM resolve_batches ORDER BY id DESC LIMIT 1');
    this.byIdStmt = db.prepare('SELECT * FROM resolve_batches WHERE id = ?');
    this.recentStmt = db.prepare('SELECT * FROM resolve_batches ORDER BY id DESC LIMIT ?');
    // Records of this batch a later apply (still in force) decided again: that one goes first.
    this.laterStmt = db.prepare(`
      SELECT count(DISTINCT u.local_id) AS n, max(nb.description) AS description
      FROM resolve_undo u
      JOIN resolve_undo n ON n.local_id = u.local_id AND n.batch_id > u.batch_id
      JOIN resolve_batches nb ON nb.id = n.batch_id AND nb.undone_at IS NULL
      WHERE u.batch_id = ?`);
    this.undoneStmt = db.prepare('UPDATE resolve_batches SET undone_at = ? WHERE id = ?');
    this.addUndoStmt = db.prepare(`
      INSERT INTO resolve_undo (batch_id, conflict_id, local_id, visitor_before, ops_removed, op_added, removed)
      VALUES (@batch_id, @conflict_id, @local_id, @visitor_before, @ops_removed, @op_added, @removed)`);
    // What stands in the way of undoing a batch, counted in SQL (a batch can hold 100 000 rows).
    this.blockersStmt = db.prepare(`
      SELECT
        (SELECT count(*) FROM resolve_undo u LEFT JOIN outbox o ON o.op_id = u.op_added
          WHERE u.batch_id = @batch AND u.op_added IS NOT NULL
            AND (o.seq IS NULL OR o.status != 'pending' OR o.attempts > 0)) AS sent,
        (SELECT count(DISTINCT u.local_id) FROM resolve_undo u
          LEFT JOIN visitors v ON v.local_id = u.local_id
          WHERE u.batch_id = @batch AND CASE
            -- the apply removed it: it must still be gone
            WHEN u.removed = 1 THEN v.local_id IS NOT NULL
            -- it existed before: it must still be there, as the apply left it
            WHEN u.visitor_before IS NOT NULL THEN v.local_id IS NULL OR v.updated_at != @at
            ELSE 0 END) AS edited`);
    this.undoRowsStmt = db.prepare(
      'SELECT conflict_id, local_id, visitor_before, ops_removed, op_added, removed FROM resolve_undo WHERE batch_id = ? ORDER BY conflict_id',
    );
    this.discardStmt = db.prepare('DELETE FROM resolve_batches WHERE id = ?');
  }

  create(at: string, actor: string, description: string): number {
    return Number(this.insertStmt.run(at, actor, description).lastInsertRowid);
  }

  /** A batch that applied nothing leaves no trace to undo. */
  discard(id: number): void {
    this.discardStmt.run(id);
  }

  setCount(id: number, count: number): void {
    this.countStmt.run(count, id);
  }

  last(): BatchRow | null {
    const r = this.lastStmt.get();
    return r ? batchOf(r) : null;
  }

  byId(id: number): BatchRow | null {
    const r = this.byIdStmt.get(id);
    return r ? batchOf(r) : null;
  }

  /** Newest first. */
  recent(limit: number): BatchRow[] {
    return this.recentStmt.all(limit).map(batchOf);
  }

  /** Records of the batch that a later apply, not undone, decided again. */
  decidedLater(batchId: number): { n: number; description: string | null } {
    return this.laterStmt.get(batchId)!;
  }

  markUndone(id: number, at: string): void {
    this.undoneStmt.run(at, id);
  }

  addUndo(batchId: number, u: UndoRecord): void {
    this.addUndoStmt.run({
      batch_id: batchId,
      conflict_id: u.conflictId,
      local_id: u.localId,
      visitor_before: u.visitorBefore === null ? null : JSON.stringify(u.visitorBefore),
      ops_removed: JSON.stringify(u.opsRemoved),
      op_added: u.opAdded,
      removed: u.removed ? 1 : 0,
    });
  }

  undoRecords(batchId: number): UndoRecord[] {
    return this.undoRowsStmt.all(batchId).map((r) => ({
      conflictId: r.conflict_id,
      localId: r.local_id,
      visitorBefore:
        r.visitor_before === null
          ? null
          : (JSON.parse(r.visitor_before) as Record<string, unknown>),
      opsRemoved: JSON.parse(r.ops_removed) as Record<string, unknown>[],
      opAdded: r.op_added,
      removed: r.removed === 1,
    }));
  }

  /**
   * Operations of the batch no longer waiting unsent, and records changed
   * since it was applied (edited, synced or pulled: their updated_at moved).
   */
  blockers(batch: BatchRow): { sent: number; edited: number } {
    return this.blockersStmt.get({ batch: batch.id, at: batch.at })!;
  }
}
