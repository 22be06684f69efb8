import { existsSync } from 'node:fs';
import type { SyncProgress } from '../../../shared/ipc/contract';
import { rebuildLines, type RebuildSummary } from '../../../shared/rebuild';
import { ServerUrlSchema } from '../../../shared/server-url';
import { TokenSchema } from '../../../shared/token';
import { rebuildDatabase } from '../rebuild/rebuild';
import { DEFAULT_SYNC_SETTINGS } from '../sync/engine';
import {
  CliError,
  EXIT,
  UsageError,
  numberFlag,
  optionalString,
  requiredString,
  type Command,
} from './args';
import { DB_OPTION, dbPathOf } from './database';
import { ProgressReporter, keyValues, writeJson } from './output';
import { TOKEN_ENV } from './sync-command';

const USAGE = `usage: npm run cli -- rebuild --db <file> --server <url> --token <token> [--json]

For a database file SQLite can no longer read whole (sync and the app say it
is damaged). Rebuilds it from the server and keeps the local work:

  1. the damaged file is never deleted: it is renamed to
     <file>.damaged-<UTC time>, with its -wal and -shm;
  2. every readable row of local work is salvaged from it: queued operations
     (with their opIds, data and base versions), the archive of discarded
     operations, open conflicts, saved rules and remembered values. A table
     that cannot be read whole is read in rowid ranges, so a bad page costs
     only its own rows; what could not be read is counted, per table;
  3. a fresh database mirrors the server in full, and the salvaged work goes
     back on top: each operation with the same opId (the server answers a
     replay of one it already applied with its first result, so nothing is
     applied twice), its values on the mirror as an unsynced edit.

Then run sync to send the operations. The audit trail, undo history, sync
history and import progress stay in the kept file only. Close the app (and
any sync) on this database first. A file SQLite reads whole is refused
unless --force: compare it with the server with verify instead.

  --db <file>          the damaged database (the rebuilt one takes its place)
  --server <url>       the sync server, http:// or https://
  --token <token>      bearer token (or set ${TOKEN_ENV})
  --page-size <n>      records per change-feed page (default ${DEFAULT_SYNC_SETTINGS.pageSize})
  --timeout-ms <ms>    per-request timeout (default ${DEFAULT_SYNC_SETTINGS.requestTimeoutMs})
  --force              rebuild even a file SQLite's quick_check finds whole
  --json               the summary as JSON on stdout
  -q, --quiet          no progress on stderr
  -h, --help           this text

Exit codes: 0 rebuilt, every row of local work read; 1 rebuilt, but some rows
could not be read (the summary says which table and how many); 2 usage error,
no such file, a file that is not damaged, server unreachable or token refused
(nothing is changed then).`;

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'rebuild a damaged database from the server, keeping unsynced local work',
  usage: USAGE,
  options: {
    ...DB_OPTION,
    server: { type: 'string' },
    token: { type: 'string' },
    'page-size': { type: 'string' },
    'timeout-ms': { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const url = ServerUrlSchema.safeParse(requiredString(values, 'server', USAGE));
    if (!url.success)
      throw new UsageError(
        `--server ${url.error.issues[0]?.message ?? 'is not an address'}`,
        USAGE,
      );
    const token = TokenSchema.safeParse(optionalString(values, 'token') ?? io.env[TOKEN_ENV] ?? '');
    if (!token.success)
      throw new UsageError(
        `the token ${token.error.issues[0]!.message} (--token or ${TOKEN_ENV})`,
        USAGE,
      );
    const int = (name: string, fallback: number, min: number, max: number) =>
      numberFlag(values, name, USAGE, { fallback, min, max, integer: true });
    const settings = {
      ...DEFAULT_SYNC_SETTINGS,
      pageSize: int('page-size', DEFAULT_SYNC_SETTINGS.pageSize, 1, 10_000),
      requestTimeoutMs: int('timeout-ms', DEFAULT_SYNC_SETTINGS.requestTimeoutMs, 100, 3_600_000),
    };
    if (!existsSync(dbPath)) throw new CliError(`no database at ${dbPath} (check --db)`);
    const progress = new ProgressReporter(io, !values.quiet);
    progress.note(`Salvaging the local work of ${dbPath}…`);
    const summary = await rebuildDatabase({
      dbPath,
      connection: { serverUrl: url.data, token: token.data },
      settings,
      onlyIfDamaged: !values.force,
      events: {
        emit(event, payload) {
          if (event === 'sync:progress') progress.progress(payload as SyncProgress);
        },
      },
    });
    progress.endLine();
    if (values.json) writeJson(io, summary);
    else io.out(describe(summary));
    return summary.unreadable.length === 0 ? EXIT.ok : EXIT.problems;
  },
};

function describe(s: RebuildSummary): string {
  const lines = [
    `Rebuilt ${s.dbPath} from ${s.serverUrl}${s.headerRepaired ? ' (the file header was unreadable and was rebuilt to read the rest)' : ''}`,
    keyValues(rebuildLines(s), '  ').trimEnd(),
  ];
  if (s.operations.total > 0)
    lines.push(
      `Next: npm run cli -- sync --db ${JSON.stringify(s.dbPath)} --server ${s.serverUrl} sends the ${s.operations.total} kept operations (each is applied once).`,
    );
  if (s.unreadable.length > 0)
    lines.push(
      `Some rows could not be read: the changes they held are not in the rebuilt database. The damaged file is kept as ${s.keptAs}.`,
    );
  return `${lines.join('\n')}\n`;
}
