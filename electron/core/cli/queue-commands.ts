import { ConflictsRepo, type ConflictRow } from '../conflicts/conflicts-repo';
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
                  status, createdAt }
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

export const conflictsCommand: Command = {
  name: 'conflicts',
  summary: 'the open sync conflicts',
  usage: CONFLICTS_USAGE,
  options: { ...DB_OPTION, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const db = openForCommand(dbPathOf(values, CONFLICTS_USAGE), { create: false });
    let list: ConflictRow[];
    try {
      list = allOpenConflicts(new ConflictsRepo(db));
    } finally {
      db.close();
    }
    if (values.json) {
      writeJson(io, list);
      return EXIT.ok;
    }
    if (list.length === 0) {
      io.out('No open conflicts.\n');
      return EXIT.ok;
    }
    io.out(`${plural(list.length, 'open conflict')}:\n`);
    io.out(
      grid(
        ['id', 'kind', 'action', 'server id', 'name', 'fields', 'since'],
        list.map((c) => [
          String(c.id),
          c.kind,
          c.action,
          c.serverId ?? '-',
          nameOf(c.serverData) || nameOf(c.clientData) || nameOf(c.baseData),
          c.conflictFields.join(', '),
          c.createdAt,
        ]),
      ),
    );
    return EXIT.ok;
  },
};

export const failedCommand: Command = {
  name: 'failed',
  summary: 'the outbox operations that failed for good, with their last error',
  usage: FAILED_USAGE,
  options: { ...DB_OPTION, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const db = openForCommand(dbPathOf(values, FAILED_USAGE), { create: false });
    let list;
    try {
      list = new OutboxRepo(db).failed();
    } finally {
      db.close();
    }
    if (values.json) {
      writeJson(io, list);
      return EXIT.ok;
    }
    if (list.length === 0) {
      io.out('No failed operations.\n');
      return EXIT.ok;
    }
    io.out(`${plural(list.length, 'failed operation')}:\n`);
    io.out(
      grid(
        ['seq', 'action', 'local id', 'attempts', 'last error'],
        list.map((op) => [
          String(op.seq),
          op.action,
          op.localId,
          String(op.attempts),
          op.lastError ? describeError(op.lastError) : '-',
        ]),
        90,
      ),
    );
    return EXIT.ok;
  },
};
