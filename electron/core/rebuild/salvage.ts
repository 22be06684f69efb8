import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SALVAGED_TABLES, type SalvagedTable, type Unreadable } from '../../../shared/rebuild';
import { isDamage } from '../db/damage-check';
import type { Db } from '../db/open';
import type { Lease } from '../sync/lease';
import { readKnownIds, readSpan, type RangeOutcome } from './read-ranges';
import {
  OP_ID_COLUMN,
  isWork,
  oldVisitorOf,
  SALVAGE_SCHEMAS,
  type OldVisitor,
} from './salvage-rows';

/**
 * Everything readable of the local work in a damaged console database. It
 * reads a copy (in `workDir`), never the file itself, so what is kept is
 * exactly what was found, and the copy may be mended to be read at all (a
 * rewritten header).
 */
export interface Salvaged {
  /** Readable rows that are work to put back, per table, parsed (salvage-rows.ts). */
  rows: { [T in SalvagedTable]: Record<string, unknown>[] };
  unreadable: Unreadable[];
  /** The damaged file's own visitors rows of these local ids, where readable. */
  oldVisitor(localId: string): OldVisitor | undefined;
  clientId: string | null;
  lease: Lease | null;
  headerRepaired: boolean;
}

type Row = Record<string, unknown>;

const PAGE_SIZES = [4096, 1024, 2048, 8192, 16384, 32768, 65536, 512];

/**
 * A header as SQLite writes it for a WAL database of `pageSize` and `pages`.
 * Only what reading needs is true to the file: the rest (freelist, schema
 * cookie, user_version) is not needed to read rows.
 */
function header(pageSize: number, pages: number): Buffer {
  const h = Buffer.alloc(100);
  h.write('SQLite format 3\0', 0, 'latin1');
  h.writeUInt16BE(pageSize === 65536 ? 1 : pageSize, 16);
  h[18] = 2; // WAL read and write versions
  h[19] = 2;
  h[21] = 64; // payload fractions, fixed by the file format
  h[22] = 32;
  h[23] = 32;
  h.writeUInt32BE(1, 24); // change counter …
  h.writeUInt32BE(pages, 28); // … equal to version-valid-for: the page count is trusted
  h.writeUInt32BE(1, 40); // schema cookie
  h.writeUInt32BE(4, 44); // schema format
  h.writeUInt32BE(1, 56); // UTF-8
  h.writeUInt32BE(1, 92);
  h.writeUInt32BE(3_045_000, 96);
  return h;
}

function schemaReadable(db: Db): boolean {
  try {
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    return names.includes('outbox');
  } catch {
    return false;
  }
}

function openCopy(copy: string): { db: Db | null; headerRepaired: boolean } {
  const open = () => {
    const db = new Database(copy);
    db.pragma('query_only = ON');
    return db;
  };
  try {
    const db = open();
    if (schemaReadable(db)) return { db, headerRepaired: false };
    db.close();
  } catch {
    // not even opened: the header is what is damaged
  }
  // The first 100 bytes are the file's header: overwritten, SQLite reads nothing
  // (SQLITE_NOTADB). The pages after it do not depend on it; with a header as
  // SQLite writes one, for the page size that makes the schema readable, they are.
  const bytes = readFileSync(copy);
  for (const size of PAGE_SIZES) {
    if (bytes.length < size || bytes.length % size !== 0) continue;
    header(size, bytes.length / size).copy(bytes, 0);
    writeFileSync(copy, bytes);
    try {
      const db = open();
      if (schemaReadable(db)) return { db, headerRepaired: true };
      db.close();
    } catch {
      // not this page size
    }
  }
  return { db: null, headerRepaired: false };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The rowids an index of the table lists, from the first index that can be read whole. */
function indexedIds(
  db: Db,
  table: SalvagedTable,
): { ids: number[]; opIds: Map<number, string> } | null {
  let indexes: { name: string; partial: number }[];
  try {
    indexes = db.prepare(`PRAGMA index_list(${quote(table)})`).all() as typeof indexes;
  } catch {
    return null;
  }
  const opColumn = OP_ID_COLUMN[table];
  // The opId's own index first: it also names the operations that are lost.
  const ordered = [...indexes]
    .filter((i) => i.partial === 0)
    .sort(
      (a, b) =>
        Number(b.name.startsWith('sqlite_autoindex')) -
        Number(a.name.startsWith('sqlite_autoindex')),
    );
  for (const index of ordered) {
    try {
      let withOp = false;
      if (opColumn) {
        const cols = db.prepare(`PRAGMA index_info(${quote(index.name)})`).all() as {
          name: string;
        }[];
        withOp = cols.some((c) => c.name === opColumn);
      }
      // A scan of the index alone (it holds the rowid of every row): the table's pages are not read.
      const rows = db
        .prepare(
          `SELECT rowid AS id${withOp ? `, ${quote(opColumn!)} AS op` : ''} FROM ${quote(table)} INDEXED BY ${quote(index.name)}`,
        )
        .all() as { id: number; op?: string }[];
      const opIds = new Map<number, string>();
      if (withOp) for (const r of rows) if (typeof r.op === 'string') opIds.set(r.id, r.op);
      return { ids: rows.map((r) => r.id).sort((a, b) => a - b), opIds };
    } catch {
      // this index is damaged too; try the next
    }
  }
  return null;
}

function sequenceOf(db: Db, table: string): number | null {
  try {
    const r = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as
      { seq: number } | undefined;
    return r?.seq ?? null;
  } catch {
    return null;
  }
}

/**
 * Every readable row of one table, and how many could not be read. A whole
 * scan first (the common case: nothing is damaged here); when it fails, by
 * rowid ranges.
 */
function readTable(db: Db, table: SalvagedTable): { rows: Row[]; unreadable: Unreadable | null } {
  let scanned: Row[] = [];
  try {
    scanned = db
      .prepare(`SELECT rowid AS __rowid, * FROM ${quote(table)} ORDER BY rowid`)
      .all() as Row[];
    return { rows: scanned, unreadable: null };
  } catch (err) {
    if (!isDamage(err)) throw err;
  }
  const stmt = db.prepare(
    `SELECT rowid AS __rowid, * FROM ${quote(table)} WHERE rowid BETWEEN ? AND ? ORDER BY rowid`,
  );
  // One row by equality: a range read steps on to the next row to find its
  // end, so the last row before a bad page was lost with the page.
  const one = db.prepare(`SELECT rowid AS __rowid, * FROM ${quote(table)} WHERE rowid = ?`);
  const read = (lo: number, hi: number) => (lo === hi ? one.all(lo) : stmt.all(lo, hi)) as Row[];
  const known = indexedIds(db, table);
  let outcome: RangeOutcome<Row>;
  let lost: number | null;
  if (known) {
    outcome = readKnownIds(read, known.ids, isDamage);
    lost = outcome.lostIds.length;
  } else {
    let upper = sequenceOf(db, table);
    if (upper === null)
      try {
        upper = (
          db.prepare(`SELECT max(rowid) AS m FROM ${quote(table)}`).get() as { m: number | null }
        ).m;
      } catch {
        upper = null;
      }
    if (upper === null) return { rows: [], unreadable: { table, rows: null, opIds: [] } };
    outcome = readSpan(read, 1, upper, isDamage);
    lost = outcome.exhausted ? null : outcome.failedValues;
  }
  const seen = new Set<number>();
  const rows = outcome.rows.filter((r) => {
    const id = r.__rowid as number;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const opIds = known ? outcome.lostIds.flatMap((i) => known.opIds.get(i) ?? []) : [];
  return { rows, unreadable: lost === 0 ? null : { table, rows: lost, opIds } };
}

function tableNames(db: Db): Set<string> {
  return new Set(
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[],
  );
}

/**
 * Reads what can be read of the local work in `path` (and its -wal), from a
 * copy in `workDir`. Never writes `path`.
 */
export function salvage(path: string, workDir: string): Salvaged {
  const copy = join(workDir, 'damaged.sqlite');
  copyFileSync(path, copy);
  // The -wal holds committed transactions not yet in the file: they are part of the work.
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0)
    copyFileSync(`${path}-wal`, `${copy}-wal`);
  const { db, headerRepaired } = openCopy(copy);
  const rows = Object.fromEntries(SALVAGED_TABLES.map((t) => [t, [] as Row[]])) as Salvaged['rows'];
  if (!db)
    return {
      rows,
      unreadable: SALVAGED_TABLES.map((table) => ({ table, rows: null, opIds: [] })),
      oldVisitor: () => undefined,
      clientId: null,
      lease: null,
      headerRepaired: false,
    };
  try {
    const present = tableNames(db);
    const unreadable: Unreadable[] = [];
    for (const table of SALVAGED_TABLES) {
      // A file from a console older than the table has none of its rows to lose.
      if (!present.has(table)) continue;
      const read = readTable(db, table);
      let bad = 0;
      const badOps: string[] = [];
      for (const raw of read.rows) {
        const parsed = SALVAGE_SCHEMAS[table].safeParse(raw);
        if (!parsed.success) {
          // Read back, but not as a row of this table: a damaged page can do that.
          bad++;
          const op = OP_ID_COLUMN[table] ? raw[OP_ID_COLUMN[table]] : undefined;
          if (typeof op === 'string') badOps.push(op);
          continue;
        }
        if (isWork(table, parsed.data)) rows[table].push(parsed.data);
      }
      const u = read.unreadable;
      if (u || bad > 0)
        unreadable.push({
          table,
          rows: u ? (u.rows === null ? null : u.rows + bad) : bad,
          opIds: [...(u?.opIds ?? []), ...badOps],
        });
    }
    const state = (key: string): string | null => {
      try {
        const r = db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as
          { value: string } | undefined;
        return r?.value ?? null;
      } catch {
        return null;
      }
    };
    const lease = parseLease(state('runLease'));
    const visitorStmt = present.has('visitors')
      ? db.prepare('SELECT * FROM visitors WHERE local_id = ?')
      : null;
    const olds = new Map<string, OldVisitor | undefined>();
    const oldVisitor = (localId: string): OldVisitor | undefined => {
      if (!visitorStmt) return undefined;
      if (!olds.has(localId)) {
        let v: OldVisitor | undefined;
        try {
          const r = visitorStmt.get(localId) as Row | undefined;
          v = r ? (oldVisitorOf(r) ?? undefined) : undefined;
        } catch {
          v = undefined; // on a damaged page of the mirror: the server's copy is what counts
        }
        olds.set(localId, v);
      }
      return olds.get(localId);
    };
    // Read now: the copy is closed before the rebuild goes on.
    for (const t of ['outbox', 'conflicts'] as const)
      for (const r of rows[t]) oldVisitor(r.local_id as string);
    return {
      rows,
      unreadable,
      oldVisitor: (localId) => olds.get(localId),
      clientId: state('clientId'),
      lease,
      headerRepaired,
    };
  } finally {
    db.close();
  }
}

function parseLease(raw: string | null): Lease | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Lease>;
    return typeof v.pid === 'number' && typeof v.at === 'number' ? { pid: v.pid, at: v.at } : null;
  } catch {
    return null;
  }
}
