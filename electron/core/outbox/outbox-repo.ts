import type { Statement } from 'better-sqlite3';
import type { OutboxCounts, OutboxRow, OutboxStatus } from '../../../shared/ipc/contract';
import type { Action } from '../../../shared/protocol';
import type { AppError } from '../../../shared/errors';
import type { Db } from '../db/open';
import type { DraftOp, OpenOp } from './coalesce';

/** No horizon: every due time is taken as it stands. */
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

interface SqlOp {
  seq: number;
  op_id: string;
  action: Action;
  local_id: string;
  server_id: string | null;
  data: string | null;
  base_version: number | null;
  op_timestamp: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Every column, as an undo record keeps a superseded operation. */
export const OUTBOX_COLUMNS = [
  'seq',
  'op_id',
  'action',
  'local_id',
  'server_id',
  'data',
  'base_version',
  'op_timestamp',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'created_at',
  'updated_at',
  'exported_at',
] as const;

/** An operation ready to go out, with the server id it targets (from the op or the record). */
export interface SendableOp {
  seq: number;
  opId: string;
  action: Action;
  localId: string;
  serverId: string | null;
  data: Record<string, unknown> | null;
  baseVersion: number | null;
  timestamp: string;
  attempts: number;
}

function rowOf(r: SqlOp): OutboxRow {
  return {
    seq: r.seq,
    opId: r.op_id,
    action: r.action,
    localId: r.local_id,
    serverId: r.server_id,
    data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
    baseVersion: r.base_version,
    timestamp: r.op_timestamp,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error === null ? null : (JSON.parse(r.last_error) as AppError),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** All SQL touching the outbox table. */
export class OutboxRepo {
  private readonly openStmt: Statement<[string], SqlOp>;
  private readonly sentCountStmt: Statement<[string], { n: number }>;
  private readonly insertStmt: Statement;
  private readonly replaceStmt: Statement;
  private readonly removeStmt: Statement;
  private readonly forLocalStmt: Statement<[string], SqlOp>;
  private readonly countsStmt: Statement<[], { action: Action; status: OutboxStatus; n: number }>;
  private readonly dueStmt: Statement<
    { now: string; limit: number; horizon: string },
    SqlOp & { v_server_id: string | null }
  >;
  private readonly dueSeqsStmt: Statement<{ now: string; horizon: string }, number>;
  private readonly markInFlightStmt: Statement<{ seqs: string; at: string }, SqlOp>;
  private readonly recoverStmt: Statement;
  private readonly requeueStmt: Statement;
  private readonly retryStmt: Statement;
  private readonly failStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly bySeqStmt: Statement<[number], SqlOp>;
  private readonly laterStmt: Statement<[string, number], SqlOp>;
  private readonly rebaseStmt: Statement;
  private readonly nextDueStmt: Statement<{ now: string; horizon: string }, { at: string | null }>;
  private readonly moveStmt: Statement;
  private readonly orphansStmt: Statement;
  private readonly strandedStmt: Statement;
  private readonly failedStmt: Statement<[number, number], SqlOp>;

  private readonly lazy = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    // "Never sent" = still pending with no attempt: only such an op may be rewritten.
    this.openStmt = db.prepare(
      `SELECT * FROM outbox WHERE local_id = ? AND status = 'pending' AND attempts = 0 ORDER BY seq DESC LIMIT 1`,
    );
    this.sentCountStmt = db.prepare(
      `SELECT count(*) AS n FROM outbox WHERE local_id = ? AND NOT (status = 'pending' AND attempts = 0)`,
    );
    this.insertStmt = db.prepare(`
      INSERT INTO outbox (op_id, action, local_id, server_id, data, base_version, op_timestamp,
        created_at, updated_at)
      VALUES (@op_id, @action, @local_id, @server_id, @data, @base_version, @at, @at, @at)`);
    this.replaceStmt = db.prepare(`
      UPDATE outbox SET action = @action, data = @data, base_version = @base_version,
        op_timestamp = @at, updated_at = @at
      WHERE seq = @seq AND status = 'pending' AND attempts = 0`);
    this.removeStmt = db.prepare(
      `DELETE FROM outbox WHERE seq = ? AND status = 'pending' AND attempts = 0`,
    );
    this.forLocalStmt = db.prepare(`SELECT * FROM outbox WHERE local_id = ? ORDER BY seq`);
    this.countsStmt = db.prepare(
      `SELECT action, status, count(*) AS n FROM outbox GROUP BY status, action`,
    );
    // Per record only its oldest unsettled operation may go: a later one must never
    // overtake an earlier one (it would be overwritten by the earlier one's retry).
    // Updates and deletes of a record the server has not acknowledged yet wait for its create.
    const due = `FROM outbox o
      JOIN (SELECT local_id, min(seq) AS seq FROM outbox
            WHERE status IN ('pending', 'in_flight', 'retrying') GROUP BY local_id) head ON head.seq = o.seq
      LEFT JOIN visitors v ON v.local_id = o.local_id
      WHERE (o.status = 'pending' OR (o.status = 'retrying'
             AND (o.next_attempt_at <= @now OR o.next_attempt_at > @horizon)))
        AND (o.action = 'create' OR coalesce(o.server_id, v.server_id) IS NOT NULL)
      ORDER BY o.seq`;
    this.dueStmt = db.prepare(`SELECT o.*, v.server_id AS v_server_id ${due} LIMIT @limit`);
    this.dueSeqsStmt = db
      .prepare<{ now: string; horizon: string }, number>(`SELECT o.seq ${due}`)
      .pluck();
    // Claims a chunk in one statement and returns the rows as they are now: an
    // edit may have rewritten (or a delete removed) an op since it was listed.
    // The server id comes from the record when the op lacks it.
    this.markInFlightStmt = db.prepare(`
      UPDATE outbox SET status = 'in_flight', attempts = attempts + 1,
        server_id = coalesce(server_id,
          (SELECT v.server_id FROM visitors v WHERE v.local_id = outbox.local_id)),
        updated_at = @at
      WHERE seq IN (SELECT value FROM json_each(@seqs)) AND status IN ('pending', 'retrying')
      RETURNING *`);
    this.recoverStmt = db.prepare(`
      UPDATE outbox SET status = 'retrying', next_attempt_at = @at, updated_at = @at
      WHERE status = 'in_flight' RETURNING op_id`);
    // Back to the queue as if not sent this time (auth trouble: the server did not look at it).
    this.requeueStmt = db.prepare(`
      UPDATE outbox SET attempts = attempts - 1,
        status = CASE WHEN attempts - 1 = 0 THEN 'pending' ELSE 'retrying' END,
        next_attempt_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE @at END, updated_at = @at
      WHERE seq = @seq AND status = 'in_flight'`);
    this.retryStmt = db.prepare(`
      UPDATE outbox SET status = 'retrying', next_attempt_at = @next, last_error = @error,
        updated_at = @at
      WHERE seq = @seq`);
    this.failStmt = db.prepare(`
      UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = @error,
        updated_at = @at
      WHERE seq = @seq`);
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.bySeqStmt = db.prepare('SELECT * FROM outbox WHERE seq = ?');
    this.laterStmt = db.prepare(
      "SELECT * FROM outbox WHERE local_id = ? AND seq > ? AND status != 'failed' ORDER BY seq",
    );
    // Later operations were made on top of this one: they now start from its new version.
    this.rebaseStmt = db.prepare(`
      UPDATE outbox SET server_id = coalesce(server_id, @server_id),
        base_version = CASE WHEN base_version IS NULL OR base_version IS @old_base
                       THEN @version ELSE base_version END
      WHERE local_id = @local_id AND seq > @seq AND status != 'failed'`);
    this.nextDueStmt = db.prepare(
      `SELECT min(CASE WHEN next_attempt_at > @horizon THEN @now ELSE next_attempt_at END) AS at
       FROM outbox WHERE status = 'retrying'`,
    );
    this.moveStmt = db.prepare('UPDATE outbox SET local_id = @to WHERE local_id = @from');
    // Changes to a record whose create failed for good can never be sent (the
    // server has no such record): they fail too, with the reason, instead of
    // waiting forever. Retrying the create (admins' queue) brings them back.
    this.orphansStmt = db.prepare(`
      UPDATE outbox SET status = 'failed', last_error = @error, updated_at = @at
      WHERE status IN ('pending', 'retrying') AND action != 'create' AND server_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.local_id = outbox.local_id AND v.server_id IS NOT NULL)
        AND EXISTS (SELECT 1 FROM outbox c WHERE c.local_id = outbox.local_id AND c.action = 'create' AND c.status = 'failed')`);
    this.strandedStmt = db.prepare(`
      UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = @error, updated_at = @at
      WHERE status IN ('pending', 'retrying') AND action != 'create' AND server_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.local_id = outbox.local_id AND v.server_id IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM outbox c WHERE c.local_id = outbox.local_id AND c.action = 'create')`);
    this.failedStmt = db.prepare(
      "SELECT * FROM outbox WHERE status = 'failed' AND seq > ? ORDER BY seq LIMIT ?",
    );
  }

  /**
   * Operations that may go out now, oldest first. A retry due after `horizon`
   * (further ahead than any backoff: set while the clock ran fast) is due now.
   */
  due(now: string, limit: number, horizon = FAR_FUTURE): SendableOp[] {
    return this.dueStmt.all({ now, limit, horizon }).map((r) => ({
      seq: r.seq,
      opId: r.op_id,
      action: r.action,
      localId: r.local_id,
      serverId: r.server_id ?? r.v_server_id,
      data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
      baseVersion: r.base_version,
      timestamp: r.op_timestamp,
      attempts: r.attempts,
    }));
  }

  /**
   * The sequence numbers of what due() lists, without the rows: the push claims
   * each chunk's rows as they are when it goes (claim), so reading and parsing
   * every operation's data up front as well was work thrown away.
   */
  dueSeqs(now: string, horizon = FAR_FUTURE): number[] {
    return this.dueSeqsStmt.all({ now, horizon });
  }

  /**
   * Takes these operations for sending, as they are now, in seq order; counted
   * as an attempt the moment they are handed to the network, so a crash cannot
   * undercount. Operations removed or settled meanwhile are left out.
   */
  claim(seqs: readonly number[], at: string): SendableOp[] {
    return this.markInFlightStmt
      .all({ seqs: JSON.stringify(seqs), at })
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({
        seq: r.seq,
        opId: r.op_id,
        action: r.action,
        localId: r.local_id,
        serverId: r.server_id,
        data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
        baseVersion: r.base_version,
        timestamp: r.op_timestamp,
        // Attempts before this one, as settle counts from there.
        attempts: r.attempts - 1,
      }));
  }

  /**
   * After a crash: what was in flight may or may not have arrived; it goes
   * again (same opId). Returns the opIds, so the caller can record that
   * attempt (it went out and got no answer).
   */
  recoverInFlight(at: string): string[] {
    return (this.recoverStmt.all({ at }) as { op_id: string }[]).map((r) => r.op_id);
  }

  requeue(seq: number, at: string): void {
    this.requeueStmt.run({ seq, at });
  }

  retryLater(seq: number, next: string, error: AppError, at: string): void {
    this.retryStmt.run({ seq, next, error: JSON.stringify(error), at });
  }

  fail(seq: number, error: AppError, at: string): void {
    this.failStmt.run({ seq, error: JSON.stringify(error), at });
  }

  delete(seq: number): void {
    this.deleteStmt.run(seq);
  }

  /** Removes settled operations, a chunk's worth in one statement. */
  deleteMany(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    this.sql('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(seqs),
    );
  }

  /**
   * Of these (record, seq) pairs, the records that have operations queued
   * after that seq (not failed ones), as later() finds them one at a time.
   */
  withLaterOps(pairs: readonly { localId: string; seq: number }[]): Set<string> {
    if (pairs.length === 0) return new Set();
    const rows = this.sql(
      `
      SELECT DISTINCT o.local_id FROM json_each(?) p
      JOIN outbox o ON o.local_id = p.value ->> 'l' AND o.seq > p.value ->> 's'
      WHERE o.status != 'failed'`,
    ).all(JSON.stringify(pairs.map((p) => ({ l: p.localId, s: p.seq })))) as { local_id: string }[];
    return new Set(rows.map((r) => r.local_id));
  }

  bySeq(seq: number): OutboxRow | undefined {
    const r = this.bySeqStmt.get(seq);
    return r && rowOf(r);
  }

  later(localId: string, seq: number): OutboxRow[] {
    return this.laterStmt.all(localId, seq).map(rowOf);
  }

  rebaseLater(
    localId: string,
    seq: number,
    serverId: string | null,
    oldBase: number | null,
    version: number | null,
  ): void {
    this.rebaseStmt.run({
      local_id: localId,
      seq,
      server_id: serverId,
      old_base: oldBase,
      version,
    });
  }

  /** When the next retry falls due; one set beyond `horizon` (a clock that ran fast) is due `now`. */
  nextRetryAt(now = new Date().toISOString(), horizon = FAR_FUTURE): string | null {
    return this.nextDueStmt.get({ now, horizon })!.at;
  }

  /** Operations that failed for good, oldest first, read in pages of `pageSize`. */
  failed(pageSize = 1_000): OutboxRow[] {
    const out: OutboxRow[] = [];
    for (let after = 0; ;) {
      const page = this.failedStmt.all(after, pageSize).map(rowOf);
      out.push(...page);
      if (page.length < pageSize) return out;
      after = page.at(-1)!.seq;
    }
  }

  /**
   * Changes of a record the server never had, that cannot go: waiting on a
   * create that failed, or left with no create at all (it went to the archive). Both
   * fail with their reason, so none waits unseen in the outbox.
   */
  failOrphans(createFailed: AppError, createRemoved: AppError, at: string): number {
    return (
      this.orphansStmt.run({ error: JSON.stringify(createFailed), at }).changes +
      this.strandedStmt.run({ error: JSON.stringify(createRemoved), at }).changes
    );
  }

  moveToRecord(from: string, to: string): void {
    this.moveStmt.run({ from, to });
  }

  openFor(localId: string): OpenOp | null {
    const r = this.openStmt.get(localId);
    if (!r) return null;
    return {
      seq: r.seq,
      action: r.action,
      data: r.data === null ? null : (JSON.parse(r.data) as DraftOp['data']),
      baseVersion: r.base_version,
    };
  }

  sentCount(localId: string): number {
    return this.sentCountStmt.get(localId)!.n;
  }

  insert(opId: string, localId: string, serverId: string | null, draft: DraftOp, at: string): void {
    this.insertStmt.run({
      op_id: opId,
      action: draft.action,
      local_id: localId,
      server_id: serverId,
      data: draft.data === null ? null : JSON.stringify(draft.data),
      base_version: draft.baseVersion,
      at,
    });
  }

  replace(seq: number, draft: DraftOp, at: string): void {
    const { changes } = this.replaceStmt.run({
      seq,
      action: draft.action,
      data: draft.data === null ? null : JSON.stringify(draft.data),
      base_version: draft.baseVersion,
      at,
    });
    if (changes !== 1)
      throw new Error(`outbox op ${seq} was sent meanwhile and cannot be rewritten`);
  }

  remove(seq: number): void {
    const { changes } = this.removeStmt.run(seq);
    if (changes !== 1) throw new Error(`outbox op ${seq} was sent meanwhile and cannot be removed`);
  }

  forVisitor(localId: string): OutboxRow[] {
    return this.forLocalStmt.all(localId).map(rowOf);
  }

  /** The operations of these records, oldest first: one statement for a page of conflicts. */
  forVisitors(localIds: readonly string[]): Map<string, OutboxRow[]> {
    const out = new Map<string, OutboxRow[]>();
    const rows = this.sql(
      'SELECT * FROM outbox WHERE local_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    ).all(JSON.stringify(localIds)) as SqlOp[];
    for (const r of rows) {
      const list = out.get(r.local_id);
      if (list) list.push(rowOf(r));
      else out.set(r.local_id, [rowOf(r)]);
    }
    return out;
  }

  /**
   * A conflict decision supersedes the record's queued operations that are not
   * on the wire (the undo record keeps them whole first, see
   * BatchesRepo.captureUndo). Failed ones stay for an admin to act on.
   * `localIds` is a JSON array.
   */
  supersede(localIds: string): void {
    this.sql(
      // `+status`: by record (outbox_by_local), not by scanning every pending operation.
      `DELETE FROM outbox WHERE local_id IN (SELECT value FROM json_each(?))
        AND +status IN ('pending', 'retrying')`,
    ).run(localIds);
  }

  /**
   * Undo of a bulk apply, for its conflicts in [fromId, toId]: the operations
   * it queued leave, and those it superseded come back exactly as they were
   * (same seq and opId), except ones the same apply had queued itself.
   */
  undoBatch(batchId: number, fromId: number, toId: number): void {
    const range = { batch: batchId, from: fromId, to: toId };
    this.sql(
      `
      DELETE FROM outbox WHERE op_id IN (SELECT op_added FROM resolve_undo
        WHERE batch_id = @batch AND conflict_id BETWEEN @from AND @to AND op_added IS NOT NULL)`,
    ).run(range);
    this.sql(
      `
      INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')})
      SELECT ${OUTBOX_COLUMNS.map((c) => `o.value ->> '$.${c}'`).join(', ')}
      FROM resolve_undo u, json_each(u.ops_removed) o
      WHERE u.batch_id = @batch AND u.conflict_id BETWEEN @from AND @to
        AND NOT EXISTS (SELECT 1 FROM resolve_undo a
          WHERE a.op_added = o.value ->> '$.op_id' AND a.batch_id = @batch)`,
    ).run(range);
  }

  /** Where an operation is: null once it left the outbox (synced, or turned into a conflict). */
  stateOf(opId: string): { status: OutboxStatus; attempts: number } | null {
    return (
      (this.sql('SELECT status, attempts FROM outbox WHERE op_id = ?').get(opId) as
        { status: OutboxStatus; attempts: number } | undefined) ?? null
    );
  }

  /** Statements of the rarer paths, prepared on first use. */
  private sql(text: string): Statement {
    let stmt = this.lazy.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.lazy.set(text, stmt);
    }
    return stmt;
  }

  counts(): OutboxCounts {
    const c: OutboxCounts = {
      total: 0,
      create: 0,
      update: 0,
      delete: 0,
      pending: 0,
      inFlight: 0,
      retrying: 0,
      failed: 0,
    };
    for (const { action, status, n } of this.countsStmt.all()) {
      c.total += n;
      c[action] += n;
      c[status === 'in_flight' ? 'inFlight' : status] += n;
    }
    return c;
  }

  // The admins' retry queue (issue 6). Set-based, so a bulk action over ten
  // thousand operations is one statement inside the caller's transaction; each
  // touches only operations that are waiting or failed, never one on the wire.

  /**
   * Due again now, with a fresh budget of attempts. A once-sent operation
   * restarts at 1, not 0: at 0 it would count as never sent and a local edit
   * could rewrite it under an opId the server may already hold.
   */
  adminRetry(seqs: readonly number[], at: string): number {
    return this.db
      .prepare(
        `UPDATE outbox SET status = 'retrying', next_attempt_at = @at,
          attempts = CASE WHEN attempts > 0 THEN 1 ELSE 0 END, exported_at = NULL, updated_at = @at
        WHERE seq IN (SELECT value FROM json_each(@seqs)) AND status IN ('retrying', 'failed')`,
      )
      .run({ seqs: JSON.stringify(seqs), at }).changes;
  }

  /** An admin's corrected payload, due at once (the caller checked it with the wire's schema). */
  adminRewrite(seq: number, data: Record<string, unknown>, at: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET data = @data, status = 'retrying', next_attempt_at = @at,
            attempts = CASE WHEN attempts > 0 THEN 1 ELSE 0 END, exported_at = NULL, updated_at = @at
          WHERE seq = @seq AND status IN ('retrying', 'failed')`,
        )
        .run({ seq, data: JSON.stringify(data), at }).changes === 1
    );
  }

  /**
   * Remembered so failed operations may be purged afterwards: called once the
   * file is saved, for the operations as the file holds them. One changed
   * since (rewritten, retried, sent) is left unmarked: the file is not its copy.
   */
  markExported(
    stamps: readonly { seq: number; updatedAt: string; data: string | null }[],
    at: string,
  ): number {
    const stmt = this.sql(
      `UPDATE outbox SET exported_at = @at
      WHERE seq = @seq AND updated_at = @updated_at AND data IS @data
        AND status IN ('retrying', 'failed')`,
    );
    let n = 0;
    for (const s of stamps)
      n += stmt.run({ seq: s.seq, updated_at: s.updatedAt, data: s.data, at }).changes;
    return n;
  }

  /**
   * Discard or archive: the operations leave the outbox, after the caller
   * copied them into the archive (and it rolls the
   * mirror back). Pending ones are only ever passed as dependents of a
   * discarded create, counted and audited by the caller; never one in flight.
   */
  adminRemove(seqs: readonly number[]): number {
    return this.db
      .prepare(
        `DELETE FROM outbox
        WHERE seq IN (SELECT value FROM json_each(@seqs)) AND status IN ('pending', 'retrying', 'failed')`,
      )
      .run({ seqs: JSON.stringify(seqs) }).changes;
  }

  /**
   * Changes left behind when their record's create went to the archive: they
   * cannot be sent, so they fail with the reason (and stay in the queue to be
   * exported, archived or discarded, or retried once the create is restored)
   * instead of waiting unseen.
   */
  adminStrand(seqs: readonly number[], error: AppError, at: string): number {
    return this.sql(
      `UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = @error, updated_at = @at
      WHERE seq IN (SELECT value FROM json_each(@seqs)) AND status IN ('pending', 'retrying', 'failed')`,
    ).run({ seqs: JSON.stringify(seqs), error: JSON.stringify(error), at }).changes;
  }
}
