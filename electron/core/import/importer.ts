import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { changedFields } from '../../../shared/diff';
import { AppErrorException, fail, type AppError } from '../../../shared/errors';
import type {
  DryRunReport,
  ImportFormat,
  ImportMapping,
  ImportSummary,
} from '../../../shared/ipc/import-contract';
import {
  toValues,
  VisitorCreateDataSchema,
  VisitorPatchSchema,
  type VisitorCreateData,
  type VisitorPatch,
} from '../../../shared/visitor';
import type { ImportRow } from '../cli/import-rows';
import { type Clock, isoNow } from '../clock';
import { StepSize, type StepSizeOptions } from '../jobs/step-size';
import { journalsInMemory } from '../db/memory-journals';
import type { Repos } from '../repos';
import type { VisitorRecord } from '../visitors/visitors-repo';
import { VisitorEdits } from '../visitors/visitor-edits';
import { ImportRunsRepo, type ImportRun } from './import-runs-repo';
import { csvRecordRow, jsonRecordRow, mappingProblem, RejectedLines } from './mapping';
import { fileError, readSource } from './source';

/** How many rejected lines a summary lists (the count is always whole). */
export const REJECTED_LIST_CAP = 1000;

/** A file to import: where it is, how to read it, and the SHA-256 that recognises it again. */
export interface ImportFile {
  path: string;
  name: string;
  format: ImportFormat;
  fingerprint: string;
}

/** How the caller drives an import: its writes, its pace and what it reports. */
export interface ImportHooks {
  /** Runs one batch's transaction (the core's write gate; the CLI runs it at once). */
  write<T>(fn: () => T): Promise<T>;
  /** After each row, with the rows done so far; may throw to stop (a Cancel). */
  tick?(done: number): Promise<void>;
  /** After each committed batch. */
  committed?(): void;
  /** Each rejected row as it is met (the CLI prints them as they come). */
  rejected?(line: number, reason: string): void;
  /** How many rows a batch takes, sized by the time batches take (default IMPORT_STEP). */
  step?: StepSizeOptions;
}

/**
 * Rows per batch: each batch is one transaction (one fsync, not one per
 * row) that holds the core's write gate, and the core answers nothing while
 * it runs, so its rows are as many as fit about 25 ms on this machine under
 * its load of the moment (StepSize), measured as the import goes. Idle, a
 * row costs ~0.1 ms (through the edit service and the outbox); a slow disk or
 * a busy machine makes that several times more, and a fixed 500 rows then
 * held the gate for a quarter of a second or more.
 */
export const IMPORT_STEP: StepSizeOptions = { first: 200, min: 20, max: 5_000 };

/** What one row will do, decided before anything is written (the dry run stops here). */
export type RowPlan =
  | { kind: 'create'; values: VisitorCreateData }
  | { kind: 'update'; localId: string; patch: VisitorPatch }
  | { kind: 'unchanged' }
  | { kind: 'reject'; reason: string };

/** zod issues named as the wire names them: `data.email: …`. */
export function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${['data', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
}

function describeAppError(error: AppError): string {
  if (Array.isArray(error.details) && error.details.length > 0)
    return issuesText(error.details as z.core.$ZodIssue[]);
  return error.message;
}

/**
 * The decision for one row, with the same schemas as the app's edits: a new
 * visitor needs a valid record; an update needs a visitor with that local or
 * server id, a valid patch, and a valid record once merged.
 */
export function planRow(row: ImportRow, find: (id: string) => VisitorRecord | undefined): RowPlan {
  if ('error' in row) return { kind: 'reject', reason: row.error };
  // An empty name says "no name": validation answers "data.name: is required".
  const fields = row.fields.name === null ? { ...row.fields, name: '' } : row.fields;
  if (row.id === null) {
    const parsed = VisitorCreateDataSchema.safeParse(fields);
    if (!parsed.success) return { kind: 'reject', reason: issuesText(parsed.error.issues) };
    return { kind: 'create', values: parsed.data };
  }
  const record = find(row.id);
  if (!record)
    return { kind: 'reject', reason: `id: no visitor has the local or server id "${row.id}"` };
  if (record.deleted)
    return {
      kind: 'reject',
      reason: `id: the visitor "${row.id}" was deleted here; the deletion is waiting to be sent`,
    };
  const patch = VisitorPatchSchema.safeParse(fields);
  if (!patch.success) return { kind: 'reject', reason: issuesText(patch.error.issues) };
  const merged = VisitorCreateDataSchema.safeParse({ ...record.values, ...patch.data });
  if (!merged.success) return { kind: 'reject', reason: issuesText(merged.error.issues) };
  if (changedFields(record.values, toValues(merged.data)).length === 0)
    return { kind: 'unchanged' };
  return { kind: 'update', localId: record.localId, patch: patch.data };
}

/**
 * The local id of the visitor created from a file's line: a UUIDv7 whose
 * time is the import's start and whose next bits are the line number (so an
 * import's rows sit in order in the primary key), the rest from the file's
 * hash. The same line of the same file always gets the same id: an import
 * that is started again can never create that visitor a second time.
 */
export function importedLocalId(run: { idTime: number; fingerprint: string }, line: number) {
  const rest =
    (BigInt(line) << 34n) |
    (BigInt(`0x${createHash('sha256').update(run.fingerprint).digest('hex').slice(0, 9)}`) &
      ((1n << 34n) - 1n));
  const hex = (v: bigint, digits: number) => v.toString(16).padStart(digits, '0');
  const time = hex(BigInt(run.idTime) & ((1n << 48n) - 1n), 12);
  const a = 0x7000n | ((rest >> 62n) & 0xfffn);
  const b = 0x8000n | ((rest >> 48n) & 0x3fffn);
  const c = rest & ((1n << 48n) - 1n);
  return `${time.slice(0, 8)}-${time.slice(8)}-${hex(a, 4)}-${hex(b, 4)}-${hex(c, 12)}`;
}

/**
 * Imports a CSV or JSONL file into the mirror and the outbox, read as a
 * stream (memory stays flat at a million rows), committed in batches. Each
 * batch's transaction also records how far the file got (import_runs), so an
 * import stopped anyhow — Cancel, a crash, a power cut — and started again
 * with the same file skips what is in and goes on; and every visitor it
 * creates has an id derived from the file and the line, so none is created
 * twice. Each row goes through the app's own edit service (outbox coalescing
 * included), exactly as if typed.
 */
export class Importer {
  private readonly runs: ImportRunsRepo;
  private readonly edits: VisitorEdits;

  constructor(
    private readonly repos: Repos,
    private readonly clock: Clock,
    /** Where the dry run looks visitors up (the core's read connection). */
    private readonly read: Repos = repos,
  ) {
    this.runs = new ImportRunsRepo(repos.db);
    this.edits = new VisitorEdits(repos, clock);
  }

  /** The earlier import of this file, if any (read-only). */
  previous(fingerprint: string): ImportRun | undefined {
    return this.runs.find(fingerprint);
  }

  /** Every row checked against the database, nothing written. */
  async dryRun(
    file: ImportFile,
    mapping: ImportMapping,
    hooks: Pick<ImportHooks, 'tick'> = {},
  ): Promise<DryRunReport> {
    const earlier = this.runs.find(file.fingerprint);
    const use = earlier?.finishedAt === null ? earlier.mapping : mapping;
    const from = earlier && earlier.finishedAt === null ? earlier.nextLine : 1;
    const find = lookup(this.read);
    const rejected = new RejectedLines(REJECTED_LIST_CAP);
    const report = { rows: 0, created: 0, updated: 0, unchanged: 0, alreadyImported: 0 };
    for await (const row of this.rows(file, use)) {
      if (row.line < from) {
        report.alreadyImported++;
        continue;
      }
      report.rows++;
      const plan = planRow(row, find);
      if (plan.kind === 'reject') rejected.add(row.line, plan.reason);
      else if (plan.kind === 'create') report.created++;
      else if (plan.kind === 'update') report.updated++;
      else report.unchanged++;
      await hooks.tick?.(report.rows);
    }
    return { ...report, rejected: rejected.count, rejectedLines: rejected.lines };
  }

  async run(file: ImportFile, mapping: ImportMapping, hooks: ImportHooks): Promise<ImportSummary> {
    const earlier = this.runs.find(file.fingerprint);
    if (earlier?.finishedAt)
      return { ...summaryOf(earlier), resumed: false, alreadyImported: true };
    // A resumed import keeps the mapping it started with, whatever is asked now.
    const problem = mappingProblem(
      earlier?.mapping ?? mapping,
      (earlier?.mapping ?? mapping).map((m) => m.column),
    );
    if (problem) fail('import_mapping', problem);
    const run =
      earlier ??
      (await hooks.write(() =>
        this.runs.begin({
          fingerprint: file.fingerprint,
          fileName: file.name,
          format: file.format,
          mapping,
          idTime: this.clock.now().getTime(),
          at: isoNow(this.clock),
        }),
      ));
    const use = run.mapping;

    const p = {
      nextLine: run.nextLine,
      rows: run.rows,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
    };
    const rejected = new RejectedLines(REJECTED_LIST_CAP, {
      lines: run.rejectedLines,
      count: run.rejected,
    });
    const step = new StepSize(hooks.step ?? IMPORT_STEP);
    const find = lookup(this.repos);
    let batch: ImportRow[] = [];

    const commit = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      // Timed inside the write: what the batch costs, not the wait for the gate before it.
      await hooks.write(() =>
        step.time(() => {
          // Each row's savepoint and statements journal in memory, not in a
          // temporary file: half an import's time before (memory-journals.ts).
          const restoreJournals = journalsInMemory(this.repos.db);
          try {
            this.repos.db
              .transaction(() => {
                for (const row of rows) this.one(run, row, find, p, rejected, hooks);
                p.nextLine = rows[rows.length - 1]!.line + 1;
                this.runs.advance(
                  run.id,
                  { ...p, rejected: rejected.count, rejectedLines: rejected.lines },
                  isoNow(this.clock),
                );
              })
              .immediate();
          } finally {
            restoreJournals();
          }
        }),
      );
      step.end(rows.length);
      hooks.committed?.();
    };

    for await (const row of this.rows(file, use)) {
      if (row.line < run.nextLine) continue;
      batch.push(row);
      if (batch.length >= step.size) await commit();
      await hooks.tick?.(p.rows + batch.length);
    }
    await commit();
    await hooks.write(() => this.runs.finish(run.id, isoNow(this.clock)));
    return {
      rows: p.rows,
      created: p.created,
      updated: p.updated,
      unchanged: p.unchanged,
      rejected: rejected.count,
      rejectedLines: rejected.lines,
      resumed: earlier !== undefined,
      alreadyImported: false,
    };
  }

  /** One row inside its batch's transaction; a refused row rolls back only its own savepoint. */
  private one(
    run: ImportRun,
    row: ImportRow,
    find: (id: string) => VisitorRecord | undefined,
    p: { rows: number; created: number; updated: number; unchanged: number },
    rejected: RejectedLines,
    hooks: ImportHooks,
  ): void {
    p.rows++;
    const reject = (reason: string) => {
      rejected.add(row.line, reason);
      hooks.rejected?.(row.line, reason);
    };
    const plan = planRow(row, find);
    try {
      if (plan.kind === 'reject') return reject(plan.reason);
      if (plan.kind === 'unchanged') {
        p.unchanged++;
        return;
      }
      if (plan.kind === 'update') {
        this.edits.update(plan.localId, plan.patch);
        p.updated++;
        return;
      }
      const localId = importedLocalId(run, row.line);
      // Already there: a crash came after this batch was written but the count said otherwise.
      if (this.repos.visitors.get(localId)) {
        p.unchanged++;
        return;
      }
      this.edits.create(plan.values, localId);
      p.created++;
    } catch (err) {
      // The edit service's refusals are the row's; anything else (disk full, a bug) stops the
      // import with this batch undone: what came before is kept and a restart goes on from it.
      if (!(err instanceof AppErrorException)) throw err;
      reject(describeAppError(err.error));
    }
  }

  /** The file's rows through the mapping; for CSV the header must be the mapping's columns. */
  private async *rows(file: ImportFile, mapping: ImportMapping): AsyncGenerator<ImportRow> {
    let header = file.format === 'csv';
    for await (const r of readSource(file.path, file.format)) {
      if (header) {
        header = false;
        if ('error' in r) throw fileError(`Line ${r.line} (the header): ${r.error}`);
        const cells = (r as { cells: string[] }).cells;
        if (cells.length !== mapping.length || cells.some((c, i) => c !== mapping[i]!.column))
          throw fileError('The file’s columns are not those mapped; pick the file again.');
        continue;
      }
      if ('error' in r) yield { line: r.line, error: r.error };
      else if ('cells' in r) yield csvRecordRow(r.line, r.cells, mapping);
      else yield jsonRecordRow(r.line, r.text, mapping);
    }
    if (header) throw fileError('The file is empty: expected a header row.');
  }
}

const lookup = (repos: Repos) => (id: string) =>
  repos.visitors.get(id) ?? repos.visitors.byServerId(id);

function summaryOf(run: ImportRun): Omit<ImportSummary, 'resumed' | 'alreadyImported'> {
  return {
    rows: run.rows,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    rejected: run.rejected,
    rejectedLines: run.rejectedLines,
  };
}
