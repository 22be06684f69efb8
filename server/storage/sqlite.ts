import Database from 'better-sqlite3';
import type { OperationResult } from '../../shared/protocol';
import type { VisitorValues } from '../../shared/visitor';
import {
  TransientStoreError,
  type ChangeQuery,
  type ChangeRows,
  type FieldVersions,
  type StoreStats,
  type StoreTx,
  type StoredVisitor,
  type VisitorSnapshot,
  type VisitorStore,
  type VisitorWrite,
} from './types';

/**
 * The SQLite backend (better-sqlite3). One connection, WAL, one write
 * transaction per request with a savepoint per operation. Statements are
 * prepared once; rows are written in id order by the callers where they can
 * (FACTS.md: random-order inserts are 2-4x slower).
 */

export interface SqliteStoreOptions {
  /** A file path or ":memory:". */
  path: string;
  /** FULL by default: these are records people typed (FACTS.md). */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How long a statement waits for another process's lock. better-sqlite3
   * blocks the event loop while it waits, so keep it short; a busy database
   * becomes a 503 / retryable error instead.
   */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS visitors (
  id TEXT PRIMARY KEY NOT NULL,
  seq INTEGER NOT NULL,
  version INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  company TEXT,
  email TEXT,
  title TEXT,
  phone TEXT,
  interests TEXT NOT NULL,
  notes TEXT,
  capture_method TEXT,
  captured_at TEXT,
  field_versions TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS visitors_by_seq ON visitors (seq);
CREATE TABLE IF NOT EXISTS visitor_history (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (id, version)
) WITHOUT ROWID;
-- Results of applied operations by idempotency key. Keys are client uuids,
-- i.e. random: a TEXT primary key made every insert dirty a random page of a
-- wide b-tree (3x slower than the visitor insert itself). Rows are appended
-- instead, found through a narrow index on a 53-bit hash of the key.
CREATE TABLE IF NOT EXISTS applied_ops (
  id INTEGER PRIMARY KEY,
  key_hash INTEGER NOT NULL,
  key TEXT NOT NULL,
  result TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS applied_ops_by_hash ON applied_ops (key_hash);
-- For each lastModified value written, a seq at or below the first row written
-- with it. "Changed after time T" then starts at MIN(first_seq) over ms > T
-- instead of scanning the whole feed (an index on last_modified_ms would cost
-- every insert ~25 %; this costs one row per write transaction).
CREATE TABLE IF NOT EXISTS change_marks (
  ms INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL
);
`;

/** cyrb53: a fast 53-bit string hash (fits a JS number and a SQLite INTEGER). */
export function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

interface VisitorRow {
  id: string;
  seq: number;
  version: number;
  last_modified_ms: number;
  deleted: number;
  name: string;
  company: string | null;
  email: string | null;
  title: string | null;
  phone: string | null;
  interests: string;
  notes: string | null;
  capture_method: string | null;
  captured_at: string | null;
  field_versions: string;
}

interface HistoryRow {
  id: string;
  version: number;
  last_modified_ms: number;
  deleted: number;
  data: string;
}

function rowToValues(r: VisitorRow): VisitorValues {
  return {
    name: r.name,
    company: r.company,
    email: r.email,
    title: r.title,
    phone: r.phone,
    interests: JSON.parse(r.interests) as string[],
    notes: r.notes,
    captureMethod: r.capture_method,
    capturedAt: r.captured_at,
  };
}

function rowToStored(r: VisitorRow): StoredVisitor {
  return {
    id: r.id,
    values: rowToValues(r),
    version: r.version,
    lastModifiedMs: r.last_modified_ms,
    deleted: r.deleted === 1,
    fieldVersions: JSON.parse(r.field_versions) as FieldVersions,
    seq: r.seq,
  };
}

function storedToSnapshot(s: StoredVisitor): VisitorSnapshot {
  return {
    id: s.id,
    values: s.values,
    version: s.version,
    lastModifiedMs: s.lastModifiedMs,
    deleted: s.deleted,
  };
}

function historyToSnapshot(h: HistoryRow): VisitorSnapshot {
  return {
    id: h.id,
    values: JSON.parse(h.data) as VisitorValues,
    version: h.version,
    lastModifiedMs: h.last_modified_ms,
    deleted: h.deleted === 1,
  };
}

function writeParams(w: VisitorWrite, seq: number): unknown[] {
  const v = w.values;
  return [
    seq,
    w.version,
    w.lastModifiedMs,
    w.deleted ? 1 : 0,
    v.name,
    v.company,
    v.email,
    v.title,
    v.phone,
    JSON.stringify(v.interests),
    v.notes,
    v.captureMethod,
    v.capturedAt,
    JSON.stringify(w.fieldVersions),
    w.id,
  ];
}

const TRANSIENT_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|PROTOCOL|NOMEM)/;

/** Turns SQLite's "try again later" failures into TransientStoreError. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof TransientStoreError) return error;
  if (error instanceof Database.SqliteError && TRANSIENT_CODES.test(error.code)) {
    const busy = /BUSY|LOCKED/.test(error.code);
    return new TransientStoreError(
      busy ? 'database_busy' : 'storage_unavailable',
      busy
        ? 'the database is busy; try again'
        : `the database is unavailable (${error.code}); try again`,
      { cause: error },
    );
  }
  return error;
}

function prepareStatements(db: Database.Database) {
  const cols =
    'seq = ?, version = ?, last_modified_ms = ?, deleted = ?, name = ?, company = ?, email = ?, title = ?, phone = ?, interests = ?, notes = ?, capture_method = ?, captured_at = ?, field_versions = ?';
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    beginRead: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    get: db.prepare<[string], VisitorRow>('SELECT * FROM visitors WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO visitors (seq, version, last_modified_ms, deleted, name, company, email, title, phone, interests, notes, capture_method, captured_at, field_versions, id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare(`UPDATE visitors SET ${cols} WHERE id = ?`),
    archive: db.prepare(
      'INSERT OR REPLACE INTO visitor_history (id, version, last_modified_ms, deleted, data) VALUES (?, ?, ?, ?, ?)',
    ),
    historyAt: db.prepare<[string, number], HistoryRow>(
      'SELECT * FROM visitor_history WHERE id = ? AND version = ?',
    ),
    historyBefore: db.prepare<[string, number], HistoryRow>(
      'SELECT * FROM visitor_history WHERE id = ? AND last_modified_ms <= ? ORDER BY version DESC LIMIT 1',
    ),
    changes: db.prepare<[number, number], VisitorRow>(
      'SELECT * FROM visitors WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    changesSince: db.prepare<[number, number, number], VisitorRow>(
      'SELECT * FROM visitors WHERE seq > ? AND last_modified_ms > ? ORDER BY seq LIMIT ?',
    ),
    headSeq: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(seq), 0) AS head FROM visitors'),
    mark: db.prepare(
      'INSERT INTO change_marks (ms, first_seq) VALUES (?, ?) ON CONFLICT (ms) DO UPDATE SET first_seq = MIN(first_seq, excluded.first_seq)',
    ),
    markFloor: db.prepare<[number], { seq: number | null }>(
      'SELECT MIN(first_seq) AS seq FROM change_marks WHERE ms > ?',
    ),
    markCount: db.prepare<[], number>('SELECT COUNT(*) FROM change_marks').pluck(),
    rebuildMarks: db.prepare(
      'INSERT OR REPLACE INTO change_marks (ms, first_seq) SELECT last_modified_ms, MIN(seq) FROM visitors GROUP BY last_modified_ms',
    ),
    maxModified: db.prepare<[], { m: number }>(
      'SELECT COALESCE(MAX(last_modified_ms), 0) AS m FROM visitors',
    ),
    applied: db.prepare<[number], { key: string; result: string }>(
      'SELECT key, result FROM applied_ops WHERE key_hash = ?',
    ),
    recordApplied: db.prepare(
      'INSERT INTO applied_ops (key_hash, key, result, at_ms) VALUES (?, ?, ?, ?)',
    ),
    liveIds: db
      .prepare<[], string>('SELECT id FROM visitors WHERE deleted = 0 ORDER BY id')
      .pluck(),
    liveRange: db.prepare<[string, number], VisitorRow>(
      'SELECT * FROM visitors WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?',
    ),
    counts: db.prepare<[], { live: number; dead: number }>(
      'SELECT COALESCE(SUM(deleted = 0), 0) AS live, COALESCE(SUM(deleted = 1), 0) AS dead FROM visitors',
    ),
    historyCount: db.prepare<[], number>('SELECT COUNT(*) FROM visitor_history').pluck(),
    appliedCount: db.prepare<[], number>('SELECT COUNT(*) FROM applied_ops').pluck(),
    pruneApplied: db.prepare<[number]>('DELETE FROM applied_ops WHERE at_ms < ?'),
    ping: db.prepare('SELECT 1'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Serializes units of work on the single connection. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export class SqliteVisitorStore implements VisitorStore {
  readonly description: string;
  private readonly db: Database.Database;
  private readonly queue = new Queue();
  private lastSeq: number;
  /** Marks of the open write transaction: ms -> lowest seq written with it. */
  private readonly pendingMarks = new Map<number, number>();
  private savepointDepth = 0;
  private closed = false;
  private readonly tx: StoreTx;
  private readonly s: Statements;
  private readonly savepointStatements: Array<{
    open: Database.Statement;
    release: Database.Statement;
    undo: Database.Statement;
  }> = [];

  constructor(options: SqliteStoreOptions) {
    this.description = `sqlite:${options.path}`;
    this.db = new Database(options.path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 200))}`);
      this.db.pragma('temp_store = MEMORY');
      this.db.pragma('cache_size = -32000');
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(
          `${options.path} has schema version ${version}; this server knows ${SCHEMA_VERSION}`,
        );
      }
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      this.db.close();
      throw error;
    }

    this.s = prepareStatements(this.db);
    this.lastSeq = this.s.headSeq.get()?.head ?? 0;
    // Marks are derivable from the rows: rebuild them if a file has none.
    if (this.lastSeq > 0 && this.s.markCount.get() === 0) this.s.rebuildMarks.run();
    this.tx = this.makeTx();
  }

  private makeTx(): StoreTx {
    const s = this.s;
    const get = (id: string): StoredVisitor | null => {
      const row = s.get.get(id);
      return row ? rowToStored(row) : null;
    };
    const headSeq = (): number => s.headSeq.get()?.head ?? 0;
    return {
      get: async (id) => get(id),
      snapshot: async (id, version) => {
        const current = get(id);
        if (current && current.version === version) return storedToSnapshot(current);
        const row = s.historyAt.get(id, version);
        return row ? historyToSnapshot(row) : null;
      },
      snapshotAt: async (id, atMs) => {
        const current = get(id);
        if (!current) return null;
        if (current.lastModifiedMs <= atMs) return storedToSnapshot(current);
        const row = s.historyBefore.get(id, atMs);
        return row ? historyToSnapshot(row) : null;
      },
      insert: async (record) => {
        const seq = ++this.lastSeq;
        this.noteMark(record.lastModifiedMs, seq);
        s.insert.run(...writeParams(record, seq));
        return { ...record, seq };
      },
      replace: async (next, previous) => {
        s.archive.run(
          previous.id,
          previous.version,
          previous.lastModifiedMs,
          previous.deleted ? 1 : 0,
          JSON.stringify(previous.values),
        );
        const seq = ++this.lastSeq;
        this.noteMark(next.lastModifiedMs, seq);
        s.update.run(...writeParams(next, seq));
        return { ...next, seq };
      },
      changes: async (query: ChangeQuery): Promise<ChangeRows> => {
        const head = headSeq();
        // A point with a transaction id comes from a PostgreSQL-backed server.
        if (query.after.tx !== undefined || query.after.seq > head) {
          return { rows: [], hasMore: false, head: { seq: head }, ahead: true };
        }
        const afterSeq = query.after.seq;
        let rows: VisitorRow[];
        if (query.sinceMs === null) {
          rows = s.changes.all(afterSeq, query.limit + 1);
        } else {
          this.flushMarks(); // this transaction's own writes count too
          const floor = s.markFloor.get(query.sinceMs)?.seq ?? null;
          rows =
            floor === null
              ? [] // nothing was written after sinceMs
              : s.changesSince.all(Math.max(afterSeq, floor - 1), query.sinceMs, query.limit + 1);
        }
        const hasMore = rows.length > query.limit;
        if (hasMore) rows.length = query.limit;
        return { rows: rows.map(rowToStored), hasMore, head: { seq: head }, ahead: false };
      },
      appliedResult: async (key) => {
        // Hash collisions are possible in principle: compare the full key.
        for (const row of s.applied.all(keyHash(key))) {
          if (row.key === key) return JSON.parse(row.result) as OperationResult;
        }
        return null;
      },
      recordApplied: async (key, result, atMs) => {
        s.recordApplied.run(keyHash(key), key, JSON.stringify(result), atMs);
      },
      pruneApplied: async (beforeMs) => s.pruneApplied.run(beforeMs).changes,
      savepoint: async <T>(fn: () => Promise<T>): Promise<T> => {
        const sp = this.savepointAt(this.savepointDepth++);
        sp.open.run();
        try {
          const result = await fn();
          sp.release.run();
          return result;
        } catch (error) {
          if (this.db.inTransaction) {
            sp.undo.run();
            sp.release.run();
          }
          throw toStoreError(error);
        } finally {
          this.savepointDepth--;
        }
      },
      liveIds: async () => s.liveIds.all(),
      liveRange: async (after, limit) => s.liveRange.all(after ?? '', limit).map(rowToStored),
      stats: async (): Promise<StoreStats> => {
        const c = s.counts.get() ?? { live: 0, dead: 0 };
        return {
          visitors: c.live,
          tombstones: c.dead,
          historyRows: s.historyCount.get() ?? 0,
          appliedOps: s.appliedCount.get() ?? 0,
          headSeq: headSeq(),
        };
      },
    };
  }

  /**
   * Remembers (ms, seq) for change_marks. Kept in memory until the commit or
   * a change-feed read: one upsert per distinct ms and transaction. A mark of
   * an operation whose savepoint was rolled back stays: marks are lower
   * bounds, so an extra one only costs a slightly longer scan.
   */
  private noteMark(ms: number, seq: number): void {
    const had = this.pendingMarks.get(ms);
    if (had === undefined || seq < had) this.pendingMarks.set(ms, seq);
  }

  private flushMarks(): void {
    for (const [ms, seq] of this.pendingMarks) this.s.mark.run(ms, seq);
    this.pendingMarks.clear();
  }

  /** Savepoint statements per nesting depth, prepared once. */
  private savepointAt(depth: number) {
    let sp = this.savepointStatements[depth];
    if (!sp) {
      const name = `op${depth}`;
      sp = {
        open: this.db.prepare(`SAVEPOINT ${name}`),
        release: this.db.prepare(`RELEASE ${name}`),
        undo: this.db.prepare(`ROLLBACK TO ${name}`),
      };
      this.savepointStatements[depth] = sp;
    }
    return sp;
  }

  private unit<T>(fn: (tx: StoreTx) => Promise<T>, write: boolean): Promise<T> {
    return this.queue.run(async () => {
      if (this.closed)
        throw new TransientStoreError('storage_closed', 'the server is shutting down');
      try {
        (write ? this.s.begin : this.s.beginRead).run();
      } catch (error) {
        throw toStoreError(error);
      }
      try {
        const result = await fn(this.tx);
        if (write) this.flushMarks();
        this.s.commit.run();
        return result;
      } catch (error) {
        this.pendingMarks.clear();
        if (this.db.inTransaction) this.s.rollback.run();
        // A failed commit leaves nothing applied, so it is transient for the caller.
        throw toStoreError(error);
      }
    });
  }

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.unit(fn, false);
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.unit(fn, true);
  }

  async ping(): Promise<void> {
    await this.queue.run(async () => {
      if (this.closed)
        throw new TransientStoreError('storage_closed', 'the server is shutting down');
      try {
        this.s.ping.get();
      } catch (error) {
        throw toStoreError(error);
      }
    });
  }

  async maxLastModifiedMs(): Promise<number> {
    return this.queue.run(async () => this.s.maxModified.get()?.m ?? 0);
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.db.close();
    });
  }
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteVisitorStore {
  return new SqliteVisitorStore(options);
}
