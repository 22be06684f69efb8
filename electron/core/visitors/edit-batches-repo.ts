import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

export interface EditBatch {
  id: number;
  at: string;
  description: string;
  field: string;
  count: number;
  undoneAt: string | null;
}

/** One visitor a bulk edit changed: the field before and after, and the operation carrying it. */
export interface EditUndoRow {
  localId: string;
  before: unknown;
  after: unknown;
  opSeq: number | null;
}

interface SqlBatch {
  id: number;
  at: string;
  description: string;
  field: string;
  count: number;
  undone_at: string | null;
}

const batchOf = (r: SqlBatch): EditBatch => ({
  id: r.id,
  at: r.at,
  description: r.description,
  field: r.field,
  count: r.count,
  undoneAt: r.undone_at,
});

/** All SQL touching visitor_edit_batches and visitor_edit_undo (the undo log of bulk edits). */
export class EditBatchesRepo {
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[number, number]>;
  private readonly lastStmt: Statement<[], SqlBatch>;
  private readonly byIdStmt: Statement<[number], SqlBatch>;
  private readonly undoStmt: Statement;
  private readonly rowsStmt: Statement<
    [number],
    { local_id: string; before: string; after: string; op_seq: number | null }
  >;
  private readonly undoneStmt: Statement<[string, number]>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO visitor_edit_batches (at, description, field, count) VALUES (?, ?, ?, 0)',
    );
    this.countStmt = db.prepare('UPDATE visitor_edit_batches SET count = ? WHERE id = ?');
    this.lastStmt = db.prepare(
      'SELECT * FROM visitor_edit_batches WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1',
    );
    this.byIdStmt = db.prepare('SELECT * FROM visitor_edit_batches WHERE id = ?');
    this.undoStmt = db.prepare(
      `INSERT INTO visitor_edit_undo (batch_id, local_id, before, after, op_seq)
       VALUES (@batch, @localId, @before, @after, @opSeq)`,
    );
    this.rowsStmt = db.prepare(
      'SELECT local_id, before, after, op_seq FROM visitor_edit_undo WHERE batch_id = ? ORDER BY local_id',
    );
    this.undoneStmt = db.prepare('UPDATE visitor_edit_batches SET undone_at = ? WHERE id = ?');
  }

  add(at: string, description: string, field: string): number {
    return Number(this.insertStmt.run(at, description, field).lastInsertRowid);
  }

  setCount(id: number, count: number): void {
    this.countStmt.run(count, id);
  }

  addUndo(batch: number, row: EditUndoRow): void {
    this.undoStmt.run({
      batch,
      localId: row.localId,
      before: JSON.stringify(row.before),
      after: JSON.stringify(row.after),
      opSeq: row.opSeq,
    });
  }

  /** The newest bulk edit not undone yet. */
  last(): EditBatch | undefined {
    const r = this.lastStmt.get();
    return r && batchOf(r);
  }

  byId(id: number): EditBatch | undefined {
    const r = this.byIdStmt.get(id);
    return r && batchOf(r);
  }

  undoRows(batch: number): EditUndoRow[] {
    return this.rowsStmt.all(batch).map((r) => ({
      localId: r.local_id,
      before: JSON.parse(r.before) as unknown,
      after: JSON.parse(r.after) as unknown,
      opSeq: r.op_seq,
    }));
  }

  markUndone(id: number, at: string): void {
    this.undoneStmt.run(at, id);
  }
}
