import { ConflictsRepo, type ConflictRow } from '../conflicts/conflicts-repo';
import type { OutboxRow } from '../../../shared/ipc/contract';
import { OutboxRepo } from '../outbox/outbox-repo';
import { EXIT, type Command } from './args';
import { DB_OPTION, dbPathOf, openForCommand } from './database';
import { describeError, grid, plural, writeJson } from './output';

const CONFLICTS_USAGE = `usage: npm run cli -- conflicts --db <file> [--json]

The open sync conflicts: local changes the server refused because the record
changed there too (kind "field"), was deleted there ("update_deleted"), or was
changed there before a local delete ("delete_modified").

  --db <file>   the console's SQLite database (must exist)
  --json        a JSON array on stdout, oldest first, one object per conflict:
                { id, localId, serverId, opId, action, kind, conflictFields,
                  clientData, serverData, baseData, baseVersion, serverVersion,
                  status, createdAt, name, company, draft, draftRule,
                  batchId, captureGapMs }
  -h, --help    this text

Exit codes: 0, or 2 for a usage error or a database that cannot be opened.`;

const FAILED_USAGE = `usage: npm run cli -- failed --db <file> [--json]

The outbox operations that failed for good (not retryable, or out of attempts),
each with its last error. They stay in the outbox until dealt with in the app.

  --db <file>   the console's SQLite database (must exist)
  --json        a JSON array on stdout, oldest first, one object per operation:
                { seq, opId, action, localId, serverId, data, baseVersion,
                  timestamp, status, attempts, nextAttemptAt,
                  lastError: { code, message, retryable, details? }, createdAt,
                  updatedAt }
  -h, --help    this text

Exit codes: 0, or 2 for a usage error or a database that cannot be opened.`;

export function allOpenConflicts(repo: ConflictsRepo, pageSize = 1_000): ConflictRow[] {
  const out: ConflictRow[] = [];
  for (let after = 0; ;) {
    const page = repo.listOpen(after, pageSize);
    out.push(...page);
    if (page.length < pageSize) return out;
    after = page.at(-1)!.id;
  }
}

const nameOf = (data: Record<string, unknown> | null | undefined) =>
  typeof data?.name === 'string' ? data.name : '';

/**
 * A read-only listing of one table: --json for scripts, a grid for people.
 * Both commands below are this, with their own rows and columns.
 */
function listCommand<T>(spec: {
  name: string;
  summary: string;
  usage: string;
  read: (db: ReturnType<typeof openForCommand>) => T[];
  none: string;
  noun: string;
  columns: string[];
  cells: (item: T) => string[];
  width?: number;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    options: { ...DB_OPTION, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
    async run({ values }, io) {
      const db = openForCommand(dbPathOf(values, spec.usage), { create: false });
      let list: T[];
      try {
        list = spec.read(db);
      } finally {
        db.close();
      }
      if (values.json) writeJson(io, list);
      else if (list.length === 0) io.out(`${spec.none}\n`);
      else {
        io.out(`${plural(list.length, spec.noun)}:\n`);
        io.out(grid(spec.columns, list.map(spec.cells), spec.width));
      }
      return EXIT.ok;
    },
  };
}

export const conflictsCommand = listCommand<ConflictRow>({
  name: 'conflicts',
  summary: 'the open sync conflicts',
  usage: CONFLICTS_USAGE,
  read: (db) => allOpenConflicts(new ConflictsRepo(db)),
  none: 'No open conflicts.',
  noun: 'open conflict',
  columns: ['id', 'kind', 'action', 'server id', 'name', 'fields', 'since'],
  cells: (c) => [
    String(c.id),
    c.kind,
    c.action,
    c.serverId ?? '-',
    nameOf(c.serverData) || nameOf(c.clientData) || nameOf(c.baseData),
    c.conflictFields.join(', '),
    c.createdAt,
  ],
});

export const failedCommand = listCommand<OutboxRow>({
  name: 'failed',
  summary: 'the outbox operations that failed for good, with their last error',
  usage: FAILED_USAGE,
  read: (db) => new OutboxRepo(db).failed(),
  none: 'No failed operations.',
  noun: 'failed operation',
  columns: ['seq', 'action', 'local id', 'attempts', 'last error'],
  cells: (op) => [
    String(op.seq),
    op.action,
    op.localId,
    String(op.attempts),
    op.lastError ? describeError(op.lastError) : '-',
  ],
  width: 90,
});
