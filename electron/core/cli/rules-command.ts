import type { SavedRuleView } from '../../../shared/ipc/conflicts-contract';
import { EXIT, UsageError, type Command } from './args';
import { openCoreSession } from './core-session';
import { DB_OPTION, dbPathOf } from './database';
import { grid, plural, writeJson } from './output';

const USAGE = `usage: npm run cli -- rules --db <file> [--json]
       npm run cli -- rules disable <name> --db <file>
       npm run cli -- rules enable <name> --db <file>
       npm run cli -- rules delete <name> --db <file>

The saved conflict rules, oldest first (a conflict two rules match takes the
older one's decision): what each matches, its decision, whether it is
proposed (the conflicts a sync brings get it as their draft) or automatic
(applied right after the sync), and how many conflicts it matched so far.
Rules are saved from the workspace or with "resolve --save".

  --db <file>   the console's SQLite database (must exist)
  --json        a JSON array on stdout: { id, name, match, decision, mode,
                enabled, matched, summary, createdAt, updatedAt }
  -h, --help    this text

Exit codes: 0; 2 usage error, database that cannot be opened, or no rule of
that name.`;

const ACTIONS = ['disable', 'enable', 'delete'] as const;

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'list the saved conflict rules; disable, enable or delete one',
  usage: USAGE,
  options: { ...DB_OPTION, json: { type: 'boolean' } },
  positionals: { min: 0, max: 2, name: 'rule name' },
  async run({ values, positionals }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const [action, name] = positionals;
    if (action !== undefined && !ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`unknown action "${action}" (disable, enable or delete)`, USAGE);
    if (action !== undefined && !name?.trim()) throw new UsageError(`missing rule name`, USAGE);
    const session = openCoreSession(dbPath);
    try {
      if (action === undefined) {
        const rules = await session.call('rules:list', {});
        if (values.json) writeJson(io, rules);
        else io.out(listing(rules));
        return EXIT.ok;
      }
      const rule = session.core.read.rules.byName(name!);
      if (!rule) {
        io.err(`error: there is no rule named “${name!.trim()}”\n`);
        return EXIT.error;
      }
      if (action === 'delete') {
        await session.call('rules:delete', { id: rule.id });
        if (values.json) writeJson(io, { deleted: rule.name });
        else io.out(`Deleted rule “${rule.name}”.\n`);
        return EXIT.ok;
      }
      const updated = await session.call('rules:update', {
        id: rule.id,
        patch: { enabled: action === 'enable' },
      });
      if (values.json) writeJson(io, updated);
      else io.out(`Rule “${updated.name}” is now ${updated.enabled ? 'enabled' : 'disabled'}.\n`);
      return EXIT.ok;
    } finally {
      session.close();
    }
  },
};

function listing(rules: SavedRuleView[]): string {
  if (rules.length === 0) return 'No saved rules.\n';
  return (
    `${plural(rules.length, 'saved rule')}:\n` +
    grid(
      ['name', 'mode', 'state', 'matched', 'rule'],
      rules.map((r) => [
        r.name,
        r.mode,
        r.enabled ? 'enabled' : 'disabled',
        String(r.matched),
        r.summary,
      ]),
      70,
    )
  );
}
