import { AppErrorException } from '../../../shared/errors';
import { ServerUrlSchema } from '../../../shared/server-url';
import { TokenSchema } from '../../../shared/token';
import { VisitorsRepo } from '../visitors/visitors-repo';
import { SyncStateRepo } from '../sync/sync-state-repo';
import { heldElsewhere, readLease } from '../sync/lease';
import {
  checkMirror,
  repairMirror,
  type MirrorDifference,
  type MirrorReport,
} from '../sync/mirror-check';
import { ServerApi } from '../sync/server-api';
import {
  CliError,
  EXIT,
  UsageError,
  numberFlag,
  optionalString,
  requiredString,
  type Command,
  type FlagValues,
} from './args';
import { DB_OPTION, dbPathOf, openForCommand } from './database';
import { grid, keyValues, writeJson, type Io } from './output';
import { TOKEN_ENV } from './sync-command';

const OPTIONS = `  --db <file>          the console's SQLite database (must exist)
  --server <url>       the sync server, http:// or https://
  --token <token>      bearer token (or set ${TOKEN_ENV})
  --timeout-ms <ms>    per-request timeout (default 30000)
  --json               the report as JSON on stdout
  -h, --help           this text`;

const VERIFY_USAGE = `usage: npm run cli -- verify --db <file> --server <url> --token <token> [--json]

Compares the local mirror with the server without downloading everything:
the server hashes ranges of its records (GET /api/visitors/digest), the
console hashes the same ranges of its mirror and narrows down the ranges that
differ to the records. Reports records missing here, missing on the server,
with other values or another version, and SQLite's integrity_check. A record
with a pending local change or an open conflict is compared by the server
version it was based on: local work is never damage. Reads only. Run it after
a sync: a record changed on the server since the last pull also shows.

${OPTIONS}

Exit codes: 0 the mirror equals the server; 1 it does not; 2 usage error,
database cannot be opened, server unreachable or token refused.`;

const REPAIR_USAGE = `usage: npm run cli -- repair --db <file> --server <url> --token <token> [--json]

Checks the mirror like verify, then re-pulls only the records that differ: a
record with no local work takes the server's copy (or is removed when the
server has none); one with a pending operation or an open conflict keeps its
values, its operations and its conflict, and takes the server's copy as its
base. Ends with a second check, which is what the exit code reports.

${OPTIONS}

Exit codes: 0 the mirror equals the server after the repair; 1 it still does
not (e.g. SQLite's integrity_check found damage a re-pull cannot mend: restore
the file); 2 usage error, database cannot be opened, server unreachable,
token refused, or a sync is running on this database.`;

const options = {
  ...DB_OPTION,
  server: { type: 'string' },
  token: { type: 'string' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function connect(values: FlagValues, io: Io, usage: string): ServerApi {
  const url = ServerUrlSchema.safeParse(requiredString(values, 'server', usage));
  if (!url.success)
    throw new UsageError(`--server ${url.error.issues[0]?.message ?? 'is not an address'}`, usage);
  const token = TokenSchema.safeParse(optionalString(values, 'token') ?? io.env[TOKEN_ENV] ?? '');
  if (!token.success)
    throw new UsageError(
      `the token ${token.error.issues[0]!.message} (--token or ${TOKEN_ENV})`,
      usage,
    );
  return new ServerApi({
    serverUrl: url.data,
    token: token.data,
    clientId: 'mirror-check',
    timeoutMs: numberFlag(values, 'timeout-ms', usage, {
      fallback: 30_000,
      min: 100,
      max: 3_600_000,
      integer: true,
    }),
  });
}

const KIND_WORDS: Record<MirrorDifference['kind'], string> = {
  missing_here: 'missing here',
  missing_there: 'missing on the server',
  different_values: 'different values',
  different_version: 'different version',
};

function describe(report: MirrorReport, title: string): string {
  const counts = new Map<string, number>();
  for (const d of report.differences) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  const lines = [
    `${title}: ${report.equal ? 'the mirror equals the server' : 'the mirror differs from the server'}`,
    keyValues(
      [
        ['server records', String(report.serverRecords)],
        ...(Object.keys(KIND_WORDS) as MirrorDifference['kind'][]).map(
          (k) => [KIND_WORDS[k], String(counts.get(k) ?? 0)] as const,
        ),
        ['integrity_check', report.integrity.length === 0 ? 'ok' : report.integrity.join('; ')],
        ['requests', String(report.requests)],
      ],
      '  ',
    ).trimEnd(),
  ];
  if (report.differences.length > 0)
    lines.push(
      grid(
        ['server id', 'local id', 'difference', 'here', 'server'],
        report.differences
          .slice(0, 50)
          .map((d) => [
            d.serverId,
            d.localId ?? '',
            KIND_WORDS[d.kind],
            d.localVersion === null ? '' : String(d.localVersion),
            d.serverVersion === null ? '' : String(d.serverVersion),
          ]),
      ).trimEnd(),
    );
  if (report.differences.length > 50) lines.push(`… and ${report.differences.length - 50} more`);
  return `${lines.join('\n')}\n`;
}

async function check(api: ServerApi, db: ReturnType<typeof openForCommand>) {
  try {
    return await checkMirror({ api, db, visitors: new VisitorsRepo(db) });
  } catch (err) {
    if (err instanceof AppErrorException) throw new CliError(err.error.message, EXIT.error);
    throw err;
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'compare the local mirror with the server, record by record where they differ',
  usage: VERIFY_USAGE,
  options,
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, VERIFY_USAGE);
    const api = connect(values, io, VERIFY_USAGE);
    const db = openForCommand(dbPath, { create: false });
    try {
      const { report } = await check(api, db);
      if (values.json) writeJson(io, report);
      else io.out(describe(report, 'Verify'));
      return report.equal ? EXIT.ok : EXIT.problems;
    } finally {
      db.close();
    }
  },
};

export const repairCommand: Command = {
  name: 'repair',
  summary: 're-pull only the records where the mirror differs from the server',
  usage: REPAIR_USAGE,
  options,
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, REPAIR_USAGE);
    const api = connect(values, io, REPAIR_USAGE);
    const db = openForCommand(dbPath, { create: false });
    try {
      if (heldElsewhere(readLease(new SyncStateRepo(db)), Date.now()))
        throw new CliError(
          'a sync is running on this database (the app or another command); repair when it has finished',
          EXIT.error,
        );
      const before = await check(api, db);
      const visitors = new VisitorsRepo(db);
      const repaired = repairMirror(
        { db, visitors, at: new Date().toISOString() },
        before.report.differences,
        before.fetched,
      );
      const after = await check(api, db);
      if (values.json) writeJson(io, { before: before.report, repaired, after: after.report });
      else
        io.out(
          `${describe(before.report, 'Before')}Repaired ${repaired} record${repaired === 1 ? '' : 's'}.\n${describe(after.report, 'After')}`,
        );
      return after.report.equal ? EXIT.ok : EXIT.problems;
    } finally {
      db.close();
    }
  },
};
