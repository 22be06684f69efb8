import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

const COLUMNS = 'name, company, email, title, phone, interests, notes';

/** Which of the visitors' keys a bulk step names its rows by. */
export type RowKey = 'local_id' | 'server_id';

/**
 * The visitors' search index (visitors_fts) kept in step by a bulk writer in
 * one statement per step instead of by the row triggers, which cost several
 * times as much (the numbers are in migration 13): the index entries of the
 * rows the step may touch are taken out before it, the triggers are paused
 * while it writes, and the entries of those rows as they then stand go back
 * in. It runs inside the caller's transaction, so a rollback takes all of it
 * back, and no other connection ever sees the triggers paused. Only rows on
 * show (deleted = 0) are in the index, as with the triggers.
 */
export class SearchIndex {
  private readonly takeOut: Record<RowKey, Statement<[string]>>;
  private readonly putBack: Record<RowKey, Statement<[string]>>;
  private readonly pause: Statement;
  private readonly resume: Statement;

  constructor(private readonly db: Db) {
    const rows = (key: RowKey) => `${key} IN (SELECT value FROM json_each(?)) AND deleted = 0`;
    const out = (key: RowKey) =>
      db.prepare<[string]>(`INSERT INTO visitors_fts (visitors_fts, rowid, ${COLUMNS})
        SELECT 'delete', rowid, ${COLUMNS} FROM visitors WHERE ${rows(key)}`);
    const back = (key: RowKey) =>
      db.prepare<[string]>(`INSERT INTO visitors_fts (rowid, ${COLUMNS})
        SELECT rowid, ${COLUMNS} FROM visitors WHERE ${rows(key)}`);
    this.takeOut = { local_id: out('local_id'), server_id: out('server_id') };
    this.putBack = { local_id: back('local_id'), server_id: back('server_id') };
    this.pause = db.prepare('INSERT INTO visitors_fts_paused (one) VALUES (1)');
    this.resume = db.prepare('DELETE FROM visitors_fts_paused');
  }

  /**
   * Runs `write`, which may insert, change or delete only visitors named by
   * `ids` (by `key`), with the index brought up to date for them afterwards.
   * Must run inside a transaction.
   */
  bulk<T>(key: RowKey, ids: readonly string[], write: () => T): T {
    if (!this.db.inTransaction) throw new Error('SearchIndex.bulk runs inside a transaction');
    const json = JSON.stringify(ids);
    this.takeOut[key].run(json);
    this.pause.run();
    let result: T;
    try {
      result = write();
    } finally {
      this.resume.run();
    }
    this.putBack[key].run(json);
    return result;
  }
}
