import { userInfo } from 'node:os';
import { extname, resolve } from 'node:path';
import {
  QueueFilterSchema,
  type QueueFilter,
  type QueueGroup,
  type QueueItem,
} from '../../../shared/ipc/queue-contract';
import { CLASS_INFO } from '../../../shared/queue/classify';
import { systemClock } from '../clock';
import { writeFileWhole } from '../desktop/save-file';
import { createRepos } from '../repos';
import { QueueActions, type Actor } from '../queue/queue-actions';
import { EXIT, UsageError, optionalString, type Command, type FlagValues } from './args';
import { DB_OPTION, dbPathOf, openForCommand } from './database';
import { grid, plural, writeJson } from './output';

type Verb = 'retry' | 'discard' | 'export';

const SELECT_HELP = `  --db <file>          the console's SQLite database (must exist)
  --code <code>        only operations whose error has this code (e.g. validation,
                       not_found; "server" also matches those that gave up after
                       server errors)
  --signature <key>    only one failure group: its signature as --dry-run --json
                       prints it under groups[].signature
  --all                every operation in the queue (needed when neither --code
                       nor --signature narrows it)
  --dry-run            print what would be done and change nothing
  --json               the result as JSON on stdout
  -h, --help           this text`;

const USAGE: Record<Verb, string> = {
  retry: `usage: npm run cli -- retry --db <file> (--code <code> | --signature <key> | --all) [--dry-run] [--json]

Makes the matching retrying or failed operations due now, with a fresh budget of
attempts; the next "sync" sends them. Conflict loops (resolved in the app's
Conflicts workspace) and changes whose create is in the archive are left as they are.
A failed create brings back the changes that waited on it.

${SELECT_HELP}

--json prints { action, matched, count, skipped, skippedReason }; with --dry-run
{ action, dryRun: true, matched, groups: [{ signature, class, code, message,
count }], operations: [{ opId, action, localId, visitor, status, code, message }] }.

Exit codes: 0 done (or nothing matched); 1 done, but some matched operations were
left as they were (skipped); 2 usage error or database that cannot be opened.`,
  discard: `usage: npm run cli -- discard --db <file> (--code <code> | --signature <key> | --all) [--dry-run] [--json]

Discards the matching retrying or failed operations: each is moved, whole, into
the retry queue's archive (its payload, every attempt's error, who discarded it
and when), never deleted, and its record goes back to the server's version. A
discarded create takes the changes queued after it. The app's Retry queue shows
the archive, where operations can be restored, exported and then purged.

${SELECT_HELP}

--json prints { action, matched, count, archived, skipped, skippedReason }.

Exit codes: 0 done (or nothing matched); 1 done, but some matched operations were
left as they were (skipped); 2 usage error or database that cannot be opened.`,
  export: `usage: npm run cli -- export --db <file> (--code <code> | --signature <key> | --all) [--out <file>] [--dry-run] [--json]

Writes the matching retrying or failed operations to a file for the server team:
CSV or JSON by the extension of --out (.csv or .json), written whole (a
temporary file, flushed, renamed). Only once the file is saved are the
operations marked exported, which lets the app's "Archive exported" move them
into the archive. Without
--out the JSON goes to stdout and nothing is marked.

${SELECT_HELP.replace('  -h, --help', '  --out <file>         where to save the file (.csv or .json)\n  -h, --help')}

--json prints { action, matched, count, marked, changed, file } (with --out).

Exit codes: 0 done (or nothing matched); 2 usage error, database that cannot be
opened or a file that could not be written.`,
};

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function filterOf(values: FlagValues, usage: string): QueueFilter {
  const code = optionalString(values, 'code');
  const signature = optionalString(values, 'signature');
  if (!values.all && code === undefined && signature === undefined)
    throw new UsageError('say which operations: --code, --signature or --all', usage);
  if (values.all && (code !== undefined || signature !== undefined))
    throw new UsageError('--all cannot be combined with --code or --signature', usage);
  const parsed = QueueFilterSchema.safeParse({ code: code ?? null, signature: signature ?? null });
  if (!parsed.success) throw new UsageError('--code or --signature is too long', usage);
  return parsed.data;
}

const groupJson = (g: QueueGroup) => ({
  signature: g.signature,
  class: CLASS_INFO[g.cls].label,
  code: g.code,
  message: g.message,
  count: g.count,
});

const opJson = (i: QueueItem) => ({
  opId: i.opId,
  action: i.action,
  localId: i.localId,
  visitor: i.visitorName,
  status: i.status,
  code: i.code,
  message: i.message,
});

function outPath(values: FlagValues, verb: Verb, usage: string) {
  const out = optionalString(values, 'out');
  if (out === undefined) return null;
  if (verb !== 'export') throw new UsageError('--out is only for export', usage);
  const ext = extname(out).toLowerCase();
  if (ext !== '.csv' && ext !== '.json')
    throw new UsageError(`--out must end in .csv or .json, got "${out}"`, usage);
  return { path: resolve(out), format: ext === '.csv' ? ('csv' as const) : ('json' as const) };
}

/**
 * retry | discard | export over the retry queue, for admins' scripts: the same
 * QueueActions as the app's Retry queue (one transaction each, an audit row
 * per operation, the actor being this OS user). Access to the database file
 * is the admin's right here; the app asks the server for the role instead.
 */
function queueActionCommand(verb: Verb, summary: string): Command {
  const usage = USAGE[verb];
  return {
    name: verb,
    summary,
    usage,
    options: {
      ...DB_OPTION,
      code: { type: 'string' },
      signature: { type: 'string' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: { min: 0, max: 0 },
    async run({ values }, io) {
      const path = dbPathOf(values, usage);
      const filter = filterOf(values, usage);
      const out = outPath(values, verb, usage);
      const db = openForCommand(path, { create: false });
      try {
        const repos = createRepos(db);
        const actions = new QueueActions(repos, systemClock);
        const by: Actor = { actor: osUser(), serverName: null };
        const matched = repos.queue.count(filter);
        if (values['dry-run']) {
          const ops = repos.queue.items(filter, null);
          const { groups } = repos.queue.groups(filter, 1_000);
          if (values.json)
            writeJson(io, {
              action: verb,
              dryRun: true,
              matched,
              groups: groups.map(groupJson),
              operations: ops.map(opJson),
            });
          else {
            io.out(`Would ${verb} ${plural(matched, 'operation')} (nothing was changed).\n`);
            if (groups.length)
              io.out(
                grid(
                  ['count', 'class', 'code', 'error'],
                  groups.map((g) => [String(g.count), CLASS_INFO[g.cls].label, g.code, g.message]),
                  70,
                ),
              );
          }
          return EXIT.ok;
        }
        if (matched === 0) {
          if (values.json) writeJson(io, { action: verb, matched: 0, count: 0 });
          else io.out('No operation in the queue matches: nothing was done.\n');
          return EXIT.ok;
        }
        const target = { select: { filter }, expected: matched };
        if (verb === 'export') {
          const file = actions.buildExport(target, out?.format ?? 'json');
          if (!out) {
            io.out(file.content);
            return EXIT.ok;
          }
          await writeFileWhole(out.path, file.content);
          const r = actions.confirmExport(file.exportId, by, out.path);
          if (values.json)
            writeJson(io, {
              action: verb,
              matched,
              count: file.count,
              marked: r.count,
              changed: r.changed,
              file: out.path,
            });
          else
            io.out(
              `Exported ${plural(file.count, 'operation')} to ${out.path}; ${r.count} marked exported.\n`,
            );
          return EXIT.ok;
        }
        const r = verb === 'retry' ? actions.retry(target, by) : actions.discard(target, by);
        if (values.json)
          writeJson(io, {
            action: verb,
            matched,
            count: r.count,
            ...(verb === 'discard' ? { archived: r.count } : {}),
            skipped: r.skipped,
            skippedReason: r.skippedReason,
          });
        else {
          io.out(
            verb === 'retry'
              ? `${plural(r.count, 'operation')} due again: the next sync sends them.\n`
              : `${plural(r.count, 'operation')} discarded into the archive (restore, export or purge them in the app's Retry queue).\n`,
          );
          if (r.skipped) io.out(`${r.skipped} left as they were: ${r.skippedReason ?? ''}\n`);
        }
        return r.skipped > 0 ? EXIT.problems : EXIT.ok;
      } finally {
        db.close();
      }
    },
  };
}

export const retryCommand = queueActionCommand(
  'retry',
  'make failed or retrying operations due now (the next sync sends them)',
);
export const discardCommand = queueActionCommand(
  'discard',
  'move failed or retrying operations into the archive',
);
export const exportCommand = queueActionCommand(
  'export',
  'write failed or retrying operations to a CSV or JSON file',
);
