import type { BulkPreview, ConflictFilterIn } from '../../../shared/ipc/conflicts-contract';
import { ConflictKindSchema, type ConflictKind } from '../../../shared/protocol';
import type { RuleDecision } from '../../../shared/resolve/saved-rules';
import type { FieldRules, PickKind } from '../../../shared/resolve/types';
import { VISITOR_FIELDS, VisitorFieldNameSchema, type VisitorField } from '../../../shared/visitor';
import { CliError, EXIT, UsageError, optionalString, type Command, type FlagValues } from './args';
import { openCoreSession } from './core-session';
import { DB_OPTION, dbPathOf } from './database';
import { keyValues, plural, writeJson } from './output';

const STRATEGIES = ['server_wins', 'client_wins', 'merge'] as const;
type BulkStrategy = (typeof STRATEGIES)[number];
const PICKS: Record<string, PickKind> = { ours: 'client', theirs: 'server', merged: 'merged' };

const USAGE = `usage: npm run cli -- resolve --db <file> [filters] (--strategy <s> | --pick <field>=<side>…) [--remembered] [options]

Resolves the matching open conflicts in one transaction, like a bulk apply in
the workspace (one audited batch, undoable in the app until it is pushed).
The decisions are queued; the next sync sends them.

filters (all optional; none matches every open conflict):
  --kind <kind>              field, update_deleted or delete_modified
  --conflict-field <name>    conflicts contesting this field (repeatable: any of them)
                             fields: ${VISITOR_FIELDS.join(', ')}

decision:
  --strategy <s>             server_wins, client_wins or merge: the whole record;
                             with --pick, what every field without a pick takes
                             (default merge)
  --pick <field>=<side>      ours, theirs or merged for that field where it is
                             contested (repeatable), as the rule editor's rule
  --remembered               use remembered values where there are any: a
                             contested field whose pair of values (ours,
                             theirs) was settled before takes that result
                             instead of the strategy's or the pick's side;
                             saved with the rule (--save)

options:
  --dry-run                  print what it would do and change nothing
                             (no rule is saved either)
  --save <name>              also store this as a saved rule (proposed: the
                             conflicts later syncs bring get it as their draft)
  --auto                     with --save: the rule is automatic (applied right
                             after each sync, as one undoable batch)
  --json                     the summary as JSON on stdout: { dryRun, filter,
                             decision, targeted, resolvable, recordsChanging,
                             operations, byStrategy, remembered (conflicts
                             where a remembered value was used), skipped,
                             skippedReasons, samples, batch, rule }
  -h, --help                 this text

Exit codes: 0 every matching conflict was resolved (or would be, with
--dry-run); 1 some were left open (see skippedReasons); 2 usage error,
database that cannot be opened, or a rule name already taken.`;

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

export function filterFrom(values: FlagValues, usage = USAGE): ConflictFilterIn {
  const kind = optionalString(values, 'kind');
  const kinds: ConflictKind[] = [];
  if (kind !== undefined) {
    const parsed = ConflictKindSchema.safeParse(kind);
    if (!parsed.success)
      throw new UsageError(
        `--kind must be field, update_deleted or delete_modified, got "${kind}"`,
        usage,
      );
    kinds.push(parsed.data);
  }
  const fields = list(values['conflict-field']).map((f) => fieldOf(f, '--conflict-field', usage));
  return { kinds, fields: [...new Set(fields)] };
}

function fieldOf(name: string, flag: string, usage: string): VisitorField {
  const parsed = VisitorFieldNameSchema.safeParse(name.trim());
  if (!parsed.success)
    throw new UsageError(
      `${flag}: unknown field "${name}" (fields: ${VISITOR_FIELDS.join(', ')})`,
      usage,
    );
  return parsed.data;
}

export function decisionFrom(values: FlagValues, usage = USAGE): RuleDecision {
  const strategy = optionalString(values, 'strategy');
  if (strategy !== undefined && !STRATEGIES.includes(strategy as BulkStrategy))
    throw new UsageError(
      `--strategy must be server_wins, client_wins or merge, got "${strategy}"`,
      usage,
    );
  const picks = list(values.pick);
  // Present only when asked for, so a decision without it reads as before.
  const remembered = values.remembered === true ? { remembered: true } : {};
  if (picks.length === 0) {
    if (strategy === undefined)
      throw new UsageError('give --strategy or at least one --pick', usage);
    return {
      type: 'resolution',
      resolution: { strategy: strategy as BulkStrategy },
      ...remembered,
    };
  }
  const fields: FieldRules['fields'] = {};
  for (const p of picks) {
    const m = /^([^=]+)=(.*)$/.exec(p);
    const side = m ? PICKS[m[2]!.trim()] : undefined;
    if (!m || !side)
      throw new UsageError(`--pick must be <field>=ours|theirs|merged, got "${p}"`, usage);
    fields[fieldOf(m[1]!, '--pick', usage)] = side;
  }
  return {
    type: 'rules',
    rules: { fields, default: (strategy as BulkStrategy) ?? 'merge' },
    ...remembered,
  };
}

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'resolve the matching open conflicts in bulk; optionally save it as a rule',
  usage: USAGE,
  options: {
    ...DB_OPTION,
    kind: { type: 'string' },
    'conflict-field': { type: 'string', multiple: true },
    strategy: { type: 'string' },
    pick: { type: 'string', multiple: true },
    remembered: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    save: { type: 'string' },
    auto: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const filter = filterFrom(values);
    const decision = decisionFrom(values);
    const save = optionalString(values, 'save')?.trim();
    if (values.auto && !save) throw new UsageError('--auto needs --save <name>', USAGE);
    if (save === '') throw new UsageError('--save needs a name', USAGE);
    const dryRun = values['dry-run'] === true;

    const session = openCoreSession(dbPath);
    try {
      const target = { filter, exceptIds: [] };
      let result: BulkPreview & { batch?: { id: number; description: string } | null };
      if (dryRun) result = await session.call('conflicts:preview', { target, decision });
      else {
        const description = save ? `Rule “${save}”` : '';
        // A name already taken is refused before anything is applied.
        const taken = (await session.call('rules:list', {})).some(
          (r) => r.name.toLowerCase() === save?.toLowerCase(),
        );
        if (taken) throw new CliError(`a rule named “${save}” already exists: choose another name`);
        result = await session.call('conflicts:apply', { target, decision, description });
      }
      let rule = null;
      if (save && !dryRun) {
        const saved = await session.call('rules:save', {
          name: save,
          match: matchOf(filter),
          decision,
        });
        // The admin has just seen what it does: this resolve was its run over the open conflicts.
        rule = values.auto
          ? await session.call('rules:update', {
              id: saved.id,
              patch: { mode: 'automatic' },
              dryRunSeen: true,
            })
          : saved;
      }
      const left = result.skipped;
      if (values.json)
        writeJson(io, {
          dryRun,
          filter,
          decision,
          ...result,
          batch: result.batch ?? null,
          rule,
        });
      else io.out(describe(result, dryRun, rule?.name ?? null, rule?.mode ?? null));
      return left > 0 ? EXIT.problems : EXIT.ok;
    } finally {
      session.close();
    }
  },
};

function matchOf(f: ConflictFilterIn) {
  return { kinds: f.kinds ?? [], fields: f.fields ?? [] };
}

function describe(
  r: BulkPreview,
  dryRun: boolean,
  rule: string | null,
  mode: string | null,
): string {
  const verb = dryRun ? 'would resolve' : 'resolved';
  const lines = [
    `${plural(r.targeted, 'matching open conflict')}: ${verb} ${r.resolvable}, ${r.skipped} left open${dryRun ? ' (dry run: nothing changed)' : ''}`,
  ];
  lines.push(
    keyValues(
      [
        ['records changing', String(r.recordsChanging)],
        ['operations queued', `${r.operations}${dryRun ? ' (would be)' : ''}`],
        ...(r.remembered
          ? [
              ['remembered values', `used on ${plural(r.remembered, 'conflict')}`] as [
                string,
                string,
              ],
            ]
          : []),
        ...r.skippedReasons.map(
          (s) => ['left open', `${s.count}: ${s.reason}`] as [string, string],
        ),
      ],
      '  ',
    ).trimEnd(),
  );
  if (rule) lines.push(`Saved as rule “${rule}” (${mode}).`);
  return `${lines.join('\n')}\n`;
}
