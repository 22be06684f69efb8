import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { OUTBOX_COLUMNS } from '../outbox/outbox-repo';
import { VISITOR_COLUMNS } from '../visitors/visitors-repo';

export interface BatchRow {
  id: number;
  at: string;
  actor: string;
  description: string;
  count: number;
  undoneAt: string | null;
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
  private readonly captureStmt: Statement<{ batch: number; items: string }>;
  private readonly rangeStmt: Statement<
    { batch: number; before: number; size: number },
    { from_id: number | null; to_id: number | null; n: number }
  >;
  private readonly undoCountStmt: Statement<[number], { n: number }>;
  private readonly discardStmt: Statement<[number]>;
  private readonly blockersStmt: Statement<
    { batch: number; at: string; from: number; to: number },
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
    // Taken before the decisions write (the caller runs it first): the record's row and
    // the operations the decision supersedes, every column, as JSON built inside SQLite.
    this.captureStmt = db.prepare(`
      INSERT INTO resolve_undo (batch_id, conflict_id, local_id, visitor_before, ops_removed, op_added, removed)
      SELECT @batch, x.value ->> '$.c', x.value ->> '$.l',
        (SELECT json_object(${VISITOR_COLUMNS.map((c) => `'${c}', v.${c}`).join(', ')})
          FROM visitors v WHERE v.local_id = x.value ->> '$.l'),
        (SELECT json_group_array(json_object(${OUTBOX_COLUMNS.map((c) => `'${c}', o.${c}`).join(', ')}) ORDER BY o.seq)
          FROM outbox o WHERE o.local_id = x.value ->> '$.l' AND +o.status IN ('pending', 'retrying')),
        x.value ->> '$.o', x.value ->> '$.r'
      FROM json_each(@items) x`);
    // The next `size` of a batch's decisions below `before`, newest first (a seek on the primary
    // key): undo goes through them in this order, each range as large as the last one's pace allows.
    // Not numbered by `(row_number() - 1) / @size`: better-sqlite3 binds numbers as REAL, which made
    // that a real division and every decision a range of its own.
    this.rangeStmt = db.prepare(`
      SELECT min(conflict_id) AS from_id, max(conflict_id) AS to_id, count(*) AS n FROM (
        SELECT conflict_id FROM resolve_undo WHERE batch_id = @batch AND conflict_id < @before
        ORDER BY conflict_id DESC LIMIT @size)`);
    this.undoCountStmt = db.prepare('SELECT count(*) AS n FROM resolve_undo WHERE batch_id = ?');
    // What stands in the way of undoing a batch, counted in SQL over a range of its decisions
    // (a batch can hold 100 000 rows: ~200 ms at 50 000, too long for one step of a job). Each
    // decision counts in the range holding it, a record in the range holding its last decision:
    // the counts of ranges that cover the batch add up to the count over the batch.
    this.blockersStmt = db.prepare(`
      SELECT
        (SELECT count(*) FROM resolve_undo u LEFT JOIN outbox o ON o.op_id = u.op_added
          WHERE u.batch_id = @batch AND u.conflict_id BETWEEN @from AND @to
            AND u.op_added IS NOT NULL
            AND (o.status != 'pending' OR o.attempts > 0
              -- gone: sent and settled, unless a later decision of this apply superseded it
              OR (o.seq IS NULL AND NOT EXISTS (SELECT 1 FROM resolve_undo later
                WHERE later.batch_id = u.batch_id AND later.local_id = u.local_id
                  AND later.conflict_id > u.conflict_id)))) AS sent,
        (SELECT count(DISTINCT u.local_id) FROM resolve_undo u
          LEFT JOIN visitors v ON v.local_id = u.local_id
          WHERE u.batch_id = @batch AND u.conflict_id BETWEEN @from AND @to
            -- the record as the apply left it: its last decision in the batch
            AND NOT EXISTS (SELECT 1 FROM resolve_undo later
              WHERE later.batch_id = u.batch_id AND later.local_id = u.local_id
                AND later.conflict_id > u.conflict_id)
            AND CASE
            -- the apply removed it: it must still be gone
            WHEN u.removed = 1 THEN v.local_id IS NOT NULL
            -- it existed before: it must still be there, as the apply left it
            WHEN u.visitor_before IS NOT NULL THEN v.local_id IS NULL OR v.updated_at != @at
            ELSE 0 END) AS edited`);
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

  /**
   * The undo records of a page of decisions, before they write: `items` is a
   * JSON array of `{ c: conflictId, l: localId, o: opAdded, r: removed }`,
   * each for a different record (a record decided twice is captured again
   * after the first decision wrote, so undo can step back through both).
   */
  captureUndo(batchId: number, items: string): void {
    this.captureStmt.run({ batch: batchId, items });
  }

  /** How many decisions a batch holds undo records of. */
  undoCount(batchId: number): number {
    return this.undoCountStmt.get(batchId)!.n;
  }

  /**
   * The id range of the batch's next `size` decisions (at most) below
   * `beforeId`, newest first, with their count; null when none is left.
   */
  nextUndoRange(
    batchId: number,
    beforeId: number,
    size: number,
  ): { fromId: number; toId: number; count: number } | null {
    const r = this.rangeStmt.get({ batch: batchId, before: beforeId, size })!;
    if (r.n === 0 || r.from_id === null || r.to_id === null) return null;
    return { fromId: r.from_id, toId: r.to_id, count: r.n };
  }

  /**
   * Operations of the batch no longer waiting unsent, and records changed
   * since it was applied (edited, synced or pulled: their updated_at moved);
   * with `range`, only those of its decisions in that id range (a record
   * counts in the range of its last decision in the batch).
   */
  blockers(
    batch: BatchRow,
    range: { fromId: number; toId: number } = { fromId: 0, toId: Number.MAX_SAFE_INTEGER },
  ): { sent: number; edited: number } {
    return this.blockersStmt.get({
      batch: batch.id,
      at: batch.at,
      from: range.fromId,
      to: range.toId,
    })!;
  }
}
