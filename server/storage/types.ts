import type { OperationResult } from '../../shared/protocol';
import type { VisitorField, VisitorValues } from '../../shared/visitor';

/**
 * The storage seam of the reference server. Everything above it (conflict
 * rules, idempotency, the change feed) is backend-independent; a backend only
 * stores rows, history snapshots and applied-operation results.
 *
 * The interface is asynchronous even though better-sqlite3 is synchronous, so
 * that the PostgreSQL backend implements it without changing the sync code.
 * A new capability (e.g. digests over id ranges) is one more method on
 * StoreTx, implemented in each backend's module.
 */

/**
 * The version at which each field last changed. A field that is absent has not
 * changed since the record was created, i.e. it last changed at version 1.
 */
export type FieldVersions = Partial<Record<VisitorField, number>>;

/** A record as stored: current values plus the bookkeeping the sync rules need. */
export interface StoredVisitor {
  id: string;
  values: VisitorValues;
  /** +1 on every accepted change; 1 after create. */
  version: number;
  /** Server time of the last change, epoch milliseconds. */
  lastModifiedMs: number;
  /** Tombstones stay in the table so deletes are idempotent and feeds carry them. */
  deleted: boolean;
  fieldVersions: FieldVersions;
  /** Change sequence number: taken by every write, increasing. */
  seq: number;
  /**
   * PostgreSQL only: the id of the transaction that wrote this version
   * (xid8). The feed is ordered by (tx, seq) there; see FeedPoint.
   */
  tx?: number;
}

/** A record as it was at one version (from history or the current row). */
export interface VisitorSnapshot {
  id: string;
  values: VisitorValues;
  version: number;
  lastModifiedMs: number;
  deleted: boolean;
}

/** What a write supplies; the store assigns `seq`. */
export type VisitorWrite = Omit<StoredVisitor, 'seq'>;

/**
 * A place in the change feed: "after this change". SQLite has one writer, so
 * its seq order is its commit order and `tx` is absent. On PostgreSQL writers
 * commit in any order, so the feed is ordered by (tx, seq) and serves only
 * transactions that finished before the reader's snapshot (README, "Several
 * instances").
 */
export interface FeedPoint {
  tx?: number;
  seq: number;
}

export interface ChangeQuery {
  /** Only changes after this point. */
  after: FeedPoint;
  /** When set, only rows changed strictly after this time (ISO `since`). */
  sinceMs: number | null;
  limit: number;
}

export interface ChangeRows {
  /** In feed order. */
  rows: StoredVisitor[];
  hasMore: boolean;
  /**
   * Where the next read starts once this one found everything (hasMore
   * false): after every change committed when it read.
   */
  head: FeedPoint;
  /** The point asked for is beyond anything this database ever wrote (it was replaced). */
  ahead: boolean;
}

export interface StoreStats {
  visitors: number;
  tombstones: number;
  historyRows: number;
  appliedOps: number;
  headSeq: number;
}

/** One unit of work. Every method runs inside the enclosing transaction. */
export interface StoreTx {
  get(id: string): Promise<StoredVisitor | null>;
  /** The record at exactly `version` (current row or history), if still known. */
  snapshot(id: string, version: number): Promise<VisitorSnapshot | null>;
  /** The latest version whose lastModified is at or before `atMs`, if known. */
  snapshotAt(id: string, atMs: number): Promise<VisitorSnapshot | null>;
  /** Inserts a new record. Fails if the id exists. */
  insert(record: VisitorWrite): Promise<StoredVisitor>;
  /** Replaces a record, archiving `previous` in history so baseData stays answerable. */
  replace(next: VisitorWrite, previous: StoredVisitor): Promise<StoredVisitor>;
  changes(query: ChangeQuery): Promise<ChangeRows>;
  /** The stored result of an already applied operation (idempotency key). */
  appliedResult(key: string): Promise<OperationResult | null>;
  recordApplied(key: string, result: OperationResult, atMs: number): Promise<void>;
  /**
   * Hints that the unit will read these records and idempotency keys, so a
   * backend with round trips can load them in one go. Optional to act on.
   */
  prefetch?(hint: { ids: readonly string[]; keys: readonly string[] }): Promise<void>;
  /** Removes idempotency results recorded before `beforeMs`; returns how many. */
  pruneApplied(beforeMs: number): Promise<number>;
  /**
   * Runs fn in a nested savepoint: if fn throws, only fn's writes are undone
   * and the error is rethrown; the enclosing transaction goes on.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * PostgreSQL read units: the store's writeFloorMs as it was just before
   * this unit's snapshot (read in the same round trip). Absent on SQLite.
   */
  writeFloorSeen?(): number | null;
  /** Ids of all live (not deleted) records, in id order. */
  liveIds(): Promise<string[]>;
  /** Live records with id > `after` (null: from the first), in id order (bytewise), at most `limit`. */
  liveRange?(after: string | null, limit: number): Promise<StoredVisitor[]>;
  stats(): Promise<StoreStats>;
}

export interface VisitorStore {
  /** e.g. "sqlite:/path/to/file.sqlite" or "postgres://host/db" (no password) */
  readonly description: string;
  /** Throws (TransientStoreError) when the storage cannot serve now: for /api/health. */
  ping(): Promise<void>;
  /** A read-only unit of work with a consistent view. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * A write transaction. Writes commit together when fn resolves and are all
   * rolled back when it throws. Records read with `get` are locked until the
   * commit, so a version check and the write it allows are atomic. A backend
   * may run fn again after a retryable clash with another writer (deadlock,
   * a concurrent replay of the same idempotency key): fn must have no effect
   * outside the transaction.
   */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL: the lowest time a write transaction still running may give
   * its changes (null: none running). A syncTimestamp handed out must be
   * below it, or a client could be told it has seen a change that commits
   * later. SQLite has one writer at a time and leaves this out.
   */
  writeFloorMs?(): Promise<number | null>;
  /** The latest lastModified ever stored, so a restarted clock never goes back. */
  maxLastModifiedMs(): Promise<number>;
  close(): Promise<void>;
}

/** Why a write unit was rolled back and run again (PostgreSQL: another writer got in the way). */
export type RetryReason = 'deadlock' | 'serialization' | 'unique_race' | 'replay_race';

export interface WriteRetry {
  reason: RetryReason;
  /** The attempt that failed (1 = the first run). */
  attempt: number;
}

/** A storage failure that a later retry can fix (busy, locked, disk full). */
export class TransientStoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStoreError';
    this.code = code;
  }
}
