import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppErrorException } from '../../../shared/errors';
import type { ImportFormat, ImportMapping } from '../../../shared/ipc/import-contract';
import { systemClock } from '../clock';
import { toAppError } from '../ipc/dispatch';
import type { Db } from '../db/open';
import { Importer, REJECTED_LIST_CAP } from '../import/importer';
import type { StepSizeOptions } from '../jobs/step-size';
import { strictMapping } from '../import/mapping';
import { fingerprint, peekColumns } from '../import/source';
import { createRepos } from '../repos';
import { CliError, EXIT, UsageError, optionalString, type Command } from './args';
import { DB_OPTION, dbPathOf, openForCommand } from './database';
import { COLUMNS } from './import-rows';
import { keyValues, plural, writeJson } from './output';

const USAGE = `usage: npm run cli -- import <file.csv|file.jsonl> --db <file> [--format csv|jsonl] [--json]

Imports visitors into the local database. Each row creates a new visitor, or,
when its "id" is the local or server id of a visitor, updates that visitor.
Every change goes into the outbox exactly as an edit in the app does (same
validation, same coalescing: a record imported twice still has one pending
operation); run "sync" to send them.

  <file>               .csv or .jsonl (.ndjson); "-" reads standard input (needs --format)
  --db <file>          the console's SQLite database (created if missing)
  --format csv|jsonl   the file's format, when its extension does not say
  --json               print the summary as JSON on stdout
  -h, --help           this text

Fields: ${COLUMNS.join(', ')}.
A row without an id (or with an empty one) creates a visitor and needs a name;
a row with an id changes only the fields it has (CSV: the file's columns).

CSV (RFC 4180): a header row names the columns (any letter case, any order,
unknown columns are an error); fields in double quotes may hold commas, line
breaks and doubled quotes (""); CRLF or LF; a UTF-8 BOM is fine. An empty cell
means no value (null). interests: items separated by ";" or "|", for example
"AI; cloud|security".

JSONL: one JSON object per line with the same keys, JSON values (interests an
array of strings); blank lines are skipped.

Rows that cannot be imported are reported as "line N: reason" on stderr and
skipped; every other row is imported. Lines are the file's lines (a CSV row
spanning several lines is reported at its first line).

The file is read as a stream (a million rows in the same memory as ten) and
committed in batches of 500 rows. An import that stops part way (Ctrl-C, a
crash, a power cut) and is started again with the same file (the same bytes)
goes on after the last committed batch and never creates a visitor twice; the
app's Import screen shares this record. A file imported to its end is not
imported again: the command reports its earlier summary.

Summary (--json): { file, format, rows, created, updated, unchanged, rejected,
rejectedLines: [{ line, reason }] (the first ${REJECTED_LIST_CAP}), resumed, alreadyImported }.

Exit codes: 0 every row imported (or unchanged), 1 some rows were rejected,
2 usage error or a file that cannot be imported at all (unreadable, bad CSV
header, unknown column; nothing is imported then).`;

export interface CliImportSummary {
  file: string;
  format: ImportFormat;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejectedLines: { line: number; reason: string }[];
  resumed: boolean;
  alreadyImported: boolean;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import visitors from a CSV or JSONL file into the outbox',
  usage: USAGE,
  options: { ...DB_OPTION, format: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1, name: 'the file to import' },
  async run({ values, positionals }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const file = positionals[0]!;
    const format = formatOf(file, optionalString(values, 'format'));
    // Standard input is spooled to a file first: resuming needs the same bytes read twice.
    const spool = file === '-' ? await spoolStdin() : null;
    try {
      const path = spool?.path ?? file;
      const mapping = await cliMapping(file, path, format);
      const { sha256 } = await fingerprint(path).catch((err: unknown) => {
        throw new CliError(cliWords(err));
      });
      const db = openForCommand(dbPath, { create: true });
      let summary: CliImportSummary;
      try {
        summary = await importFile(db, { file, path, format, sha256 }, mapping, (line, reason) =>
          io.err(`line ${line}: ${reason}\n`),
        );
      } finally {
        db.close();
      }
      if (summary.alreadyImported)
        for (const r of summary.rejectedLines) io.err(`line ${r.line}: ${r.reason}\n`);
      if (values.json) writeJson(io, summary);
      else io.out(describe(summary));
      return summary.rejected > 0 ? EXIT.problems : EXIT.ok;
    } finally {
      if (spool) rmSync(spool.dir, { recursive: true, force: true });
    }
  },
};

function formatOf(file: string, flag: string | undefined): ImportFormat {
  if (flag !== undefined) {
    if (flag === 'csv' || flag === 'jsonl') return flag;
    throw new UsageError(`--format must be csv or jsonl, got "${flag}"`, USAGE);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new UsageError(
    file === '-'
      ? 'reading standard input needs --format csv or --format jsonl'
      : `cannot tell the format of "${file}" from its extension; use .csv or .jsonl, or --format`,
    USAGE,
  );
}

async function spoolStdin(): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vrc-import-'));
  const path = join(dir, 'stdin');
  await pipeline(process.stdin, createWriteStream(path));
  return { dir, path };
}

/** A file-level problem in the CLI's words: "cannot read x: no such file", "x is not UTF-8 …". */
function cliWords(err: unknown): string {
  const message = err instanceof AppErrorException ? err.error.message : String(err);
  return message.replace(/^Cannot/, 'cannot').replace(/\.$/, '');
}

/**
 * The CLI maps by name only: every CSV column must be a field (any letter
 * case, each once), and a JSONL object may hold only the fields. The Import
 * screen guesses more and lets the person choose.
 */
async function cliMapping(
  file: string,
  path: string,
  format: ImportFormat,
): Promise<ImportMapping> {
  if (format === 'jsonl') return COLUMNS.map((c) => ({ column: c, target: c }));
  let header: string[];
  try {
    header = (await peekColumns(path, 'csv', 0)).map((c) => c.name);
  } catch (err) {
    const message = err instanceof AppErrorException ? err.error.message : String(err);
    const at = /^Line (\d+) \(the header\): (.*)$/.exec(message);
    if (at) throw new CliError(`${file} line ${at[1]}: header: ${at[2]}; nothing was imported`);
    if (/^The file is empty/.test(message))
      throw new CliError(
        `${file} line 1: the file is empty: expected a header row; nothing was imported`,
      );
    throw new CliError(cliWords(err));
  }
  const mapping = strictMapping(header);
  if ('error' in mapping)
    throw new CliError(`${file} line 1: ${mapping.error}; nothing was imported`);
  return mapping;
}

/**
 * The command's batches stay 500 rows, whatever they take: no window waits on
 * this process between them, and on a busy machine batches sized to 25 ms
 * (the app's, IMPORT_STEP) pay a commit and its fsync every few dozen rows
 * (measured on a loaded 2-core machine: 1.2 to 2.3 times as long in all).
 */
const CLI_BATCH: StepSizeOptions = { first: 500, min: 500, max: 500 };

/**
 * The file through the app's importer (electron/core/import/importer.ts):
 * streamed, in batches, resumable, each row through the app's own edit
 * service. A failure that is not a row's (disk full, a bug) stops it with
 * every batch before it kept; running the command again goes on from there.
 */
export async function importFile(
  db: Db,
  file: { file: string; path: string; format: ImportFormat; sha256: string },
  mapping: ImportMapping,
  onRejected: (line: number, reason: string) => void,
): Promise<CliImportSummary> {
  const importer = new Importer(createRepos(db), systemClock);
  // Rows land at random places in the name, email… indexes: with SQLite's default 2 MiB page
  // cache a large import reads the disk for nearly every row. A fixed 64 MiB keeps the
  // indexes' upper levels in memory (memory stays flat: the cache does not grow with the file).
  const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -65536');
  try {
    const s = await importer.run(
      { path: file.path, name: basename(file.file), format: file.format, fingerprint: file.sha256 },
      mapping,
      { write: async (fn) => fn(), rejected: onRejected, step: CLI_BATCH },
    );
    return { file: file.file, format: file.format, ...s };
  } catch (err) {
    const error = toAppError(err);
    if (error.code === 'import_file') throw new CliError(`${file.file}: ${error.message}`);
    throw new CliError(
      `${file.file}: ${error.message}; the import stopped. The rows before are saved; run the same command again to go on from there.`,
    );
  } finally {
    db.pragma(`cache_size = ${cacheBefore}`);
  }
}

function describe(s: CliImportSummary): string {
  const head = s.alreadyImported
    ? `${s.file} (${s.format}) was imported before, to its end; nothing was imported again. Its summary: ${plural(s.rows, 'row')}\n`
    : `Imported ${s.file} (${s.format}): ${plural(s.rows, 'row')}${s.resumed ? ' (continued where an earlier run stopped)' : ''}\n`;
  const body = keyValues(
    [
      ['created', String(s.created)],
      ['updated', String(s.updated)],
      ['unchanged', String(s.unchanged)],
      [
        'rejected',
        s.rejected === 0
          ? '0'
          : `${s.rejected} (lines ${s.rejectedLines.map((r) => r.line).join(', ')}${s.rejected > s.rejectedLines.length ? ', …' : ''}; reasons above)`,
      ],
    ],
    '  ',
  );
  const next =
    !s.alreadyImported && s.created + s.updated > 0
      ? 'The changes are in the outbox; run "sync" to send them.\n'
      : '';
  return head + body + next;
}
