import type { Statement } from 'better-sqlite3';
import type {
  ConflictCursor,
  ConflictFilter,
  ConflictSort,
  ConflictTarget,
} from '../../../shared/ipc/conflicts-contract';
import type { Action, ConflictData } from '../../../shared/protocol';
import { captureGapMs, DAY_MS, DEFAULT_STALE_CAPTURE_DAYS } from '../../../shared/resolve/stale';
import { ResolutionSchema, type Resolution } from '../../../shared/resolve/types';
import { fieldMask, VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import type { Db } from '../db/open';
import { FTS_LOCAL_IDS, ftsQuery } from '../visitors/visitor-search';
import { likePattern } from '../visitors/visitors-repo';

export interface ConflictRow {
  id: number;
  localId: string;
  serverId: string | null;
  opId: string;
  action: Action;
  kind: NonNullable<ConflictData['kind']>;
  conflictFields: string[];
  clientData: Record<string, unknown>;
  serverData: Record<string, unknown> | null;
  baseData: Record<string, unknown> | null;
  baseVersion: number | null;
  serverVersion: number | null;
  status: 'open' | 'resolved';
  createdAt: string;
  name: string;
  company: string;
  draft: Resolution | null;
  /** The saved rule whose decision the draft is, while nobody changed it. */
  draftRule: string | null;
  batchId: number | null;
  /** How much earlier the client's change was made than the server's (ms), when known. */
  captureGapMs: number | null;
}

interface SqlConflict {
  id: number;
  local_id: string;
  server_id: string | null;
  op_id: string;
  action: Action;
  kind: ConflictRow['kind'];
  conflict_fields: string;
  client_data: string;
  server_data: string | null;
  base_data: string | null;
  base_version: number | null;
  server_version: number | null;
  status: 'open' | 'resolved';
  created_at: string;
  visitor_name: string;
  company: string;
  draft: string | null;
  draft_rule: string | null;
  batch_id: number | null;
  capture_gap_ms: number | null;
  sort_key?: string | number;
}

const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as Record<string, unknown>));

/** A draft written by an older console that no longer parses is dropped, not trusted. */
function draftOf(s: string | null): Resolution | null {
  if (s === null) return null;
  const parsed = ResolutionSchema.safeParse(JSON.parse(s));
  return parsed.success ? parsed.data : null;
}

function rowOf(r: SqlConflict): ConflictRow {
  return {
    id: r.id,
    localId: r.local_id,
    serverId: r.server_id,
    opId: r.op_id,
    action: r.action,
    kind: r.kind,
    conflictFields: JSON.parse(r.conflict_fields) as string[],
    clientData: json(r.client_data) ?? {},
    serverData: json(r.server_data),
    baseData: json(r.base_data),
    baseVersion: r.base_version,
    serverVersion: r.server_version,
    status: r.status,
    createdAt: r.created_at,
    name: r.visitor_name,
    company: r.company,
    draft: draftOf(r.draft),
    draftRule: r.draft_rule,
    batchId: r.batch_id,
    captureGapMs: r.capture_gap_ms,
  };
}

const SORT_EXPR: Record<ConflictSort['column'], string> = {
  name: 'visitor_name COLLATE NOCASE',
  company: 'company COLLATE NOCASE',
  kind: 'kind',
  createdAt: 'id',
};

/**
 * The order of a page (and of idsAt, whose positions must be the page's): the
 * sort's expression, then the id, so that rows with equal keys keep one order.
 */
function orderOf(sort: ConflictSort): string {
  const dir = sort.direction === 'desc' ? 'DESC' : 'ASC';
  return sort.column === 'createdAt' ? `id ${dir}` : `${SORT_EXPR[sort.column]} ${dir}, id ${dir}`;
}

/**
 * The WHERE clause of a filter, with its parameters. Every filter is a
 * parameter of one of a few statement shapes, so statements are prepared
 * once per shape and the rows never leave SQLite to be filtered.
 */
function filterClause(
  f: ConflictFilter,
  staleMs: number,
): {
  sql: string;
  shape: string;
  params: Record<string, unknown>;
} {
  const where = ["status = 'open'"];
  const params: Record<string, unknown> = {};
  let shape = '';
  if (f.fields.length) {
    where.push('(field_mask & @mask) != 0');
    params.mask = fieldMask(f.fields);
    shape += 'f';
  }
  if (f.kinds.length) {
    where.push("instr(@kinds, ',' || kind || ',') > 0");
    params.kinds = `,${f.kinds.join(',')},`;
    shape += 'k';
  }
  if (f.company) {
    where.push("company LIKE @company ESCAPE '\\'");
    params.company = likePattern(f.company);
    shape += 'c';
  }
  if (f.text) {
    // The visitors screen's search (every text field, word prefixes) on the visitor, or the
    // words as typed in either side's conflicting values (which the mirror may not hold).
    const fts = ftsQuery(f.text);
    if (fts) params.fts = fts;
    where.push(
      `(${fts ? `local_id IN (${FTS_LOCAL_IDS})` : `visitor_name LIKE @q ESCAPE '\\' OR company LIKE @q ESCAPE '\\'`}
        OR EXISTS (SELECT 1 FROM json_each(client_data) WHERE value LIKE @q ESCAPE '\\')
        OR EXISTS (SELECT 1 FROM json_each(ifnull(server_data, '{}')) WHERE value LIKE @q ESCAPE '\\'))`,
    );
    params.q = likePattern(f.text);
    shape += fts ? 't' : 'T';
  }
  if (f.stale !== 'any') {
    params.stale_ms = staleMs;
    where.push(
      f.stale === 'yes'
        ? 'capture_gap_ms >= @stale_ms'
        : '(capture_gap_ms IS NULL OR capture_gap_ms < @stale_ms)',
    );
    shape += f.stale === 'yes' ? 'S' : 's';
  }
  if (f.captureMethod) {
    where.push(
      'EXISTS (SELECT 1 FROM visitors v WHERE v.local_id = conflicts.local_id AND v.capture_method = @cm COLLATE NOCASE)',
    );
    params.cm = f.captureMethod;
    shape += 'm';
  }
  if (f.decided !== 'any') {
    where.push(f.decided === 'yes' ? 'draft IS NOT NULL' : 'draft IS NULL');
    shape += f.decided === 'yes' ? 'D' : 'U';
  }
  return { sql: where.join(' AND '), shape, params };
}

/** All SQL touching conflicts. */
export class ConflictsRepo {
  private readonly insertStmt: Statement;
  private readonly openCountStmt: Statement<[], { n: number }>;
  private readonly listOpenStmt: Statement<[number, number], SqlConflict>;
  private readonly byIdStmt: Statement<[number], SqlConflict>;
  private readonly setDraftStmt: Statement<[string | null, string | null, number]>;
  private readonly reopenStmt: Statement<{ batch: number; from: number; to: number }>;
  private readonly serverDeletedStmt: Statement;
  private readonly maxIdStmt: Statement<[], { id: number | null }>;
  private readonly sideFactsStmt: Statement<
    [string],
    { last_modified: string | null; server_version: number | null }
  >;
  private readonly cache = new Map<string, Statement>();

  /**
   * @param staleThresholdMs the stale-capture threshold in force (Settings; read on every query)
   */
  constructor(
    private readonly db: Db,
    private readonly staleThresholdMs: () => number = () => DEFAULT_STALE_CAPTURE_DAYS * DAY_MS,
  ) {
    // A replayed opId answers with its first result: never record the same conflict twice.
    this.insertStmt = db.prepare(`
      INSERT INTO conflicts (local_id, server_id, op_id, action, kind, conflict_fields, client_data,
        server_data, base_data, base_version, server_version, created_at, visitor_name, company,
        field_mask, capture_gap_ms)
      VALUES (@local_id, @server_id, @op_id, @action, @kind, @conflict_fields, @client_data,
        @server_data, @base_data, @base_version, @server_version, @at,
        coalesce((SELECT name FROM visitors WHERE local_id = @local_id), ''),
        coalesce((SELECT company FROM visitors WHERE local_id = @local_id), ''), @field_mask,
        @capture_gap_ms)
      ON CONFLICT (op_id) DO NOTHING`);
    this.openCountStmt = db.prepare("SELECT count(*) AS n FROM conflicts WHERE status = 'open'");
    this.listOpenStmt = db.prepare(
      "SELECT * FROM conflicts WHERE status = 'open' AND id > ? ORDER BY id LIMIT ?",
    );
    this.byIdStmt = db.prepare('SELECT * FROM conflicts WHERE id = ?');
    this.setDraftStmt = db.prepare(
      "UPDATE conflicts SET draft = ?, draft_rule = ? WHERE id = ? AND status = 'open'",
    );
    this.maxIdStmt = db.prepare('SELECT max(id) AS id FROM conflicts');
    this.sideFactsStmt = db.prepare(
      'SELECT last_modified, server_version FROM visitors WHERE local_id = ?',
    );
    this.reopenStmt = db.prepare(`
      UPDATE conflicts SET status = 'open', resolution = NULL, batch_id = NULL, resolved_at = NULL,
        draft = resolution
      WHERE batch_id = @batch AND id BETWEEN @from AND @to`);
    this.serverDeletedStmt = db.prepare(`
      UPDATE conflicts SET kind = 'update_deleted', server_data = NULL, conflict_fields = '[]',
        field_mask = 0, draft = NULL, server_version = coalesce(@version, server_version)
      WHERE local_id = @local_id AND status = 'open' AND kind != 'delete_modified'`);
  }

  insert(c: {
    localId: string;
    serverId: string | null;
    opId: string;
    action: Action;
    data: ConflictData;
    baseVersion: number | null;
    at: string;
    /** When the client made the change (the operation's timestamp), for the stale-capture guard. */
    opTimestamp?: string | null;
  }): boolean {
    // false: a conflict with this opId exists already, and nothing was written
    const { changes } = this.insertStmt.run({
      local_id: c.localId,
      server_id: c.serverId,
      op_id: c.opId,
      action: c.action,
      kind: c.data.kind ?? (c.data.serverData === null ? 'update_deleted' : 'field'),
      conflict_fields: JSON.stringify(c.data.conflictFields),
      client_data: JSON.stringify(c.data.clientData),
      server_data: c.data.serverData === null ? null : JSON.stringify(c.data.serverData),
      base_data: c.data.baseData ? JSON.stringify(c.data.baseData) : null,
      base_version: c.baseVersion,
      server_version: c.data.serverVersion ?? null,
      field_mask: fieldMask(c.data.conflictFields),
      capture_gap_ms: captureGapMs(c.opTimestamp ?? null, this.serverModified(c)),
      at: c.at,
    });
    return changes === 1;
  }

  /**
   * When the server last changed the record the operation collided with.
   * A whole-record serverData carries it; a field conflict's does not, but
   * the run's pull just brought that record into the mirror, and its
   * lastModified is the server's as long as the mirror holds the version
   * the conflict names (otherwise it is unknown, and the guard stays quiet).
   */
  private serverModified(c: { localId: string; data: ConflictData }): string | null {
    const own = c.data.serverData?.lastModified;
    if (typeof own === 'string') return own;
    const v = this.sideFactsStmt.get(c.localId);
    if (!v || v.last_modified === null) return null;
    const wanted = c.data.serverVersion;
    if (wanted !== undefined && (v.server_version === null || v.server_version < wanted))
      return null;
    return v.last_modified;
  }

  /** The newest conflict's id (0 with none): what a sync found is what comes after it. */
  maxId(): number {
    return this.maxIdStmt.get()?.id ?? 0;
  }

  /** Ids of the open conflicts matching a filter, newer than `afterId`, in id order. */
  idsMatching(filter: ConflictFilter, afterId: number): number[] {
    const w = filterClause(filter, this.staleThresholdMs());
    const stmt = this.cached(
      `ids:${w.shape}`,
      `SELECT id FROM conflicts WHERE ${w.sql} AND id > @after ORDER BY id`,
    );
    return (stmt.all({ ...w.params, after: afterId }) as { id: number }[]).map((r) => r.id);
  }

  /** The stale-capture threshold in force, for views and audit rows. */
  get staleMs(): number {
    return this.staleThresholdMs();
  }

  openCount(): number {
    return this.openCountStmt.get()!.n;
  }

  listOpen(afterId: number, limit: number): ConflictRow[] {
    return this.listOpenStmt.all(afterId, limit).map(rowOf);
  }

  get(id: number): ConflictRow | undefined {
    const r = this.byIdStmt.get(id);
    return r && rowOf(r);
  }

  /**
   * The server deleted a record that still has open conflicts: what they
   * contest is now the deletion (a decision either re-creates the record or
   * lets it go). A draft made against the old values no longer fits.
   */
  serverDeleted(localId: string, version: number | null): number {
    return this.serverDeletedStmt.run({ local_id: localId, version }).changes;
  }

  count(filter: ConflictFilter): number {
    const w = filterClause(filter, this.staleThresholdMs());
    const stmt = this.cached(
      `count:${w.shape}`,
      `SELECT count(*) AS n FROM conflicts WHERE ${w.sql}`,
    );
    return (stmt.get(w.params) as { n: number }).n;
  }

  /** Per field, how many matching conflicts contest it: one scan, one sum per field. */
  fieldCounts(filter: ConflictFilter): { field: VisitorField; count: number }[] {
    const w = filterClause(filter, this.staleThresholdMs());
    const sums = VISITOR_FIELDS.map((_, i) => `sum((field_mask & ${1 << i}) != 0) AS f${i}`);
    const stmt = this.cached(
      `groups:${w.shape}`,
      `SELECT ${sums.join(', ')} FROM conflicts WHERE ${w.sql}`,
    );
    const r = stmt.get(w.params) as Record<string, number | null>;
    return VISITOR_FIELDS.map((field, i) => ({ field, count: r[`f${i}`] ?? 0 })).filter(
      (g) => g.count > 0,
    );
  }

  /**
   * One page in the requested order: with `after`, a keyset seek through the
   * sort's partial index; without, OFFSET (a jump in the scrollbar).
   */
  page(opts: {
    filter: ConflictFilter;
    sort: ConflictSort;
    offset: number;
    limit: number;
    after?: ConflictCursor | undefined;
  }): { rows: ConflictRow[]; last: ConflictCursor | null } {
    const w = filterClause(opts.filter, this.staleThresholdMs());
    const expr = SORT_EXPR[opts.sort.column];
    const desc = opts.sort.direction === 'desc';
    const dir = desc ? 'DESC' : 'ASC';
    const where = [w.sql];
    const params: Record<string, unknown> = { ...w.params, limit: opts.limit };
    const byId = opts.sort.column === 'createdAt';
    if (opts.after) {
      if (byId) where.push(`id ${desc ? '<' : '>'} @after_id`);
      else {
        // The plain bound lets SQLite seek the index (see VisitorsRepo.page).
        where.push(`${expr} ${desc ? '<=' : '>='} @key`);
        where.push(`(${expr}, id) ${desc ? '<' : '>'} (@key, @after_id)`);
        params.key = opts.after.key;
      }
      params.after_id = opts.after.id;
    } else params.offset = opts.offset;
    const keyExpr = expr.replace(/ COLLATE NOCASE$/, '');
    const order = orderOf(opts.sort);
    const sql = `SELECT *, ${keyExpr} AS sort_key FROM conflicts WHERE ${where.join(' AND ')}
      ORDER BY ${order} LIMIT @limit ${opts.after ? '' : 'OFFSET @offset'}`;
    const key = `page:${opts.sort.column}:${dir}:${w.shape}:${opts.after ? 'k' : 'o'}`;
    const raw = this.cached(key, sql).all(params) as SqlConflict[];
    const tail = raw.at(-1);
    return {
      rows: raw.map(rowOf),
      last: tail ? { key: String(tail.sort_key ?? ''), id: tail.id } : null,
    };
  }

  /**
   * The ids at positions [offset, offset + limit) of the query, in `page`'s
   * order (the same ORDER BY, tiebreaker included): position n here is row n
   * of the table, for a Shift-click range over rows the window does not hold.
   */
  idsAt(opts: {
    filter: ConflictFilter;
    sort: ConflictSort;
    offset: number;
    limit: number;
  }): number[] {
    const w = filterClause(opts.filter, this.staleThresholdMs());
    const stmt = this.cached(
      `idsAt:${opts.sort.column}:${opts.sort.direction}:${w.shape}`,
      `SELECT id FROM conflicts WHERE ${w.sql} ORDER BY ${orderOf(opts.sort)} LIMIT @limit OFFSET @offset`,
    );
    return stmt.pluck().all({ ...w.params, limit: opts.limit, offset: opts.offset }) as number[];
  }

  /**
   * The open conflicts a bulk action targets, in id order, a page at a time.
   * `pageSize` is asked before each page: a long job sizes its pages by time
   * (see StepSize), as it goes.
   */
  *targeted(
    target: ConflictTarget,
    throughId = Number.MAX_SAFE_INTEGER,
    pageSize: () => number = () => 2_000,
  ): Generator<ConflictRow[]> {
    if ('ids' in target) {
      const ids = [...new Set(target.ids)].filter((id) => id <= throughId).sort((a, b) => a - b);
      for (let i = 0; i < ids.length;) {
        const chunk = ids.slice(i, i + pageSize());
        i += chunk.length;
        const stmt = this.cached(
          'ids',
          `SELECT * FROM conflicts WHERE status = 'open' AND id IN (SELECT value FROM json_each(@ids)) ORDER BY id`,
        );
        yield (stmt.all({ ids: JSON.stringify(chunk) }) as SqlConflict[]).map(rowOf);
      }
      return;
    }
    const w = filterClause(target.filter, this.staleThresholdMs());
    const except = new Set(target.exceptIds);
    const stmt = this.cached(
      `target:${w.shape}`,
      `SELECT * FROM conflicts WHERE ${w.sql} AND id > @after AND id <= @through ORDER BY id LIMIT @limit`,
    );
    let after = 0;
    for (;;) {
      const limit = pageSize();
      const raw = stmt.all({ ...w.params, after, through: throughId, limit }) as SqlConflict[];
      if (raw.length === 0) return;
      after = raw[raw.length - 1]!.id;
      const rows = raw.filter((r) => !except.has(r.id)).map(rowOf);
      if (rows.length) yield rows;
      if (raw.length < limit) return;
    }
  }

  /** Records with more than one open conflict: the only ones a bulk run meets twice. */
  recordsWithSeveralOpen(): Set<string> {
    const rows = this.cached(
      'several',
      "SELECT local_id FROM conflicts WHERE status = 'open' GROUP BY local_id HAVING count(*) > 1",
    ).all() as { local_id: string }[];
    return new Set(rows.map((r) => r.local_id));
  }

  /** `rule`: the saved rule that proposed it; a person's own choice has none. */
  setDraft(id: number, draft: Resolution | null, rule: string | null = null): boolean {
    const json = draft === null ? null : JSON.stringify(draft);
    return this.setDraftStmt.run(json, draft === null ? null : rule, id).changes === 1;
  }

  markResolved(id: number, resolution: Resolution, batchId: number, at: string): void {
    this.cached(
      'resolve',
      `UPDATE conflicts SET status = 'resolved', resolution = @resolution, batch_id = @batch_id,
        resolved_at = @at, draft = NULL, draft_rule = NULL
      WHERE id = @id AND status = 'open'`,
    ).run({ id, resolution: JSON.stringify(resolution), batch_id: batchId, at });
  }

  /**
   * Undo of a bulk apply, for its conflicts in [fromId, toId]: they open
   * again, each with the decision it had as its draft.
   */
  reopenBatch(batchId: number, fromId: number, toId: number): number {
    return this.reopenStmt.run({ batch: batchId, from: fromId, to: toId }).changes;
  }

  private cached(key: string, sql: string): Statement {
    let stmt = this.cache.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(key, stmt);
    }
    return stmt;
  }
}
