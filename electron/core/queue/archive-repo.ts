import type { Statement } from 'better-sqlite3';
import type { Action } from '../../../shared/protocol';
import type { ArchiveFilter, ArchiveItem } from '../../../shared/ipc/queue-contract';
import { errorSignature } from '../../../shared/queue/signature';
import { effectiveError } from '../../../shared/queue/classify';
import type { Db } from '../db/open';
import { likePattern } from '../visitors/visitors-repo';
import { parseError } from './sql-functions';

/**
 * All SQL touching outbox_archive: discarded operations, kept whole (the
 * outbox row, every attempt with its error, who and when) instead of deleted.
 * Rows never change once written; they leave only by a restore (back to the
 * outbox) or a purge (after an export whose file was saved).
 */

interface SqlArchived {
  id: number;
  seq: number;
  op_id: string;
  action: Action;
  local_id: string;
  server_id: string | null;
  data: string | null;
  base_version: number | null;
  op_timestamp: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  visitor_name: string;
  attempt_log: string;
  archived_at: string;
  archived_by: string;
  server_name: string | null;
  discard_id: string;
  depends_on: string | null;
  exported_at: string | null;
}

interface SqlAttempt {
  at: string;
  outcome: ArchiveItem['attemptLog'][number]['outcome'];
  httpStatus: number | null;
  error: string | null;
}

function itemOf(r: SqlArchived): ArchiveItem {
  const lastError = parseError(r.last_error);
  const sig = errorSignature(lastError);
  const log = JSON.parse(r.attempt_log) as SqlAttempt[];
  return {
    id: r.id,
    opId: r.op_id,
    action: r.action,
    localId: r.local_id,
    serverId: r.server_id,
    visitorName: r.visitor_name,
    data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
    was: r.status,
    cls: sig.cls,
    code: sig.code,
    message: lastError ? effectiveError(lastError).message : '',
    lastError,
    attempts: r.attempts,
    attemptLog: log.map((a) => ({
      at: a.at,
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      error: parseError(a.error),
    })),
    createdAt: r.created_at,
    archivedAt: r.archived_at,
    archivedBy: r.archived_by,
    serverName: r.server_name,
    discardId: r.discard_id,
    dependsOn: r.depends_on,
    exportedAt: r.exported_at,
  };
}

function where(filter: ArchiveFilter, params: Record<string, unknown>): string {
  const parts: string[] = [];
  if (filter.exported !== null) parts.push(`exported_at IS ${filter.exported ? 'NOT ' : ''}NULL`);
  const text = filter.text.trim();
  if (text) {
    parts.push(`(visitor_name LIKE @q ESCAPE '\\' OR op_id LIKE @q ESCAPE '\\'
      OR local_id LIKE @q ESCAPE '\\' OR last_error LIKE @q ESCAPE '\\' OR data LIKE @q ESCAPE '\\'
      OR archived_by LIKE @q ESCAPE '\\')`);
    params.q = likePattern(text);
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** One archived operation as restore needs it (the outbox row's columns). */
export interface ArchivedRef {
  id: number;
  seq: number;
  opId: string;
  action: Action;
  localId: string;
  serverId: string | null;
  data: string | null;
  discardId: string;
}

export class ArchiveRepo {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /**
   * Copies these outbox operations into the archive, each with its attempts
   * and the visitor's name, in one statement (the caller then removes them
   * from the outbox, in the same transaction). `dependsOn`: opId → the
   * matched operation it came along with.
   */
  archive(
    seqs: readonly number[],
    by: { actor: string; serverName: string | null },
    at: string,
    discardId: string,
    dependsOn: ReadonlyMap<string, string>,
  ): number {
    return this.stmt(
      `
      INSERT INTO outbox_archive (seq, op_id, action, local_id, server_id, data, base_version,
        op_timestamp, status, attempts, last_error, created_at, updated_at, visitor_name,
        attempt_log, archived_at, archived_by, server_name, discard_id, depends_on)
      SELECT o.seq, o.op_id, o.action, o.local_id, o.server_id, o.data, o.base_version,
        o.op_timestamp, o.status, o.attempts, o.last_error, o.created_at, o.updated_at,
        coalesce((SELECT v.name FROM visitors v WHERE v.local_id = o.local_id), ''),
        (SELECT json_group_array(json_object('at', a.attempted_at, 'outcome', a.outcome,
            'httpStatus', a.http_status, 'error', a.error))
          FROM (SELECT * FROM outbox_attempts WHERE op_id = o.op_id ORDER BY id) a),
        @at, @actor, @server_name, @discard_id,
        (SELECT d.value FROM json_each(@deps) d WHERE d.key = o.op_id)
      FROM outbox o
      WHERE o.seq IN (SELECT value FROM json_each(@seqs))
        AND o.status IN ('pending', 'retrying', 'failed')
      ORDER BY o.seq`,
    ).run({
      seqs: JSON.stringify(seqs),
      at,
      actor: by.actor,
      server_name: by.serverName,
      discard_id: discardId,
      deps: JSON.stringify(Object.fromEntries(dependsOn)),
    }).changes;
  }

  count(filter: ArchiveFilter): number {
    const params: Record<string, unknown> = {};
    return (
      this.stmt(`SELECT count(*) AS n FROM outbox_archive ${where(filter, params)}`).get(
        params,
      ) as {
        n: number;
      }
    ).n;
  }

  /** Newest first: a keyset seek below `beforeId`, or `offset` rows skipped. */
  page(opts: {
    filter: ArchiveFilter;
    offset: number;
    limit: number;
    beforeId?: number | undefined;
  }): ArchiveItem[] {
    const params: Record<string, unknown> = { limit: opts.limit };
    let w = where(opts.filter, params);
    if (opts.beforeId !== undefined) {
      w = `${w ? `${w} AND` : 'WHERE'} id < @before`;
      params.before = opts.beforeId;
    } else params.offset = opts.offset;
    const sql = `SELECT * FROM outbox_archive ${w} ORDER BY id DESC LIMIT @limit
      ${opts.beforeId !== undefined ? '' : 'OFFSET @offset'}`;
    return (this.stmt(sql).all(params) as SqlArchived[]).map(itemOf);
  }

  /** Ids of what matches, oldest first (bulk actions, inside the caller's transaction). */
  ids(filter: ArchiveFilter): number[] {
    const params: Record<string, unknown> = {};
    return (
      this.stmt(`SELECT id FROM outbox_archive ${where(filter, params)} ORDER BY id`).all(
        params,
      ) as { id: number }[]
    ).map((r) => r.id);
  }

  items(ids: readonly number[]): ArchiveItem[] {
    return (
      this.stmt(
        'SELECT * FROM outbox_archive WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY id',
      ).all({ ids: JSON.stringify(ids) }) as SqlArchived[]
    ).map(itemOf);
  }

  refs(ids: readonly number[]): ArchivedRef[] {
    return (
      this.stmt(
        `SELECT id, seq, op_id, action, local_id, server_id, data, discard_id FROM outbox_archive
        WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY seq`,
      ).all({ ids: JSON.stringify(ids) }) as SqlArchived[]
    ).map((r) => ({
      id: r.id,
      seq: r.seq,
      opId: r.op_id,
      action: r.action,
      localId: r.local_id,
      serverId: r.server_id,
      data: r.data,
      discardId: r.discard_id,
    }));
  }

  /**
   * The operations discarded with this one for the same record the server
   * never had (a create and its changes): restored together, since neither
   * can be sent without the other.
   */
  discardedWith(discardId: string, localId: string): number[] {
    return (
      this.stmt(
        `SELECT id FROM outbox_archive WHERE discard_id = ? AND local_id = ? AND server_id IS NULL
        ORDER BY seq`,
      ).all(discardId, localId) as { id: number }[]
    ).map((r) => r.id);
  }

  /**
   * Back into the outbox, as they were (same seq and opId; their attempts are
   * still in outbox_attempts), for an admin to retry, edit or discard: failed,
   * except a change never sent, which waits as pending.
   */
  restore(ids: readonly number[], at: string): number {
    const params = { ids: JSON.stringify(ids), at };
    const n = this.stmt(
      `
      INSERT INTO outbox (seq, op_id, action, local_id, server_id, data, base_version, op_timestamp,
        status, attempts, next_attempt_at, last_error, created_at, updated_at, exported_at)
      SELECT seq, op_id, action, local_id, server_id, data, base_version, op_timestamp,
        CASE WHEN status = 'pending' AND attempts = 0 THEN 'pending' ELSE 'failed' END,
        attempts, NULL, last_error, created_at, @at, NULL
      FROM outbox_archive WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY seq`,
    ).run(params).changes;
    this.stmt('DELETE FROM outbox_archive WHERE id IN (SELECT value FROM json_each(@ids))').run({
      ids: params.ids,
    });
    return n;
  }

  /** Called once an export's file is saved: these may now be purged. */
  markExported(ids: readonly number[], at: string): number {
    return this.stmt(
      'UPDATE outbox_archive SET exported_at = @at WHERE id IN (SELECT value FROM json_each(@ids))',
    ).run({ ids: JSON.stringify(ids), at }).changes;
  }

  /** What a purge may remove: archived operations whose export file was saved. */
  exported(): ArchiveItem[] {
    return (
      this.stmt(
        'SELECT * FROM outbox_archive WHERE exported_at IS NOT NULL ORDER BY id',
      ).all() as SqlArchived[]
    ).map(itemOf);
  }

  remove(ids: readonly number[]): number {
    return this.stmt(
      `DELETE FROM outbox_archive WHERE id IN (SELECT value FROM json_each(@ids))
        AND exported_at IS NOT NULL`,
    ).run({ ids: JSON.stringify(ids) }).changes;
  }

  facets(): { total: number; exported: number; unexported: number } {
    const r = this.stmt(
      `SELECT count(*) AS total, coalesce(sum(exported_at IS NOT NULL), 0) AS exported
      FROM outbox_archive`,
    ).get() as { total: number; exported: number };
    return { total: r.total, exported: r.exported, unexported: r.total - r.exported };
  }
}
