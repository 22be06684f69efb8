import type { Statement } from 'better-sqlite3';
import { changedFields } from '../../../shared/diff';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import type { VisitorFilter } from '../../../shared/ipc/visitors-contract';
import type { Action } from '../../../shared/protocol';
import {
  type Visitor,
  type VisitorField,
  type VisitorValues,
  VisitorValuesSchema,
} from '../../../shared/visitor';
import type { Db } from '../db/open';
import { ftsQuery, visitorWhere } from './visitor-search';

/**
 * Above this many matches a sorted page walks the sort's index and keeps the
 * rows that match (it meets 100 of them early); below, fetching the matches
 * and sorting them is quicker (measured at 200 000 visitors).
 */
const MANY_MATCHES = 2000;

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

/** A mirror row as a conflict decision leaves it. */
export interface MirrorRowState {
  values: VisitorValues;
  base: VisitorValues | null;
  serverId: string | null;
  serverVersion: number | null;
  dirty: boolean;
  deleted: boolean;
}

/** A conflict decision's mirror row: as the decision read it, and as it leaves it. */
export interface MirrorDecision {
  before: VisitorRecord;
  after: MirrorRowState;
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
  phone: "ifnull(phone, '') COLLATE NOCASE",
  // By the first interest: the list's JSON text would put [] after every other list.
  interests: "ifnull(json_extract(interests, '$[0]'), '') COLLATE NOCASE",
  updatedAt: 'updated_at',
};

/**
 * The order of a page (and of idsAt, whose positions must be the page's): the
 * sort's expression, then the local id, so that equal keys keep one order.
 */
function orderOf(sort: VisitorSort): string {
  const dir = sort.direction === 'desc' ? 'DESC' : 'ASC';
  return `${SORT_EXPR[sort.column]} ${dir}, local_id ${dir}`;
}

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

/** The column of each visitor field. */
const COLUMN_OF: Record<VisitorField, string> = {
  name: 'name',
  company: 'company',
  email: 'email',
  title: 'title',
  phone: 'phone',
  interests: 'interests',
  notes: 'notes',
  captureMethod: 'capture_method',
  capturedAt: 'captured_at',
};

/** Every column, as an undo record keeps a row. */
export const VISITOR_COLUMNS = [
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
  /** updateValues' statements by the columns they set (a handful in practice). */
  private readonly partialUpdateStmts = new Map<string, Statement>();
  private readonly byServerIdStmt: Statement<[string], SqlRow>;
  private rangeStmt?: Statement<
    { after: string; until: string | null; limit: number },
    SqlRow & { local_work: number }
  >;
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
   * Records the server knows (server_id set), after < server_id ≤ until, in
   * server-id order: the mirror check's side of a digest range. `localWork`:
   * a pending operation or an open conflict, so the record is compared by the
   * server version it was based on.
   */
  mirroredRange(
    after: string | null,
    until: string | null,
    limit: number,
  ): (VisitorRecord & { localWork: boolean })[] {
    this.rangeStmt ??= this.db.prepare(`
      SELECT v.*, NULL AS pending,
        (v.dirty = 1 OR EXISTS (SELECT 1 FROM outbox o WHERE o.local_id = v.local_id)
          OR EXISTS (SELECT 1 FROM conflicts c WHERE c.local_id = v.local_id AND c.status = 'open'))
          AS local_work
      FROM visitors v
      WHERE v.server_id IS NOT NULL AND v.server_id > @after
        AND (@until IS NULL OR v.server_id <= @until)
      ORDER BY v.server_id LIMIT @limit`);
    return this.rangeStmt
      .all({ after: after ?? '', until, limit })
      .map((r) => ({ ...recordOf(r), localWork: r.local_work === 1 }));
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
    const params = {
      acks: JSON.stringify(acks.map((a) => ({ l: a.localId, s: a.serverId, v: a.version }))),
      at,
    };
    // Two statements, so that a record whose server id stays as it was (an
    // update's ack) does not name server_id in SET: SQLite rewrites a named
    // column's index entry, changed or not, and server_id's unique index is
    // in random order (a page written per record, at every push).
    const known = `visitors.server_id IS NOT NULL AND (a.server_id IS NULL OR a.server_id = visitors.server_id)`;
    const set = `server_version = coalesce(a.version, visitors.server_version),
        base = json_object('name', name, 'company', company, 'email', email, 'title', title,
          'phone', phone, 'interests', json(interests), 'notes', notes,
          'captureMethod', capture_method, 'capturedAt', captured_at),
        dirty = 0, updated_at = @at`;
    const from = `FROM (SELECT value ->> 'l' AS local_id, value ->> 's' AS server_id, value ->> 'v' AS version
            FROM json_each(@acks)) a`;
    this.lazy(
      `UPDATE visitors SET ${set} ${from} WHERE visitors.local_id = a.local_id AND ${known}`,
    ).run(params);
    this.lazy(
      `UPDATE visitors SET server_id = coalesce(a.server_id, visitors.server_id), ${set} ${from}
      WHERE visitors.local_id = a.local_id AND NOT (${known})`,
    ).run(params);
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

  /**
   * With `before` (the row as the caller read it in this transaction), only
   * the columns that change are set: SQLite rewrites every index and runs the
   * search-index trigger for each column named in SET, changed or not, so
   * setting all nine made one title edit rewrite seven index entries and the
   * search row (a third of an edit's CPU, and its commit's pages).
   */
  updateValues(
    localId: string,
    values: VisitorValues,
    dirty: boolean,
    at: string,
    before?: Pick<VisitorRecord, 'values' | 'dirty'>,
  ): void {
    if (!before) {
      this.updateValuesStmt.run({
        local_id: localId,
        ...valueParams(values),
        dirty: dirty ? 1 : 0,
        at,
      });
      return;
    }
    const fields = changedFields(before.values, values);
    const setDirty = before.dirty !== dirty;
    const key = `${fields.join(',')}|${setDirty}`;
    let stmt = this.partialUpdateStmts.get(key);
    if (!stmt) {
      const sets = fields.map((f) => `${COLUMN_OF[f]} = @${COLUMN_OF[f]}`);
      if (setDirty) sets.push('dirty = @dirty');
      stmt = this.db.prepare(
        `UPDATE visitors SET ${[...sets, 'updated_at = @at'].join(', ')} WHERE local_id = @local_id`,
      );
      this.partialUpdateStmts.set(key, stmt);
    }
    const params: Record<string, unknown> = { local_id: localId, at };
    const all = valueParams(values);
    for (const f of fields) params[COLUMN_OF[f]] = all[COLUMN_OF[f] as keyof typeof all];
    if (setDirty) params.dirty = dirty ? 1 : 0;
    stmt.run(params);
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

  /**
   * A rebuild: the pulled row of a server record takes the local id its
   * salvaged operations carry (the server matches a replayed opId with its
   * localId). False when that local id is taken.
   */
  rekey(from: string, to: string): boolean {
    if (this.byId.get(to)) return false;
    return (
      this.lazy('UPDATE visitors SET local_id = ? WHERE local_id = ?').run(to, from).changes === 1
    );
  }

  /** A rebuild: a record with salvaged local work, written whole (merge-salvaged.ts decided it). */
  restore(
    r: {
      localId: string;
      serverId: string | null;
      serverVersion: number | null;
      values: VisitorValues;
      base: VisitorValues | null;
      lastModified: string | null;
      dirty: boolean;
      deleted: boolean;
    },
    at: string,
  ): void {
    this.lazy(
      `
      INSERT INTO visitors (local_id, server_id, server_version, name, company, email, title, phone,
        interests, notes, capture_method, captured_at, last_modified, base, dirty, deleted,
        created_at, updated_at)
      VALUES (@local_id, @server_id, @server_version, @name, @company, @email, @title, @phone,
        @interests, @notes, @capture_method, @captured_at, @last_modified, @base, @dirty, @deleted,
        @at, @at)
      ON CONFLICT (local_id) DO UPDATE SET server_id = excluded.server_id,
        server_version = excluded.server_version, name = excluded.name, company = excluded.company,
        email = excluded.email, title = excluded.title, phone = excluded.phone,
        interests = excluded.interests, notes = excluded.notes,
        capture_method = excluded.capture_method, captured_at = excluded.captured_at,
        last_modified = excluded.last_modified, base = excluded.base, dirty = excluded.dirty,
        deleted = excluded.deleted, updated_at = excluded.updated_at`,
    ).run({
      local_id: r.localId,
      server_id: r.serverId,
      server_version: r.serverVersion,
      ...valueParams(r.values),
      last_modified: r.lastModified,
      base: r.base === null ? null : JSON.stringify(r.base),
      dirty: r.dirty ? 1 : 0,
      deleted: r.deleted ? 1 : 0,
      at,
    });
  }

  /** Visitors on show (not deleted). */
  liveCount(): number {
    return (
      this.lazy('SELECT count(*) AS n FROM visitors WHERE deleted = 0').get() as { n: number }
    ).n;
  }

  /** The mirror rows of these records, by local id: one statement for a page of conflicts. */
  getMany(localIds: readonly string[]): Map<string, VisitorRecord> {
    const rows = this.lazy(
      'SELECT * FROM visitors WHERE local_id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(localIds)) as SqlRow[];
    return new Map(rows.map((r) => [r.local_id, recordOf(r)]));
  }

  /**
   * A page of conflict decisions written to the mirror, each of a different
   * record: the resulting values, the server's record as the new merge base
   * (and its version and id), and whether something is left to push. Only the
   * columns that differ from `before` (the row as the decision read it) are
   * set, with updated_at: a column in SET costs the upkeep of every index on
   * it or filtered by it (`deleted` alone is in the WHERE of all five sort
   * indexes), whether its value changes or not.
   *
   * One UPDATE … FROM json_each per set of columns, not one per record: each
   * statement that fires the FTS5 trigger pays a fixed cost far above the
   * index entries it writes (migration 13 has the pull's figures). Measured, 20 000 title
   * changes cost ~1 000 ms of CPU one statement each and ~300 ms a page of
   * 500 per statement, the index the same (integrity-check).
   */
  applyDecisions(decisions: readonly MirrorDecision[], at: string): void {
    // By set of columns (the item's keys after `l`, in a fixed order): one statement each.
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const { before, after: d } of decisions) {
      const item: Record<string, unknown> = { l: before.localId };
      const changed = changedFields(before.values, d.values);
      if (changed.length) {
        const values = valueParams(d.values);
        for (const f of changed) item[COLUMN_OF[f]] = values[COLUMN_OF[f] as keyof typeof values];
      }
      const base = d.base === null ? null : JSON.stringify(d.base);
      if (base !== (before.base === null ? null : JSON.stringify(before.base))) item.base = base;
      if (d.serverId !== before.serverId) item.server_id = d.serverId;
      if (d.serverVersion !== before.serverVersion) item.server_version = d.serverVersion;
      if (d.dirty !== before.dirty) item.dirty = d.dirty ? 1 : 0;
      if (d.deleted !== before.deleted) item.deleted = d.deleted ? 1 : 0;
      const key = Object.keys(item).join(',');
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    for (const [key, items] of groups) {
      // Values travel as JSON: `->>` gives back the text, integer or NULL each column was given.
      const set = key
        .split(',')
        .slice(1)
        .map((c) => `${c} = x.value ->> '$.${c}'`);
      this.lazy(
        `UPDATE visitors SET ${[...set, 'updated_at = @at'].join(', ')}
        FROM json_each(@items) x WHERE visitors.local_id = x.value ->> '$.l'`,
      ).run({ items: JSON.stringify(items), at });
    }
  }

  /**
   * Undo of a bulk apply, for its conflicts in [fromId, toId]: each record
   * goes back to the row (every column) kept by its first decision in the
   * batch, the state before the apply, however many decisions followed.
   */
  restoreFromUndo(batchId: number, fromId: number, toId: number): void {
    const first = `u.batch_id = @batch AND u.conflict_id BETWEEN @from AND @to
      AND NOT EXISTS (SELECT 1 FROM resolve_undo earlier WHERE earlier.batch_id = u.batch_id
        AND earlier.local_id = u.local_id AND earlier.conflict_id < u.conflict_id)`;
    const range = { batch: batchId, from: fromId, to: toId };
    this.lazy(
      `
      DELETE FROM visitors WHERE local_id IN (SELECT u.local_id FROM resolve_undo u
        WHERE ${first} AND u.visitor_before IS NULL)`,
    ).run(range);
    // Rows the apply removed come back whole; the others are updated in place,
    // which costs less than deleting and inserting them again.
    this.lazy(
      `
      INSERT INTO visitors (${VISITOR_COLUMNS.join(', ')})
      SELECT ${VISITOR_COLUMNS.map((c) => `u.visitor_before ->> '$.${c}'`).join(', ')}
      FROM resolve_undo u
      WHERE ${first} AND u.visitor_before IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.local_id = u.local_id)`,
    ).run(range);
    // Only the columns some row of the range differs in: a column in SET costs the upkeep of
    // every index on it or filtered by it (see applyDecisions), changed or not.
    const columns = VISITOR_COLUMNS.filter((c) => c !== 'local_id');
    const differs = this.lazy(
      `
      SELECT ${columns.map((c) => `max(v.${c} IS NOT (u.visitor_before ->> '$.${c}')) AS ${c}`).join(', ')}
      FROM resolve_undo u JOIN visitors v ON v.local_id = u.local_id
      WHERE ${first} AND u.visitor_before IS NOT NULL`,
    ).get(range) as Record<string, number | null>;
    const changed = columns.filter((c) => differs[c] === 1);
    if (changed.length === 0) return;
    const set = changed.map((c) => `${c} = u.visitor_before ->> '$.${c}'`);
    this.lazy(
      `
      UPDATE visitors SET ${set.join(', ')}
      FROM resolve_undo u
      WHERE ${first} AND u.visitor_before IS NOT NULL AND visitors.local_id = u.local_id`,
    ).run(range);
  }

  private lazy(sql: string): Statement {
    return this.cached(`lazy:${sql}`, sql);
  }

  count(search: string, filter: VisitorFilter = {}): number {
    const fts = ftsQuery(search);
    // Only visitors on show are indexed: with no other filter the index counts alone.
    if (fts && Object.keys(filter).length === 0) return this.matchCount(fts);
    const w = visitorWhere(search, filter);
    const sql = `SELECT count(*) AS n FROM visitors v WHERE ${['deleted = 0', ...w.parts].join(' AND ')}`;
    const r = this.cached(`count:${w.key}`, sql).get(w.params) as { n: number };
    return r.n;
  }

  /** The local ids of every visitor on show that matches (a bulk edit's "all matching"), by local id. */
  matchingIds(search: string, filter: VisitorFilter = {}): string[] {
    const w = visitorWhere(search, filter);
    const sql = `SELECT local_id FROM visitors v WHERE ${['deleted = 0', ...w.parts].join(' AND ')} ORDER BY local_id`;
    return this.cached(`ids:${w.key}`, sql).pluck().all(w.params) as string[];
  }

  /**
   * One page in the requested order. With `after` it seeks past that row
   * through the sort index (keyset); without, it skips `offset` rows.
   */
  page(opts: {
    search: string;
    filter?: VisitorFilter;
    sort: VisitorSort;
    offset: number;
    limit: number;
    after?: PageCursor | undefined;
  }): { rows: VisitorRow[]; last: PageCursor | null } {
    const expr = SORT_EXPR[opts.sort.column];
    const desc = opts.sort.direction === 'desc';
    const dir = desc ? 'DESC' : 'ASC';
    const fts = ftsQuery(opts.search);
    const many = fts !== null && this.matchCount(fts) > MANY_MATCHES;
    const w = visitorWhere(opts.search, opts.filter ?? {}, many);
    const where = ['deleted = 0', ...w.parts];
    if (opts.after) {
      // The plain range bound is what lets SQLite seek the index: a row value
      // with a COLLATE alone makes it scan from the start (measured: O(n) per page).
      where.push(`${expr} ${desc ? '<=' : '>='} @key`);
      where.push(`(${expr}, local_id) ${desc ? '<' : '>'} (@key, @after_id)`);
    }
    const sql = `SELECT ${ROW_COLUMNS}, ${PENDING} AS pending, ${expr.replace(/ COLLATE NOCASE$/, '')} AS sort_key
      FROM visitors v WHERE ${where.join(' AND ')}
      ORDER BY ${orderOf(opts.sort)} LIMIT @limit ${opts.after ? '' : 'OFFSET @offset'}`;
    const key = `page:${opts.sort.column}:${dir}:${w.key}:${opts.after ? 'k' : 'o'}`;
    const params: Record<string, unknown> = { ...w.params, limit: opts.limit };
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

  /**
   * The local ids at positions [offset, offset + limit) of the query, in
   * `page`'s order (the same ORDER BY, tiebreaker included): position n here
   * is row n of the table, for a Shift-click range over rows not loaded.
   */
  idsAt(opts: {
    search: string;
    filter?: VisitorFilter;
    sort: VisitorSort;
    offset: number;
    limit: number;
  }): string[] {
    const fts = ftsQuery(opts.search);
    const many = fts !== null && this.matchCount(fts) > MANY_MATCHES;
    const w = visitorWhere(opts.search, opts.filter ?? {}, many);
    const sql = `SELECT local_id FROM visitors v WHERE ${['deleted = 0', ...w.parts].join(' AND ')}
      ORDER BY ${orderOf(opts.sort)} LIMIT @limit OFFSET @offset`;
    const key = `idsAt:${opts.sort.column}:${opts.sort.direction}:${w.key}`;
    return this.cached(key, sql)
      .pluck()
      .all({ ...w.params, limit: opts.limit, offset: opts.offset }) as string[];
  }

  /** How many visitors on show match an FTS query (the index alone; a few ms at 200 000). */
  private matchCount(fts: string): number {
    const r = this.cached(
      'fts-count',
      `SELECT count(*) AS n FROM visitors_fts WHERE visitors_fts MATCH ?`,
    ).get(fts) as { n: number };
    return r.n;
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
