import type { Statement } from 'better-sqlite3';
import type {
  ImportFormat,
  ImportMapping,
  RejectedLine,
} from '../../../shared/ipc/import-contract';
import type { Db } from '../db/open';

/** One file's import as the database remembers it (table import_runs, migration 11). */
export interface ImportRun {
  id: number;
  fingerprint: string;
  fileName: string;
  format: ImportFormat;
  mapping: ImportMapping;
  idTime: number;
  nextLine: number;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejectedLines: RejectedLine[];
  startedAt: string;
  finishedAt: string | null;
}

interface SqlRow {
  id: number;
  fingerprint: string;
  file_name: string;
  format: ImportFormat;
  mapping: string;
  id_time: number;
  next_line: number;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejected_lines: string;
  started_at: string;
  finished_at: string | null;
}

export type ImportProgress = Pick<
  ImportRun,
  'nextLine' | 'rows' | 'created' | 'updated' | 'unchanged' | 'rejected' | 'rejectedLines'
>;

/** The import_runs table: where each imported file got to, committed with the rows it covers. */
export class ImportRunsRepo {
  private readonly byFingerprint: Statement<[string], SqlRow>;
  private readonly insertStmt: Statement;
  private readonly advanceStmt: Statement;
  private readonly finishStmt: Statement;

  constructor(db: Db) {
    this.byFingerprint = db.prepare('SELECT * FROM import_runs WHERE fingerprint = ?');
    this.insertStmt = db.prepare(`
      INSERT INTO import_runs (fingerprint, file_name, format, mapping, id_time, started_at, updated_at)
      VALUES (@fingerprint, @file_name, @format, @mapping, @id_time, @at, @at)`);
    this.advanceStmt = db.prepare(`
      UPDATE import_runs SET next_line = @next_line, rows = @rows, created = @created,
        updated = @updated, unchanged = @unchanged, rejected = @rejected,
        rejected_lines = @rejected_lines, updated_at = @at
      WHERE id = @id`);
    this.finishStmt = db.prepare(
      'UPDATE import_runs SET finished_at = @at, updated_at = @at WHERE id = @id',
    );
  }

  find(fingerprint: string): ImportRun | undefined {
    const r = this.byFingerprint.get(fingerprint);
    return r && runOf(r);
  }

  /** The run of this file, started now unless one exists (then it is returned as it stands). */
  begin(run: {
    fingerprint: string;
    fileName: string;
    format: ImportFormat;
    mapping: ImportMapping;
    idTime: number;
    at: string;
  }): ImportRun {
    const existing = this.find(run.fingerprint);
    if (existing) return existing;
    this.insertStmt.run({
      fingerprint: run.fingerprint,
      file_name: run.fileName.slice(0, 500),
      format: run.format,
      mapping: JSON.stringify(run.mapping),
      id_time: run.idTime,
      at: run.at,
    });
    return this.find(run.fingerprint)!;
  }

  /** Called inside the transaction that wrote the rows it counts. */
  advance(id: number, p: ImportProgress, at: string): void {
    this.advanceStmt.run({
      id,
      next_line: p.nextLine,
      rows: p.rows,
      created: p.created,
      updated: p.updated,
      unchanged: p.unchanged,
      rejected: p.rejected,
      rejected_lines: JSON.stringify(p.rejectedLines),
      at,
    });
  }

  finish(id: number, at: string): void {
    this.finishStmt.run({ id, at });
  }
}

function runOf(r: SqlRow): ImportRun {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    fileName: r.file_name,
    format: r.format,
    mapping: JSON.parse(r.mapping) as ImportMapping,
    idTime: r.id_time,
    nextLine: r.next_line,
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    rejectedLines: JSON.parse(r.rejected_lines) as RejectedLine[],
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
