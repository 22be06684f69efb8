import type { Statement } from 'better-sqlite3';
import type { PairToRemember, RememberedValue } from '../../../shared/resolve/remembered';
import type { VisitorField } from '../../../shared/visitor';
import type { Db } from '../db/open';

interface SqlRemembered {
  id: number;
  pair_key: string;
  field: VisitorField;
  ours: string;
  theirs: string;
  result: string;
  uses: number;
  at: string;
}

const valueOf = (r: SqlRemembered): RememberedValue => ({
  id: r.id,
  field: r.field,
  ours: JSON.parse(r.ours) as unknown,
  theirs: JSON.parse(r.theirs) as unknown,
  result: JSON.parse(r.result) as unknown,
  uses: r.uses,
  at: r.at,
});

/** All SQL touching remembered_values (results of settled field pairs, as rerere). */
export class RememberedRepo {
  private readonly upsertStmt: Statement;
  private readonly byKeysStmt: Statement<[string], SqlRemembered>;
  private readonly allStmt: Statement<[number], SqlRemembered>;
  private readonly forgetStmt: Statement<[number]>;
  private readonly forgetBatchStmt: Statement<[number]>;

  constructor(db: Db) {
    // The latest decision on a pair is the one remembered.
    this.upsertStmt = db.prepare(`
      INSERT INTO remembered_values (pair_key, field, ours, theirs, result, batch_id, at)
      VALUES (@key, @field, @ours, @theirs, @result, @batch_id, @at)
      ON CONFLICT (pair_key) DO UPDATE SET result = excluded.result, batch_id = excluded.batch_id,
        at = excluded.at, uses = uses + 1`);
    this.byKeysStmt = db.prepare(
      'SELECT * FROM remembered_values WHERE pair_key IN (SELECT value FROM json_each(?))',
    );
    this.allStmt = db.prepare('SELECT * FROM remembered_values ORDER BY at DESC, id DESC LIMIT ?');
    this.forgetStmt = db.prepare('DELETE FROM remembered_values WHERE id = ?');
    this.forgetBatchStmt = db.prepare('DELETE FROM remembered_values WHERE batch_id = ?');
  }

  remember(pairs: readonly PairToRemember[], batchId: number | null, at: string): void {
    for (const p of pairs)
      this.upsertStmt.run({
        key: p.key,
        field: p.field,
        ours: JSON.stringify(p.ours),
        theirs: JSON.stringify(p.theirs),
        result: JSON.stringify(p.result),
        batch_id: batchId,
        at,
      });
  }

  /** The remembered results for some pair keys, by key. */
  lookup(keys: readonly string[]): Map<string, RememberedValue> {
    if (keys.length === 0) return new Map();
    const rows = this.byKeysStmt.all(JSON.stringify(keys));
    return new Map(rows.map((r) => [r.pair_key, valueOf(r)]));
  }

  list(limit = 1_000): RememberedValue[] {
    return this.allStmt.all(limit).map(valueOf);
  }

  forget(id: number): boolean {
    return this.forgetStmt.run(id).changes === 1;
  }

  /** An undone apply forgets what it taught. */
  forgetBatch(batchId: number): void {
    this.forgetBatchStmt.run(batchId);
  }
}
