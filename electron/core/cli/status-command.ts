import type { SyncRun } from '../../../shared/ipc/contract';
import { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { Db } from '../db/open';
import { OutboxRepo } from '../outbox/outbox-repo';
import { DEFAULT_BACKOFF, retryHorizonMs } from '../sync/backoff';
import { RunsRepo } from '../sync/runs-repo';
import { SyncStateRepo } from '../sync/sync-state-repo';
import { VisitorsRepo } from '../visitors/visitors-repo';
import { EXIT, type Command } from './args';
import { DB_OPTION, dbPathOf, openForCommand } from './database';
import { describeError, keyValues, writeJson } from './output';

/** Due times beyond the longest backoff came from a clock that ran fast: they are due now. */
const retryHorizonIso = () => new Date(Date.now() + retryHorizonMs(DEFAULT_BACKOFF)).toISOString();

const USAGE = `usage: npm run cli -- status --db <file> [--json]

What the local database holds and what is waiting to be sent. Reads only; safe
to run while a sync runs in another process.

  --db <file>   the console's SQLite database (must exist)
  --json        one JSON object on stdout:
                { visitors, pending, inFlight, retrying, failed, conflicts,
                  outboxTotal, lastSyncAt, nextRetryAt, lastRun }
                visitors: records in the mirror (not deleted); pending: operations
                never sent yet; inFlight: sent, answer not recorded (a sync is
                running, or the last one was killed: the next sync sends them
                again); retrying: waiting for their next attempt (nextRetryAt);
                failed: given up (see "failed"); conflicts: open conflicts (see
                "conflicts"); lastSyncAt: end of the last sync that reached the
                server, or null; lastRun: the last sync run, or null
  -h, --help    this text

Exit codes: 0, or 2 for a usage error or a database that cannot be opened.`;

export interface StatusReport {
  dbPath: string;
  visitors: number;
  pending: number;
  inFlight: number;
  retrying: number;
  failed: number;
  conflicts: number;
  outboxTotal: number;
  lastSyncAt: string | null;
  nextRetryAt: string | null;
  lastRun: SyncRun | null;
}

export function readStatus(db: Db, dbPath: string): StatusReport {
  const outbox = new OutboxRepo(db);
  const counts = outbox.counts();
  return {
    dbPath,
    visitors: new VisitorsRepo(db).count(''),
    pending: counts.pending,
    inFlight: counts.inFlight,
    retrying: counts.retrying,
    failed: counts.failed,
    conflicts: new ConflictsRepo(db).openCount(),
    outboxTotal: counts.total,
    lastSyncAt: new SyncStateRepo(db).get('lastSyncAt'),
    nextRetryAt: outbox.nextRetryAt(new Date().toISOString(), retryHorizonIso()),
    lastRun: new RunsRepo(db).recent(1)[0] ?? null,
  };
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'counts of visitors, pending, retrying and failed operations, conflicts, last sync',
  usage: USAGE,
  options: { ...DB_OPTION, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const db = openForCommand(dbPath, { create: false });
    let report: StatusReport;
    try {
      report = readStatus(db, dbPath);
    } finally {
      db.close();
    }
    if (values.json) writeJson(io, report);
    else io.out(describe(report));
    return EXIT.ok;
  },
};

function describeRun(run: SyncRun | null): string {
  if (!run) return 'never';
  if (!run.finishedAt) return `#${run.id} started ${run.startedAt}, still running`;
  const counts = `${run.created} created, ${run.updated} updated, ${run.deleted} deleted, ${run.conflicts} conflicts, ${run.errors} failed`;
  const error = run.lastError ? `; ${describeError(run.lastError)}` : '';
  return `#${run.id} ${run.outcome} at ${run.finishedAt} (${counts}${error})`;
}

function describe(r: StatusReport): string {
  return keyValues([
    ['Database', r.dbPath],
    ['Visitors', String(r.visitors)],
    ['Pending', String(r.pending)],
    ['In flight', String(r.inFlight)],
    ['Retrying', r.retrying ? `${r.retrying} (next attempt ${r.nextRetryAt})` : '0'],
    ['Failed', String(r.failed)],
    ['Conflicts', String(r.conflicts)],
    ['Last sync', r.lastSyncAt ?? 'never'],
    ['Last run', describeRun(r.lastRun)],
  ]);
}
