import type { OperationResult } from '../../shared/protocol';
import type { VisitorField, VisitorValues } from '../../shared/visitor';

/**
 * The storage seam of the reference server. Everything above it (conflict
 * rules, idempotency, the change feed) is backend-independent; a backend only
 * stores rows, history snapshots and applied-operation results.
 *
 * The interface is asynchronous even though better-sqlite3 is synchronous, so
 * that a PostgreSQL backend can implement it without changing the sync code.
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
  /** Change sequence number: the change-feed cursor. Strictly increasing per write. */
  seq: number;
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

export interface ChangeQuery {
  /** Only rows with seq greater than this. */
  afterSeq: number;
  /** When set, only rows changed strictly after this time (ISO `since`). */
  sinceMs: number | null;
  limit: number;
}

export interface ChangeRows {
  rows: StoredVisitor[];
  hasMore: boolean;
  /** The highest committed seq at the time of the read. */
  headSeq: number;
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
   * Runs fn in a nested savepoint: if fn throws, only fn's writes are undone
   * and the error is rethrown; the enclosing transaction goes on.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /** Ids of all live (not deleted) records, in id order. */
  liveIds(): Promise<string[]>;
  stats(): Promise<StoreStats>;
}

export interface VisitorStore {
  /** e.g. "sqlite:/path/to/file.sqlite" */
  readonly description: string;
  /** A read-only unit of work with a consistent view. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * A write transaction. Writes commit together when fn resolves and are all
   * rolled back when it throws. Transactions are serialized.
   */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** The latest lastModified ever stored, so a restarted clock never goes back. */
  maxLastModifiedMs(): Promise<number>;
  close(): Promise<void>;
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
