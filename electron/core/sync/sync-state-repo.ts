import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

type Key = 'cursor' | 'lastSyncTimestamp' | 'lastSyncAt' | 'clientId' | 'runLease';

/** All SQL touching sync_state: the change-feed cursor and friends. */
export class SyncStateRepo {
  private readonly getStmt: Statement<[string], { value: string }>;
  private readonly setStmt: Statement;
  private readonly delStmt: Statement;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM sync_state WHERE key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.delStmt = db.prepare('DELETE FROM sync_state WHERE key = ?');
  }

  get(key: Key): string | null {
    return this.getStmt.get(key)?.value ?? null;
  }

  set(key: Key, value: string | null): void {
    if (value === null) this.delStmt.run(key);
    else this.setStmt.run(key, value);
  }

  /** This console's device id, made once and kept: the server dedupes creates by it. */
  clientId(): string {
    let id = this.get('clientId');
    if (!id) {
      id = randomUUID();
      this.set('clientId', id);
    }
    return id;
  }
}
