import pg from 'pg';
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
  type RetryReason,
  type WriteRetry,
} from './types';

/**
 * The PostgreSQL backend (node-postgres), for several server processes on
 * one database. What makes it correct under concurrency (server/README.md,
 * "Several instances"):
 *
 * - Version checks are atomic: a write unit reads records with
 *   `SELECT … FOR UPDATE`, so a concurrent writer of the same record waits
 *   for this commit and then sees its result.
 * - The op-id ledger is a primary key: a chunk replayed on another instance
 *   while the first is still applying it waits on the key; the loser's whole
 *   unit is rolled back and run again, and then finds the first result.
 * - The change feed is ordered by (writing transaction, seq) and serves only
 *   transactions older than the reader's snapshot xmin, so a transaction that
 *   commits late can never land behind a cursor already handed out.
 *
 * A write unit buffers its writes in memory and sends them in a few
 * set-based statements at the end (unnest arrays): a chunk of 500 creates is
 * a handful of round trips, not thousands. Savepoints are an undo log over
 * that buffer.
 */

export interface PostgresStoreOptions {
  /** postgres://user[:password]@host[:port]/database[?options=-c search_path=…] */
  url: string;
  /** Most connections of this process (default 10). */
  poolSize?: number;
  /**
   * The lowest time this process may still stamp a change with (the server
   * clock's nextStampFloor). Each write transaction holds it as an advisory
   * lock, so readers know which times are not final yet (writeFloorMs).
   */
  now?: () => number;
  /**
   * Called each time a write unit is rolled back and run again after a clash
   * with another writer, so the server can log it: a steady stream of these
   * means writers are fighting over the same rows (or keys), not that the
   * database is slow.
   */
  onRetry?: (retry: WriteRetry) => void;
}

const SCHEMA_VERSION = 1;
/** Two-int advisory lock key of schema creation (objsubid 2; write marks use one bigint, objsubid 1). */
const SCHEMA_LOCK = [0x56524353, 1] as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS server_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE IF NOT EXISTS visitor_seq;
CREATE TABLE IF NOT EXISTS visitors (
  id text PRIMARY KEY,
  tx xid8 NOT NULL,
  seq bigint NOT NULL,
  version integer NOT NULL,
  last_modified_ms bigint NOT NULL,
  deleted boolean NOT NULL,
  name text NOT NULL,
  company text,
  email text,
  title text,
  phone text,
  interests text NOT NULL,
  notes text,
  capture_method text,
  captured_at text,
  field_versions text NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS visitors_feed ON visitors (tx, seq);
CREATE TABLE IF NOT EXISTS visitor_history (
  id text NOT NULL,
  version integer NOT NULL,
  last_modified_ms bigint NOT NULL,
  deleted boolean NOT NULL,
  data text NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS applied_ops (
  key text PRIMARY KEY,
  result text NOT NULL,
  at_ms bigint NOT NULL
);
`;

const VISITOR_COLS =
  'id, tx::text AS tx, seq, version, last_modified_ms, deleted, name, company, email, title, phone, interests, notes, capture_method, captured_at, field_versions';

interface VisitorRow {
  id: string;
  tx: string;
  seq: string;
  version: number;
  last_modified_ms: string;
  deleted: boolean;
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
  last_modified_ms: string;
  deleted: boolean;
  data: string;
}

function rowToStored(r: VisitorRow): StoredVisitor {
  return {
    id: r.id,
    values: {
      name: r.name,
      company: r.company,
      email: r.email,
      title: r.title,
      phone: r.phone,
      interests: JSON.parse(r.interests) as string[],
      notes: r.notes,
      captureMethod: r.capture_method,
      capturedAt: r.captured_at,
    },
    version: r.version,
    lastModifiedMs: Number(r.last_modified_ms),
    deleted: r.deleted,
    fieldVersions: JSON.parse(r.field_versions) as FieldVersions,
    seq: Number(r.seq),
    tx: Number(r.tx),
  };
}

function snapshotOf(s: VisitorWrite): VisitorSnapshot {
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
    lastModifiedMs: Number(h.last_modified_ms),
    deleted: h.deleted,
  };
}

/** SQLSTATEs that mean "try again": the database, not the request, is the problem. */
const BUSY = new Set(['40P01', '40001', '55P03', '57014']);
// Deadlock, serialization failure, and a unique key another transaction took meanwhile
// (two instances seeding the same ids): the unit runs again and sees the winner's rows.
const RETRY_UNIT = new Map<string, RetryReason>([
  ['40P01', 'deadlock'],
  ['40001', 'serialization'],
  ['23505', 'unique_race'],
]);

/** Turns PostgreSQL's "try again later" failures into TransientStoreError. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof TransientStoreError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return error;
  if (BUSY.has(code)) {
    return new TransientStoreError('database_busy', 'the database is busy; try again', {
      cause: error,
    });
  }
  // Connection trouble (08…), shutdown (57P…), resources (53…), and the
  // client's own socket errors.
  if (/^(08|53|57P)/.test(code) || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|NOTFOUND)$/.test(code)) {
    return new TransientStoreError(
      'storage_unavailable',
      `the database is unavailable (${code}); try again`,
      { cause: error },
    );
  }
  return error;
}

/** Another instance recorded the same idempotency key first: run the unit again. */
class ReplayRace extends Error {}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** Reads shared by both kinds of unit. */
async function historyAt(q: Query, id: string, version: number): Promise<VisitorSnapshot | null> {
  const r = await q('SELECT * FROM visitor_history WHERE id = $1 AND version = $2', [id, version]);
  return r.rows[0] ? historyToSnapshot(r.rows[0] as HistoryRow) : null;
}

async function historyBefore(q: Query, id: string, atMs: number): Promise<VisitorSnapshot | null> {
  const r = await q(
    'SELECT * FROM visitor_history WHERE id = $1 AND last_modified_ms <= $2 ORDER BY version DESC LIMIT 1',
    [id, atMs],
  );
  return r.rows[0] ? historyToSnapshot(r.rows[0] as HistoryRow) : null;
}

async function statsOf(q: Query): Promise<StoreStats> {
  const r = await q(`SELECT
      (SELECT count(*) FROM visitors WHERE NOT deleted)::int AS visitors,
      (SELECT count(*) FROM visitors WHERE deleted)::int AS tombstones,
      (SELECT count(*) FROM visitor_history)::int AS history,
      (SELECT count(*) FROM applied_ops)::int AS applied,
      (SELECT COALESCE(max(seq), 0) FROM visitors)::text AS head`);
  const row = r.rows[0] as {
    visitors: number;
    tombstones: number;
    history: number;
    applied: number;
    head: string;
  };
  return {
    visitors: row.visitors,
    tombstones: row.tombstones,
    historyRows: row.history,
    appliedOps: row.applied,
    headSeq: Number(row.head),
  };
}

async function liveIdsOf(q: Query): Promise<string[]> {
  const r = await q('SELECT id FROM visitors WHERE NOT deleted ORDER BY id COLLATE "C"');
  return r.rows.map((row: { id: string }) => row.id);
}

async function appliedOf(q: Query, key: string): Promise<OperationResult | null> {
  const r = await q('SELECT result FROM applied_ops WHERE key = $1', [key]);
  return r.rows[0]
    ? (JSON.parse((r.rows[0] as { result: string }).result) as OperationResult)
    : null;
}

/**
 * The change feed inside a REPEATABLE READ unit: only transactions older
 * than this snapshot's xmin are served (every one of them has finished, and
 * any transaction that commits later has a larger id), ordered by
 * (tx, seq). At the end, the head is (xmin, 0): everything before it is final.
 */
interface SnapshotInfo {
  xmin: string;
  xmax: string;
  last_seq: string;
}

const SNAPSHOT_INFO = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
  pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
  (SELECT last_value FROM visitor_seq)::text AS last_seq`;

/** The lowest write mark held by a running write transaction (see PostgresVisitorStore.write). */
const WRITE_FLOOR = `SELECT min((classid::bigint << 32) | objid::bigint)::text AS floor FROM pg_locks
  WHERE locktype = 'advisory' AND objsubid = 1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

async function changesOf(q: Query, query: ChangeQuery, known?: SnapshotInfo): Promise<ChangeRows> {
  const snap = known ?? ((await q(SNAPSHOT_INFO)).rows[0] as SnapshotInfo);
  const xmin = Number(snap.xmin);
  const head = { tx: xmin, seq: 0 };
  const after = query.after;
  const ahead =
    after.tx === undefined ? after.seq > Number(snap.last_seq) : after.tx > Number(snap.xmax);
  if (ahead) return { rows: [], hasMore: false, head, ahead: true };
  const params: unknown[] = [snap.xmin, String(after.tx ?? 0), after.seq, query.limit + 1];
  let where = 'tx < $1::xid8 AND (tx, seq) > ($2::xid8, $3::bigint)';
  if (query.sinceMs !== null) {
    params.push(query.sinceMs);
    where += ' AND last_modified_ms > $5';
  }
  // Qualified: a bare `tx` in ORDER BY names the output column (`tx::text AS
  // tx`), which sorts "1000" before "999", while the cursor compares numbers:
  // every time transaction ids gained a digit, a page skipped changes.
  const r = await q(
    `SELECT ${VISITOR_COLS} FROM visitors WHERE ${where} ORDER BY visitors.tx, visitors.seq LIMIT $4`,
    params,
  );
  const rows = (r.rows as VisitorRow[]).map(rowToStored);
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.length = query.limit;
  return { rows, hasMore, head, ahead: false };
}

/** A read-only unit: REPEATABLE READ, so every statement sees one snapshot. */
function readTx(q: Query, snap: SnapshotInfo, floor: number | null): StoreTx {
  const get = async (id: string) => {
    const r = await q(`SELECT ${VISITOR_COLS} FROM visitors WHERE id = $1`, [id]);
    return r.rows[0] ? rowToStored(r.rows[0] as VisitorRow) : null;
  };
  const refuse = async (): Promise<never> => {
    throw new Error('a read unit cannot write');
  };
  return {
    get,
    snapshot: async (id, version) => {
      const current = await get(id);
      if (current && current.version === version) return snapshotOf(current);
      return historyAt(q, id, version);
    },
    snapshotAt: async (id, atMs) => {
      const current = await get(id);
      if (!current) return null;
      if (current.lastModifiedMs <= atMs) return snapshotOf(current);
      return historyBefore(q, id, atMs);
    },
    insert: refuse,
    replace: refuse,
    changes: (query) => changesOf(q, query, snap),
    appliedResult: (key) => appliedOf(q, key),
    recordApplied: refuse,
    writeFloorSeen: () => floor,
    pruneApplied: refuse,
    savepoint: (fn) => fn(),
    liveIds: () => liveIdsOf(q),
    liveRange: async (after, limit) => {
      const r = await q(
        `SELECT ${VISITOR_COLS} FROM visitors WHERE NOT deleted AND id COLLATE "C" > $1
         ORDER BY id COLLATE "C" LIMIT $2`,
        [after ?? '', limit],
      );
      return (r.rows as VisitorRow[]).map(rowToStored);
    },
    stats: () => statsOf(q),
  };
}

interface Cached {
  /** null: known not to exist. */
  record: StoredVisitor | null;
  /** Whether the unit inserted it (then later replaces stay one insert). */
  inserted: boolean;
  dirty: boolean;
}

/**
 * A write unit (READ COMMITTED, rows locked as read). Reads go to the
 * database once per record and are cached; writes are buffered and flushed
 * in bulk before the commit or before a read that needs them.
 */
class WriteTx implements StoreTx {
  private readonly records = new Map<string, Cached>();
  private readonly applied = new Map<string, OperationResult | null>();
  private history: Array<VisitorSnapshot> = [];
  private pendingApplied: Array<{ key: string; result: OperationResult; atMs: number }> = [];
  /** Undo entries for savepoints, newest last. */
  private journal: Array<() => void> = [];

  constructor(private readonly q: Query) {}

  async prefetch(hint: { ids: readonly string[]; keys: readonly string[] }): Promise<void> {
    const ids = [...new Set(hint.ids)].filter((id) => !this.records.has(id));
    if (ids.length > 0) {
      // Locked in id order, so two units that share records cannot deadlock here.
      const r = await this.q(
        `SELECT ${VISITOR_COLS} FROM visitors WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C" FOR UPDATE`,
        [ids],
      );
      for (const row of r.rows as VisitorRow[])
        this.records.set(row.id, { record: rowToStored(row), inserted: false, dirty: false });
      for (const id of ids)
        if (!this.records.has(id))
          this.records.set(id, { record: null, inserted: false, dirty: false });
    }
    const keys = [...new Set(hint.keys)].filter((k) => !this.applied.has(k));
    if (keys.length > 0) {
      const r = await this.q('SELECT key, result FROM applied_ops WHERE key = ANY($1::text[])', [
        keys,
      ]);
      for (const k of keys) this.applied.set(k, null);
      for (const row of r.rows as Array<{ key: string; result: string }>)
        this.applied.set(row.key, JSON.parse(row.result) as OperationResult);
    }
  }

  async get(id: string): Promise<StoredVisitor | null> {
    const cached = this.records.get(id);
    if (cached) return cached.record;
    const r = await this.q(`SELECT ${VISITOR_COLS} FROM visitors WHERE id = $1 FOR UPDATE`, [id]);
    const record = r.rows[0] ? rowToStored(r.rows[0] as VisitorRow) : null;
    this.records.set(id, { record, inserted: false, dirty: false });
    return record;
  }

  private setRecord(id: string, next: Cached): void {
    const before = this.records.get(id);
    this.records.set(id, next);
    this.journal.push(() => {
      if (before) this.records.set(id, before);
      else this.records.delete(id);
    });
  }

  async insert(record: VisitorWrite): Promise<StoredVisitor> {
    const cached = this.records.get(record.id);
    if (cached?.record) throw new Error(`insert: a record ${record.id} exists already`);
    const stored: StoredVisitor = { ...record, seq: 0 };
    this.setRecord(record.id, { record: stored, inserted: true, dirty: true });
    return stored;
  }

  async replace(next: VisitorWrite, previous: StoredVisitor): Promise<StoredVisitor> {
    const cached = this.records.get(next.id);
    const stored: StoredVisitor = { ...next, seq: 0 };
    this.setRecord(next.id, { record: stored, inserted: cached?.inserted ?? false, dirty: true });
    this.history.push(snapshotOf(previous));
    this.journal.push(() => this.history.pop());
    return stored;
  }

  async snapshot(id: string, version: number): Promise<VisitorSnapshot | null> {
    const current = await this.get(id);
    if (current && current.version === version) return snapshotOf(current);
    const pending = this.history.findLast((h) => h.id === id && h.version === version);
    return pending ?? historyAt(this.q, id, version);
  }

  async snapshotAt(id: string, atMs: number): Promise<VisitorSnapshot | null> {
    const current = await this.get(id);
    if (!current) return null;
    if (current.lastModifiedMs <= atMs) return snapshotOf(current);
    let best: VisitorSnapshot | null = null;
    for (const h of this.history)
      if (h.id === id && h.lastModifiedMs <= atMs && (!best || h.version > best.version)) best = h;
    const stored = await historyBefore(this.q, id, atMs);
    return stored && (!best || stored.version > best.version) ? stored : best;
  }

  async appliedResult(key: string): Promise<OperationResult | null> {
    if (this.applied.has(key)) return this.applied.get(key) ?? null;
    const result = await appliedOf(this.q, key);
    this.applied.set(key, result);
    return result;
  }

  async recordApplied(key: string, result: OperationResult, atMs: number): Promise<void> {
    const before = this.applied.get(key);
    const had = this.applied.has(key);
    this.applied.set(key, result);
    this.pendingApplied.push({ key, result, atMs });
    this.journal.push(() => {
      this.pendingApplied.pop();
      if (had) this.applied.set(key, before ?? null);
      else this.applied.delete(key);
    });
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const mark = this.journal.length;
    try {
      return await fn();
    } catch (error) {
      while (this.journal.length > mark) this.journal.pop()!();
      throw toStoreError(error);
    }
  }

  async changes(query: ChangeQuery): Promise<ChangeRows> {
    await this.flush();
    return changesOf(this.q, query);
  }

  async liveIds(): Promise<string[]> {
    await this.flush();
    return liveIdsOf(this.q);
  }

  async stats(): Promise<StoreStats> {
    await this.flush();
    return statsOf(this.q);
  }

  async pruneApplied(beforeMs: number): Promise<number> {
    await this.flush();
    const r = await this.q('DELETE FROM applied_ops WHERE at_ms < $1', [beforeMs]);
    return r.rowCount ?? 0;
  }

  /** Sends the buffered writes: a few statements whatever their number. */
  async flush(): Promise<void> {
    const inserts: StoredVisitor[] = [];
    const updates: StoredVisitor[] = [];
    for (const c of this.records.values()) {
      if (!c.dirty || !c.record) continue;
      (c.inserted ? inserts : updates).push(c.record);
      c.dirty = false;
      c.inserted = false;
    }
    const columns = (rows: StoredVisitor[]) => [
      rows.map((r) => r.id),
      rows.map((r) => r.version),
      rows.map((r) => r.lastModifiedMs),
      rows.map((r) => r.deleted),
      rows.map((r) => r.values.name),
      rows.map((r) => r.values.company),
      rows.map((r) => r.values.email),
      rows.map((r) => r.values.title),
      rows.map((r) => r.values.phone),
      rows.map((r) => JSON.stringify(r.values.interests)),
      rows.map((r) => r.values.notes),
      rows.map((r) => r.values.captureMethod),
      rows.map((r) => r.values.capturedAt),
      rows.map((r) => JSON.stringify(r.fieldVersions)),
    ];
    const unnest = `unnest($1::text[], $2::int[], $3::bigint[], $4::bool[], $5::text[], $6::text[],
      $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
      AS u(id, version, last_modified_ms, deleted, name, company, email, title, phone, interests,
           notes, capture_method, captured_at, field_versions)`;
    if (inserts.length > 0) {
      await this.q(
        `INSERT INTO visitors (id, tx, seq, version, last_modified_ms, deleted, name, company, email,
           title, phone, interests, notes, capture_method, captured_at, field_versions)
         SELECT u.id, pg_current_xact_id(), nextval('visitor_seq'), u.version, u.last_modified_ms,
           u.deleted, u.name, u.company, u.email, u.title, u.phone, u.interests, u.notes,
           u.capture_method, u.captured_at, u.field_versions
         FROM ${unnest}`,
        columns(inserts),
      );
    }
    if (updates.length > 0) {
      await this.q(
        `UPDATE visitors v SET tx = pg_current_xact_id(), seq = nextval('visitor_seq'),
           version = u.version, last_modified_ms = u.last_modified_ms, deleted = u.deleted,
           name = u.name, company = u.company, email = u.email, title = u.title, phone = u.phone,
           interests = u.interests, notes = u.notes, capture_method = u.capture_method,
           captured_at = u.captured_at, field_versions = u.field_versions
         FROM ${unnest} WHERE v.id = u.id`,
        columns(updates),
      );
    }
    if (this.history.length > 0) {
      const h = this.history;
      await this.q(
        `INSERT INTO visitor_history (id, version, last_modified_ms, deleted, data)
         SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bool[], $5::text[])
         ON CONFLICT (id, version) DO UPDATE SET last_modified_ms = excluded.last_modified_ms,
           deleted = excluded.deleted, data = excluded.data`,
        [
          h.map((x) => x.id),
          h.map((x) => x.version),
          h.map((x) => x.lastModifiedMs),
          h.map((x) => x.deleted),
          h.map((x) => JSON.stringify(x.values)),
        ],
      );
      this.history = [];
    }
    if (this.pendingApplied.length > 0) {
      const a = this.pendingApplied;
      // A key another transaction recorded meanwhile waits for it here, then
      // conflicts: that instance applied it first, so this unit starts over.
      const r = await this.q(
        `INSERT INTO applied_ops (key, result, at_ms)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [a.map((x) => x.key), a.map((x) => JSON.stringify(x.result)), a.map((x) => x.atMs)],
      );
      if ((r.rowCount ?? 0) < a.length) throw new ReplayRace('an operation was applied meanwhile');
      this.pendingApplied = [];
    }
    this.journal = [];
  }
}

/** postgres://user@host:port/db, without the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** How often a write unit is run again after a clash with another writer. */
const MAX_ATTEMPTS = 4;

export class PostgresVisitorStore implements VisitorStore {
  readonly description: string;
  private closed = false;
  /** Write units run again since this store opened, by reason (this process only). */
  readonly retries: Record<RetryReason, number> = {
    deadlock: 0,
    serialization: 0,
    unique_race: 0,
    replay_race: 0,
  };

  constructor(
    private readonly pool: pg.Pool,
    url: string,
    private readonly now: () => number,
    private readonly onRetry: (retry: WriteRetry) => void = () => {},
  ) {
    this.description = describeUrl(url);
  }

  private async withClient<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    if (this.closed) throw new TransientStoreError('storage_closed', 'the server is shutting down');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    let broken = false;
    try {
      return await fn((text, values) => client.query(text, values));
    } catch (error) {
      broken = toStoreError(error) instanceof TransientStoreError;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await this.withClient(async (q) => {
        // One round trip: the write floor first (before the snapshot, so any
        // writer missing from it stamps later than what we hand out), then
        // the snapshot, fixed by its first statement.
        // (COMMIT ends the implicit transaction of the first statement.)
        const [floorResult, , , snapResult] = (await q(
          `${WRITE_FLOOR}; COMMIT; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${SNAPSHOT_INFO}`,
        )) as unknown as pg.QueryResult[];
        const floor = (floorResult!.rows[0] as { floor: string | null } | undefined)?.floor;
        try {
          const result = await fn(
            readTx(
              q,
              snapResult!.rows[0] as SnapshotInfo,
              floor === null || floor === undefined ? null : Number(floor),
            ),
          );
          // Nothing to wait for: a read-only transaction has nothing to
          // commit, and the connection runs this before its next query.
          q('COMMIT').catch(() => {});
          return result;
        } catch (error) {
          q('ROLLBACK').catch(() => {});
          throw error;
        }
      });
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withClient(async (q) => {
          // The mark: no change of this transaction is stamped before it.
          const mark = Math.floor(this.now());
          await q(`BEGIN; SELECT pg_advisory_xact_lock_shared(${mark}::bigint)`);
          try {
            const tx = new WriteTx(q);
            const result = await fn(tx);
            await tx.flush();
            await q('COMMIT');
            return result;
          } catch (error) {
            await q('ROLLBACK').catch(() => {});
            throw error;
          }
        });
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        const reason =
          error instanceof ReplayRace
            ? 'replay_race'
            : typeof code === 'string'
              ? RETRY_UNIT.get(code)
              : undefined;
        if (reason !== undefined && attempt < MAX_ATTEMPTS) {
          this.retries[reason]++;
          this.onRetry({ reason, attempt });
          continue;
        }
        if (error instanceof ReplayRace) {
          throw new TransientStoreError('database_busy', 'the database is busy; try again');
        }
        throw toStoreError(error);
      }
    }
  }

  async ping(): Promise<void> {
    // The tables, not just the connection: a dropped schema is not ready either.
    await this.withClient((q) => q('SELECT 1 FROM server_meta LIMIT 1')).catch((error: unknown) => {
      throw toStoreError(error);
    });
  }

  async writeFloorMs(): Promise<number | null> {
    const r = await this.withClient((q) => q(WRITE_FLOOR)).catch((error: unknown) => {
      throw toStoreError(error);
    });
    const floor = (r.rows[0] as { floor: string | null } | undefined)?.floor;
    return floor === null || floor === undefined ? null : Number(floor);
  }

  async maxLastModifiedMs(): Promise<number> {
    const r = await this.withClient((q) =>
      q('SELECT COALESCE(max(last_modified_ms), 0)::text AS m FROM visitors'),
    );
    return Number((r.rows[0] as { m: string }).m);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

async function createSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Instances starting together create the tables once.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...SCHEMA_LOCK]);
    await client.query(SCHEMA);
    const r = await client.query("SELECT value FROM server_meta WHERE key = 'schema_version'");
    const found = r.rows[0] ? Number((r.rows[0] as { value: string }).value) : null;
    if (found !== null && found > SCHEMA_VERSION) {
      throw new Error(
        `the database has schema version ${found}; this server knows ${SCHEMA_VERSION}`,
      );
    }
    await client.query(
      "INSERT INTO server_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [String(SCHEMA_VERSION)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function openPostgresStore(
  options: PostgresStoreOptions,
): Promise<PostgresVisitorStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    application_name: 'visitor-sync-server',
  });
  // No statement or lock wait holds a request for long: a 503 instead. (Set
  // here, not as the URL's `options`, which the URL may use for search_path.)
  pool.on('connect', (client) => {
    client
      .query(
        'SET lock_timeout = 5000; SET statement_timeout = 60000; SET idle_in_transaction_session_timeout = 60000',
      )
      .catch(() => {});
  });
  // An idle connection that dies (database restart) must not crash the process.
  pool.on('error', () => {});
  try {
    await createSchema(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return new PostgresVisitorStore(pool, options.url, options.now ?? Date.now, options.onRetry);
}
