import type { Statement } from 'better-sqlite3';
import { CONFLICT_LOOP_CODE, effectiveError, gaveUp } from '../../../shared/queue/classify';
import type {
  QueueAttempt,
  QueueCursor,
  QueueFacets,
  QueueFilter,
  QueueGroup,
  QueueItem,
  QueueSort,
} from '../../../shared/ipc/queue-contract';
import { errorSignature } from '../../../shared/queue/signature';
import type { OutboxStatus } from '../../../shared/ipc/contract';
import type { Action } from '../../../shared/protocol';
import type { Db } from '../db/open';
import { FTS_LOCAL_IDS, ftsQuery } from '../visitors/visitor-search';
import { likePattern } from '../visitors/visitors-repo';
import { parseError, registerQueueFunctions } from './sql-functions';

/**
 * The admins' view of what did not go through: outbox operations that are
 * retrying or failed, plus conflicts that came back after being resolved
 * (a conflict loop: the opId a resolution queued, in resolve_undo.op_added,
 * conflicted again). Read-only queries across outbox, outbox_attempts,
 * conflicts and visitors; the writes live in each table's repository.
 */

// The conflict half reads issue 5's tables with its own query (conflicts-repo.ts is not ours).
const ITEMS = `
  SELECT 'outbox' AS source, o.op_id, o.seq, o.action, o.local_id, o.server_id, o.data,
    o.status, o.next_attempt_at, o.last_error, o.created_at, o.exported_at,
    coalesce(v.name, '') AS visitor_name
  FROM outbox o LEFT JOIN visitors v ON v.local_id = o.local_id
  WHERE o.status IN ('retrying', 'failed')
  UNION ALL
  SELECT 'conflict', c.op_id, NULL, c.action, c.local_id, c.server_id, c.client_data,
    'failed', NULL,
    json_object('code', '${CONFLICT_LOOP_CODE}', 'retryable', json('false'), 'message',
      'It conflicted again after it was resolved' ||
      coalesce(' (on ' || (SELECT group_concat(value, ', ') FROM json_each(c.conflict_fields)) || ')', '') || '.'),
    c.created_at, NULL, coalesce(v.name, c.visitor_name)
  FROM conflicts c LEFT JOIN visitors v ON v.local_id = c.local_id
  WHERE c.status = 'open' AND EXISTS (SELECT 1 FROM resolve_undo u WHERE u.op_added = c.op_id)`;

const ENRICHED = `
  WITH items AS (${ITEMS}),
  enriched AS (
    SELECT i.*, queue_class(i.last_error) AS cls, queue_code(i.last_error) AS code,
      queue_signature(i.last_error) AS signature,
      (SELECT count(*) FROM outbox_attempts a WHERE a.op_id = i.op_id) AS attempt_count,
      (SELECT min(attempted_at) FROM outbox_attempts a WHERE a.op_id = i.op_id) AS first_at,
      (SELECT max(attempted_at) FROM outbox_attempts a WHERE a.op_id = i.op_id) AS last_at
    FROM items i)`;

/** Every sort key as text, so one keyset cursor shape fits all columns. */
const SORT_KEY: Record<QueueSort['column'], string> = {
  created: 'created_at',
  visitor: 'lower(visitor_name)',
  action: 'action',
  code: 'code',
  attempts: "printf('%010d', attempt_count)",
  nextAttempt: "coalesce(next_attempt_at, '')",
  firstAttempt: "coalesce(first_at, '')",
  lastAttempt: "coalesce(last_at, '')",
};

interface SqlItem {
  source: 'outbox' | 'conflict';
  op_id: string;
  seq: number | null;
  action: Action;
  local_id: string;
  server_id: string | null;
  data: string | null;
  status: OutboxStatus;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  exported_at: string | null;
  visitor_name: string;
  cls: QueueItem['cls'];
  code: string;
  signature: string;
  attempt_count: number;
  first_at: string | null;
  last_at: string | null;
  sort_key?: string;
}

function itemOf(r: SqlItem): QueueItem {
  const lastError = parseError(r.last_error);
  const sig = errorSignature(lastError);
  return {
    opId: r.op_id,
    source: r.source,
    // The items query lists retrying and failed operations only.
    status: r.status as QueueItem['status'],
    action: r.action,
    localId: r.local_id,
    serverId: r.server_id,
    visitorName: r.visitor_name,
    data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
    cls: sig.cls,
    code: sig.code,
    message: lastError ? effectiveError(lastError).message : '',
    gaveUp: lastError?.code === 'max_attempts',
    signature: sig.key,
    lastError,
    attempts: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    firstAttemptAt: r.first_at,
    lastAttemptAt: r.last_at,
    createdAt: r.created_at,
    exportedAt: r.exported_at,
  };
}

/**
 * A matched operation, as bulk actions need it. Queue items are retrying or
 * failed; an operation that depends on one (see dependentsOf) may be pending.
 */
export interface QueueRef {
  source: 'outbox' | 'conflict';
  opId: string;
  seq: number | null;
  action: Action;
  localId: string;
  serverId: string | null;
  status: OutboxStatus;
  exportedAt: string | null;
}

/** What an export's file holds of each outbox operation: marked exported only if still so. */
export interface ExportStamp {
  seq: number;
  updatedAt: string;
  data: string | null;
}

function where(filter: QueueFilter, params: Record<string, unknown>): string {
  const parts: string[] = [];
  if (filter.status) {
    parts.push('status = @status');
    params.status = filter.status;
  }
  if (filter.cls) {
    parts.push('cls = @cls');
    params.cls = filter.cls;
  }
  if (filter.code) {
    // "server" also finds the operations that gave up after server errors ("max_attempts:server").
    parts.push("(code = @code OR code = 'max_attempts:' || @code)");
    params.code = filter.code;
  }
  if (filter.action) {
    parts.push('action = @action');
    params.action = filter.action;
  }
  if (filter.signature) {
    parts.push('signature = @signature');
    params.signature = filter.signature;
  }
  const text = filter.text.trim();
  if (text) {
    // The visitors screen's search on the operation's visitor, or the operation's own text.
    const fts = ftsQuery(text);
    if (fts) params.fts = fts;
    parts.push(`(${fts ? `local_id IN (${FTS_LOCAL_IDS})` : `visitor_name LIKE @q ESCAPE '\\'`} OR op_id LIKE @q ESCAPE '\\'
      OR local_id LIKE @q ESCAPE '\\' OR last_error LIKE @q ESCAPE '\\' OR data LIKE @q ESCAPE '\\')`);
    params.q = likePattern(text);
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

export class QueueRepo {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    registerQueueFunctions(db);
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  count(filter: QueueFilter): number {
    const params: Record<string, unknown> = {};
    const sql = `${ENRICHED} SELECT count(*) AS n FROM enriched ${where(filter, params)}`;
    return (this.stmt(sql).get(params) as { n: number }).n;
  }

  /** One page in the requested order: a keyset seek past `after`, or `offset` rows skipped. */
  page(opts: {
    filter: QueueFilter;
    sort: QueueSort;
    offset: number;
    limit: number;
    after?: QueueCursor | undefined;
  }): { rows: QueueItem[]; last: QueueCursor | null } {
    const params: Record<string, unknown> = { limit: opts.limit };
    const key = SORT_KEY[opts.sort.column];
    const desc = opts.sort.direction === 'desc';
    const dir = desc ? 'DESC' : 'ASC';
    let w = where(opts.filter, params);
    if (opts.after) {
      w = `${w ? `${w} AND` : 'WHERE'} (${key}, op_id) ${desc ? '<' : '>'} (@after_key, @after_id)`;
      params.after_key = opts.after.key;
      params.after_id = opts.after.opId;
    } else params.offset = opts.offset;
    const sql = `${ENRICHED} SELECT *, ${key} AS sort_key FROM enriched ${w}
      ORDER BY ${key} ${dir}, op_id ${dir} LIMIT @limit ${opts.after ? '' : 'OFFSET @offset'}`;
    const raw = this.stmt(sql).all(params) as SqlItem[];
    const tail = raw.at(-1);
    return {
      rows: raw.map(itemOf),
      last: tail ? { key: String(tail.sort_key ?? ''), opId: tail.op_id } : null,
    };
  }

  /**
   * The opIds at positions [offset, offset + limit) in a page's order (the
   * same ORDER BY, tiebreaker included): position n here is row n of the
   * table, for a Shift-click range over rows the window does not hold.
   */
  opIdsAt(opts: { filter: QueueFilter; sort: QueueSort; offset: number; limit: number }): string[] {
    const params: Record<string, unknown> = { limit: opts.limit, offset: opts.offset };
    const key = SORT_KEY[opts.sort.column];
    const dir = opts.sort.direction === 'desc' ? 'DESC' : 'ASC';
    const sql = `${ENRICHED} SELECT op_id FROM enriched ${where(opts.filter, params)}
      ORDER BY ${key} ${dir}, op_id ${dir} LIMIT @limit OFFSET @offset`;
    return this.stmt(sql).pluck().all(params) as string[];
  }

  item(opId: string): QueueItem | null {
    const sql = `${ENRICHED} SELECT * FROM enriched WHERE op_id = @op_id`;
    const r = this.stmt(sql).get({ op_id: opId }) as SqlItem | undefined;
    return r ? itemOf(r) : null;
  }

  /** Everything matching, for bulk actions and exports (inside the caller's transaction). */
  refs(filter: QueueFilter): QueueRef[] {
    const params: Record<string, unknown> = {};
    const sql = `${ENRICHED} SELECT source, op_id, seq, action, local_id, server_id, status, exported_at
      FROM enriched ${where(filter, params)} ORDER BY created_at, op_id`;
    return (this.stmt(sql).all(params) as SqlItem[]).map(refOf);
  }

  refsByOpIds(opIds: readonly string[]): QueueRef[] {
    const sql = `${ENRICHED} SELECT source, op_id, seq, action, local_id, server_id, status, exported_at
      FROM enriched WHERE op_id IN (SELECT value FROM json_each(@ids)) ORDER BY created_at, op_id`;
    return (this.stmt(sql).all({ ids: JSON.stringify(opIds) }) as SqlItem[]).map(refOf);
  }

  /** Full items for an export, in pages so 100 000 rows never sit in one array of rows twice. */
  items(filter: QueueFilter | null, opIds: readonly string[] | null): QueueItem[] {
    if (opIds) {
      const sql = `${ENRICHED} SELECT * FROM enriched
        WHERE op_id IN (SELECT value FROM json_each(@ids)) ORDER BY created_at, op_id`;
      return (this.stmt(sql).all({ ids: JSON.stringify(opIds) }) as SqlItem[]).map(itemOf);
    }
    const params: Record<string, unknown> = {};
    const sql = `${ENRICHED} SELECT * FROM enriched ${where(filter!, params)} ORDER BY created_at, op_id`;
    return (this.stmt(sql).all(params) as SqlItem[]).map(itemOf);
  }

  /** Failures grouped by error signature, biggest first. */
  groups(filter: QueueFilter, limit: number): { groups: QueueGroup[]; total: number } {
    const params: Record<string, unknown> = { limit };
    const sql = `${ENRICHED} SELECT signature, min(last_error) AS sample, count(*) AS n,
        sum(status = 'retrying') AS retrying, sum(status = 'failed') AS failed,
        count(*) OVER () AS total
      FROM enriched ${where({ ...filter, signature: null }, params)}
      GROUP BY signature ORDER BY n DESC, signature LIMIT @limit`;
    const rows = this.stmt(sql).all(params) as {
      signature: string;
      sample: string | null;
      n: number;
      retrying: number;
      failed: number;
      total: number;
    }[];
    return {
      total: rows[0]?.total ?? 0,
      groups: rows.map((r) => {
        const sample = parseError(r.sample);
        const s = errorSignature(sample);
        return {
          signature: r.signature,
          cls: s.cls,
          code: s.code,
          // Real words: one member's message as the server wrote it, not the normalised key.
          message: sample ? effectiveError(sample).message : '',
          gaveUp: gaveUp(sample),
          count: r.n,
          retrying: r.retrying,
          failed: r.failed,
        };
      }),
    };
  }

  facets(): QueueFacets {
    const sql = `${ENRICHED} SELECT
        coalesce(sum(status = 'retrying'), 0) AS retrying, coalesce(sum(status = 'failed'), 0) AS failed,
        coalesce(sum(source = 'conflict'), 0) AS loops,
        coalesce(sum(source = 'outbox' AND status = 'failed' AND exported_at IS NOT NULL), 0) AS exported,
        coalesce(sum(source = 'outbox' AND status = 'failed' AND exported_at IS NULL), 0) AS unexported
      FROM enriched`;
    const t = this.stmt(sql).get() as {
      retrying: number;
      failed: number;
      loops: number;
      exported: number;
      unexported: number;
    };
    const codes = this.stmt(
      `${ENRICHED} SELECT code, count(*) AS count FROM enriched GROUP BY code ORDER BY count DESC, code LIMIT 100`,
    ).all() as { code: string; count: number }[];
    return {
      retrying: t.retrying,
      failed: t.failed,
      conflictLoops: t.loops,
      codes,
      exportedFailed: t.exported,
      unexportedFailed: t.unexported,
    };
  }

  /** Failed operations that were exported: what "archive exported" moves to the archive. */
  exportedFailed(): QueueRef[] {
    const sql = `SELECT 'outbox' AS source, op_id, seq, action, local_id, server_id, status, exported_at
      FROM outbox WHERE status = 'failed' AND exported_at IS NOT NULL ORDER BY seq`;
    return (this.stmt(sql).all() as SqlItem[]).map(refOf);
  }

  /** The timeline of one operation's attempts, oldest first. */
  attempts(opId: string): QueueAttempt[] {
    const rows = this.stmt(
      `SELECT attempted_at, run_id, chunk, outcome, http_status, error
       FROM outbox_attempts WHERE op_id = ? ORDER BY id`,
    ).all(opId) as {
      attempted_at: string;
      run_id: number | null;
      chunk: string | null;
      outcome: QueueAttempt['outcome'];
      http_status: number | null;
      error: string | null;
    }[];
    return rows.map((r) => ({
      at: r.attempted_at,
      runId: r.run_id,
      chunk: r.chunk,
      outcome: r.outcome,
      httpStatus: r.http_status,
      error: parseError(r.error),
    }));
  }

  /** The operations of one record still in the outbox, oldest first (discard keeps the others' values). */
  remainingFor(
    localId: string,
  ): { seq: number; opId: string; action: Action; data: string | null }[] {
    return this.stmt(
      'SELECT seq, op_id AS opId, action, data FROM outbox WHERE local_id = ? ORDER BY seq',
    ).all(localId) as { seq: number; opId: string; action: Action; data: string | null }[];
  }

  /** Failed changes that only waited on this record's create (retried with it). */
  blockedBy(localId: string): QueueRef[] {
    return (
      this.stmt(
        `SELECT 'outbox' AS source, op_id, seq, action, local_id, server_id, status, exported_at
         FROM outbox WHERE local_id = ? AND status = 'failed' AND action != 'create'
         AND json_extract(last_error, '$.code') = 'create_failed' ORDER BY seq`,
      ).all(localId) as SqlItem[]
    ).map(refOf);
  }

  /**
   * The changes queued after a create the server never acknowledged (the
   * record has no server id): without the create they can never be sent, so
   * discarding the create takes them too. Any status but in flight.
   */
  dependentsOf(localId: string): QueueRef[] {
    return (
      this.stmt(
        `SELECT 'outbox' AS source, op_id, seq, action, local_id, server_id, status, exported_at
         FROM outbox o WHERE local_id = ? AND action != 'create' AND status != 'in_flight'
           AND server_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.local_id = o.local_id AND v.server_id IS NOT NULL)
         ORDER BY seq`,
      ).all(localId) as SqlItem[]
    ).map(refOf);
  }

  /**
   * A change that can never be sent: its record was never created on the
   * server and no create for it is queued any more (it went to the archive).
   */
  stranded(ref: Pick<QueueRef, 'action' | 'localId' | 'serverId'>): boolean {
    if (ref.action === 'create' || ref.serverId !== null) return false;
    const r = this.stmt(
      `SELECT EXISTS (SELECT 1 FROM outbox WHERE local_id = @id AND action = 'create') AS has_create,
         EXISTS (SELECT 1 FROM visitors WHERE local_id = @id AND server_id IS NOT NULL) AS on_server`,
    ).get({ id: ref.localId }) as { has_create: number; on_server: number };
    return !r.has_create && !r.on_server;
  }

  /** What an export's file holds of these operations, to mark them exported only if unchanged since. */
  exportStamps(seqs: readonly number[]): ExportStamp[] {
    return (
      this.stmt(
        `SELECT seq, updated_at, data FROM outbox WHERE seq IN (SELECT value FROM json_each(@seqs))`,
      ).all({ seqs: JSON.stringify(seqs) }) as {
        seq: number;
        updated_at: string;
        data: string | null;
      }[]
    ).map((r) => ({ seq: r.seq, updatedAt: r.updated_at, data: r.data }));
  }
}

function refOf(r: SqlItem): QueueRef {
  return {
    source: r.source,
    opId: r.op_id,
    seq: r.seq,
    action: r.action,
    localId: r.local_id,
    serverId: r.server_id,
    status: r.status,
    exportedAt: r.exported_at,
  };
}
