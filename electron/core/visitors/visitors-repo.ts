import type { Statement } from 'better-sqlite3';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import type { Action } from '../../../shared/protocol';
import { type Visitor, type VisitorValues, VisitorValuesSchema } from '../../../shared/visitor';
import type { Db } from '../db/open';

/** A mirror row as the core sees it. */
export interface VisitorRecord {
  localId: string;
  serverId: string | null;
  serverVersion: number | null;
  values: VisitorValues;
  /** The record as last synced (merge base); null until the server has it. */
  base: VisitorValues | null;
  dirty: boolean;
  deleted: boolean;
  lastModified: string | null;
  createdAt: string;
  updatedAt: string;
}

interface SqlRow {
  local_id: string;
  server_id: string | null;
  server_version: number | null;
  name: string;
  company: string | null;
  email: string | null;
  title: string | null;
  phone: string | null;
  interests: string;
  notes: string | null;
  capture_method: string | null;
  captured_at: string | null;
  last_modified: string | null;
  base: string | null;
  dirty: number;
  deleted: number;
  created_at: string;
  updated_at: string;
  pending?: Action | null;
  sort_key?: string;
}

const SORT_EXPR: Record<VisitorSort['column'], string> = {
  name: 'name COLLATE NOCASE',
  company: "ifnull(company, '') COLLATE NOCASE",
  email: "ifnull(email, '') COLLATE NOCASE",
  title: "ifnull(title, '') COLLATE NOCASE",
  updatedAt: 'updated_at',
};

const SEARCH = `(name LIKE @q ESCAPE '\\' OR company LIKE @q ESCAPE '\\' OR email LIKE @q ESCAPE '\\')`;
const PENDING = `(SELECT o.action FROM outbox o WHERE o.local_id = v.local_id ORDER BY o.seq DESC LIMIT 1)`;

function valuesOf(r: SqlRow): VisitorValues {
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

function recordOf(r: SqlRow): VisitorRecord {
  return {
    localId: r.local_id,
    serverId: r.server_id,
    serverVersion: r.server_version,
    values: valuesOf(r),
    base: r.base === null ? null : VisitorValuesSchema.parse(JSON.parse(r.base)),
    dirty: r.dirty === 1,
    deleted: r.deleted === 1,
    lastModified: r.last_modified,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function rowOf(r: SqlRow): VisitorRow {
  // Built field by field: a spread of valuesOf() per row was a fifth of a page's time.
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
    localId: r.local_id,
    serverId: r.server_id,
    version: r.server_version,
    dirty: r.dirty === 1,
    pending: r.pending ?? null,
    updatedAt: r.updated_at,
  };
}

/**
 * The columns a table row shows. Pages read only these: the merge base (as
 * long again as the record) and the bookkeeping columns were read into
 * strings for every row and thrown away.
 */
const ROW_COLUMNS =
  'v.local_id, v.server_id, v.server_version, v.name, v.company, v.email, v.title, v.phone, v.interests, v.notes, v.capture_method, v.captured_at, v.dirty, v.updated_at';

function valueParams(v: VisitorValues) {
  return {
    name: v.name,
    company: v.company,
    email: v.email,
    title: v.title,
    phone: v.phone,
    interests: JSON.stringify(v.interests),
    notes: v.notes,
    capture_method: v.captureMethod,
    captured_at: v.capturedAt,
  };
}

const RAW_COLUMNS = [
  'local_id',
  'server_id',
  'server_version',
  'name',
  'company',
  'email',
  'title',
  'phone',
  'interests',
  'notes',
  'capture_method',
  'captured_at',
  'last_modified',
  'base',
  'dirty',
  'deleted',
  'created_at',
  'updated_at',
] as const;

/** `%text%` with LIKE's wildcards taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** All SQL touching the visitors table. */
export class VisitorsRepo {
  private readonly byId: Statement<[string], SqlRow>;
  private readonly insertStmt: Statement;
  private readonly updateValuesStmt: Statement;
  private readonly markDeletedStmt: Statement;
  private readonly removeStmt: Statement;
  private readonly upsertSyncedStmt: Statement;
  private readonly pageStmts = new Map<string, Statement>();
  private readonly byServerIdStmt: Statement<[string], SqlRow>;
  private readonly ackStmt: Statement;
  private readonly pulledMergeStmt: Statement;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT v.*, ${PENDING} AS pending FROM visitors v WHERE local_id = ?`);
    this.insertStmt = db.prepare(`
      INSERT INTO visitors (local_id, name, company, email, title, phone, interests, notes,
        capture_method, captured_at, dirty, created_at, updated_at)
      VALUES (@local_id, @name, @company, @email, @title, @phone, @interests, @notes,
        @capture_method, @captured_at, 1, @at, @at)`);
    this.updateValuesStmt = db.prepare(`
      UPDATE visitors SET name = @name, company = @company, email = @email, title = @title,
        phone = @phone, interests = @interests, notes = @notes, capture_method = @capture_method,
        captured_at = @captured_at, dirty = @dirty, updated_at = @at
      WHERE local_id = @local_id`);
    this.markDeletedStmt = db.prepare(
      `UPDATE visitors SET deleted = 1, dirty = 1, updated_at = @at WHERE local_id = @local_id`,
    );
    this.removeStmt = db.prepare(`DELETE FROM visitors WHERE local_id = ?`);
    this.byServerIdStmt = db.prepare(
      `SELECT v.*, NULL AS pending FROM visitors v WHERE server_id = ?`,
    );
    this.ackStmt = db.prepare(`
      UPDATE visitors SET server_id = coalesce(@server_id, server_id),
        server_version = coalesce(@server_version, server_version), base = @base, dirty = @dirty,
        updated_at = @at
      WHERE local_id = @local_id`);
    this.pulledMergeStmt = db.prepare(`
      UPDATE visitors SET name = @name, company = @company, email = @email, title = @title,
        phone = @phone, interests = @interests, notes = @notes, capture_method = @capture_method,
        captured_at = @captured_at, last_modified = @last_modified, base = @base,
        server_version = coalesce(@server_version, server_version), updated_at = @at
      WHERE local_id = @local_id`);
    this.upsertSyncedStmt = db.prepare(`
      INSERT INTO visitors (local_id, server_id, server_version, name, company, email, title, phone,
        interests, notes, capture_method, captured_at, last_modified, base, dirty, deleted,
        created_at, updated_at)
      VALUES (@local_id, @server_id, @server_version, @name, @company, @email, @title, @phone,
        @interests, @notes, @capture_method, @captured_at, @last_modified, @base, 0, 0, @at, @at)
      ON CONFLICT (local_id) DO UPDATE SET server_id = excluded.server_id,
        server_version = excluded.server_version, name = excluded.name, company = excluded.company,
        email = excluded.email, title = excluded.title, phone = excluded.phone,
        interests = excluded.interests, notes = excluded.notes,
        capture_method = excluded.capture_method, captured_at = excluded.captured_at,
        last_modified = excluded.last_modified, base = excluded.base, dirty = 0, deleted = 0,
        updated_at = excluded.updated_at`);
  }

  /** After the server acknowledged an operation: its id, version and the new merge base. */
  ack(
    localId: string,
    a: { serverId: string | null; version: number | null; base: VisitorValues; dirty: boolean },
    at: string,
  ): void {
    this.ackStmt.run({
      local_id: localId,
      server_id: a.serverId,
      server_version: a.version,
      base: JSON.stringify(a.base),
      dirty: a.dirty ? 1 : 0,
      at,
    });
  }

  /**
   * A pulled change met unsynced local edits: the merged values, and the pulled
   * record as the new merge base and version (the queued operation keeps the
   * baseVersion it was made from).
   */
  mergePulled(
    localId: string,
    pulled: {
      values: VisitorValues;
      base: VisitorValues;
      version: number | null;
      lastModified: string;
    },
    at: string,
  ): void {
    this.pulledMergeStmt.run({
      local_id: localId,
      ...valueParams(pulled.values),
      base: JSON.stringify(pulled.base),
      server_version: pulled.version,
      last_modified: pulled.lastModified,
      at,
    });
  }

  /**
   * ack() for a chunk of records with nothing queued after the acknowledged
   * operation, in one statement: the merge base becomes the record's own
   * values (what baseAfterAck gives with no later fields), built by SQLite
   * from the columns, so no row is read into JavaScript and written back.
   */
  ackMany(
    acks: readonly { localId: string; serverId: string | null; version: number | null }[],
    at: string,
  ): void {
    if (acks.length === 0) return;
    this.lazy(
      `
      UPDATE visitors SET server_id = coalesce(a.server_id, visitors.server_id),
        server_version = coalesce(a.version, visitors.server_version),
        base = json_object('name', name, 'company', company, 'email', email, 'title', title,
          'phone', phone, 'interests', json(interests), 'notes', notes,
          'captureMethod', capture_method, 'capturedAt', captured_at),
        dirty = 0, updated_at = @at
      FROM (SELECT value ->> 'l' AS local_id, value ->> 's' AS server_id, value ->> 'v' AS version
            FROM json_each(@acks)) a
      WHERE visitors.local_id = a.local_id`,
    ).run({
      acks: JSON.stringify(acks.map((a) => ({ l: a.localId, s: a.serverId, v: a.version }))),
      at,
    });
  }

  /** remove() for several records in one statement. */
  removeMany(localIds: readonly string[]): void {
    if (localIds.length === 0) return;
    this.lazy('DELETE FROM visitors WHERE local_id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(localIds),
    );
  }

  /** Whether any of these server ids is held by a row other than the given record. */
  heldByOther(pairs: readonly { localId: string; serverId: string }[]): boolean {
    if (pairs.length === 0) return false;
    return (
      this.lazy(
        `
        SELECT 1 FROM json_each(?) p JOIN visitors v ON v.server_id = p.value ->> 's'
        WHERE v.local_id != p.value ->> 'l' LIMIT 1`,
      ).get(JSON.stringify(pairs.map((p) => ({ l: p.localId, s: p.serverId })))) !== undefined
    );
  }

  byServerId(serverId: string): VisitorRecord | undefined {
    const r = this.byServerIdStmt.get(serverId);
    return r && recordOf(r);
  }

  get(localId: string): VisitorRecord | undefined {
    const r = this.byId.get(localId);
    return r && recordOf(r);
  }

  row(localId: string): VisitorRow | undefined {
    const r = this.byId.get(localId);
    return r && rowOf(r);
  }

  insertLocal(localId: string, values: VisitorValues, at: string): void {
    this.insertStmt.run({ local_id: localId, ...valueParams(values), at });
  }

  updateValues(localId: string, values: VisitorValues, dirty: boolean, at: string): void {
    this.updateValuesStmt.run({
      local_id: localId,
      ...valueParams(values),
      dirty: dirty ? 1 : 0,
      at,
    });
  }

  markDeleted(localId: string, at: string): void {
    this.markDeletedStmt.run({ local_id: localId, at });
  }

  remove(localId: string): void {
    this.removeStmt.run(localId);
  }

  /**
   * Writes records the server holds, as synced (their values are also the new
   * merge base). Callers wrap batches in one transaction, sorted by id.
   */
  upsertSynced(localId: string, visitor: Visitor, at: string): void {
    // The change page was checked against the wire's schema when it arrived
    // (server-api.ts); parsing each record again cost a tenth of the mirror.
    const values: VisitorValues = {
      name: visitor.name,
      company: visitor.company,
      email: visitor.email,
      title: visitor.title,
      phone: visitor.phone,
      interests: visitor.interests,
      notes: visitor.notes,
      captureMethod: visitor.captureMethod,
      capturedAt: visitor.capturedAt,
    };
    this.upsertSyncedStmt.run({
      local_id: localId,
      server_id: visitor.id,
      server_version: visitor.version ?? null,
      ...valueParams(values),
      last_modified: visitor.lastModified,
      base: JSON.stringify(values),
      at,
    });
  }

  /** Every column of a row, for an undo log that must put it back exactly. */
  raw(localId: string): Record<string, unknown> | undefined {
    return this.lazy('SELECT * FROM visitors WHERE local_id = ?').get(localId) as
      Record<string, unknown> | undefined;
  }

  /** Puts back a row taken with raw(), whatever happened to it since. */
  restoreRaw(row: Record<string, unknown>): void {
    this.lazy(
      `
      INSERT OR REPLACE INTO visitors (${RAW_COLUMNS.join(', ')})
      VALUES (${RAW_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    ).run(row);
  }

  /**
   * A conflict decision written to the mirror: the resulting values, the
   * server's record as the new merge base (and its version and id), and
   * whether something is left to push.
   */
  applyDecision(
    localId: string,
    d: {
      values: VisitorValues;
      base: VisitorValues | null;
      serverId: string | null;
      serverVersion: number | null;
      dirty: boolean;
      deleted: boolean;
    },
    at: string,
  ): void {
    this.lazy(
      `
      UPDATE visitors SET name = @name, company = @company, email = @email, title = @title,
        phone = @phone, interests = @interests, notes = @notes, capture_method = @capture_method,
        captured_at = @captured_at, base = @base, server_id = @server_id,
        server_version = @server_version, dirty = @dirty, deleted = @deleted, updated_at = @at
      WHERE local_id = @local_id`,
    ).run({
      local_id: localId,
      ...valueParams(d.values),
      base: d.base === null ? null : JSON.stringify(d.base),
      server_id: d.serverId,
      server_version: d.serverVersion,
      dirty: d.dirty ? 1 : 0,
      deleted: d.deleted ? 1 : 0,
      at,
    });
  }

  private lazy(sql: string): Statement {
    return this.cached(`lazy:${sql}`, sql);
  }

  count(search: string): number {
    const sql = search
      ? `SELECT count(*) AS n FROM visitors WHERE deleted = 0 AND ${SEARCH}`
      : `SELECT count(*) AS n FROM visitors WHERE deleted = 0`;
    const stmt = this.cached(`count:${search ? 's' : ''}`, sql);
    const r = (search ? stmt.get({ q: likePattern(search) }) : stmt.get()) as { n: number };
    return r.n;
  }

  /**
   * One page in the requested order. With `after` it seeks past that row
   * through the sort index (keyset); without, it skips `offset` rows.
   */
  page(opts: {
    search: string;
    sort: VisitorSort;
    offset: number;
    limit: number;
    after?: PageCursor | undefined;
  }): { rows: VisitorRow[]; last: PageCursor | null } {
    const expr = SORT_EXPR[opts.sort.column];
    const desc = opts.sort.direction === 'desc';
    const dir = desc ? 'DESC' : 'ASC';
    const where = ['deleted = 0'];
    if (opts.search) where.push(SEARCH);
    if (opts.after) {
      // The plain range bound is what lets SQLite seek the index: a row value
      // with a COLLATE alone makes it scan from the start (measured: O(n) per page).
      where.push(`${expr} ${desc ? '<=' : '>='} @key`);
      where.push(`(${expr}, local_id) ${desc ? '<' : '>'} (@key, @after_id)`);
    }
    const sql = `SELECT ${ROW_COLUMNS}, ${PENDING} AS pending, ${expr.replace(/ COLLATE NOCASE$/, '')} AS sort_key
      FROM visitors v WHERE ${where.join(' AND ')}
      ORDER BY ${expr} ${dir}, local_id ${dir} LIMIT @limit ${opts.after ? '' : 'OFFSET @offset'}`;
    const key = `page:${opts.sort.column}:${dir}:${opts.search ? 's' : ''}:${opts.after ? 'k' : 'o'}`;
    const params: Record<string, unknown> = { limit: opts.limit };
    if (opts.search) params.q = likePattern(opts.search);
    if (opts.after) {
      params.key = opts.after.key;
      params.after_id = opts.after.localId;
    } else params.offset = opts.offset;
    const raw = this.cached(key, sql).all(params) as SqlRow[];
    const tail = raw.at(-1);
    return {
      rows: raw.map(rowOf),
      last: tail ? { key: String(tail.sort_key ?? ''), localId: tail.local_id } : null,
    };
  }

  private cached(key: string, sql: string): Statement {
    let stmt = this.pageStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.pageStmts.set(key, stmt);
    }
    return stmt;
  }
}
