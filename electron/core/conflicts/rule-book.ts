import { fail } from '../../../shared/errors';
import type {
  BulkPreview,
  ConflictFilter,
  RuleInput,
  SavedRuleView,
} from '../../../shared/ipc/conflicts-contract';
import { ConflictFilterSchema, RuleInputSchema } from '../../../shared/ipc/conflicts-contract';
import {
  describeRuleMatch,
  ruleResolution,
  type RuleDecision,
  type RuleMatch,
  type RuleMode,
} from '../../../shared/resolve/saved-rules';
import { type Clock, isoNow } from '../clock';
import type { Repos } from '../repos';
import type { SavedRule } from './rules-repo';
import type { ConflictWorkspace } from './workspace';

/** The workspace filter that selects what a rule matches (undecided conflicts only). */
export function filterOfMatch(
  m: RuleMatch,
  decided: ConflictFilter['decided'] = 'no',
): ConflictFilter {
  return ConflictFilterSchema.parse({
    fields: m.fields,
    kinds: m.kinds,
    company: m.company,
    captureMethod: m.captureMethod,
    stale: m.stale === null ? 'any' : m.stale ? 'yes' : 'no',
    decided,
  });
}

export function ruleView(r: SavedRule): SavedRuleView {
  return { ...r, summary: `${describeRuleMatch(r.match)} → ${describeDecision(r.decision)}` };
}

function describeDecision(d: RuleDecision): string {
  const remembered = d.remembered ? ', remembered values first' : '';
  if (d.type === 'resolution') {
    if (d.resolution.strategy !== 'manual')
      return `${d.resolution.strategy.replace('_', ' ')}${remembered}`;
    return `${Object.entries(d.resolution.picks)
      .map(([f, p]) => `${f} → ${p.kind}`)
      .join(', ')}${remembered}`;
  }
  const fields = Object.entries(d.rules.fields).map(([f, k]) => `${f} → ${k}`);
  return `${[...fields, `otherwise ${d.rules.default.replace('_', ' ')}`].join(', ')}${remembered}`;
}

/** The name a rule's batch goes by in the undo list and the audit trail. */
export const batchNameOf = (rule: string) => `Rule “${rule}”`;

/**
 * Saved rules: kept, edited and replayed. A proposed rule gives the
 * conflicts a sync brings its decision as their draft; an automatic one
 * applies it right after that sync, as one undoable batch named after it.
 * Writes go through the write gate (short) or a job (the applies).
 */
export class RuleBook {
  constructor(
    private readonly deps: {
      repos: Repos;
      read: Repos;
      write: <T>(fn: () => T) => Promise<T>;
      workspace: ConflictWorkspace;
      clock: Clock;
    },
  ) {}

  list(): SavedRuleView[] {
    return this.deps.read.rules.all().map(ruleView);
  }

  get(id: number): SavedRule {
    const r = this.deps.read.rules.all().find((x) => x.id === id);
    if (!r) fail('rule_not_found', 'This rule no longer exists.', false);
    return r;
  }

  byName(name: string): SavedRule {
    const r = this.deps.read.rules.byName(name);
    if (!r) fail('rule_not_found', `There is no rule named “${name.trim()}”.`, false);
    return r;
  }

  /**
   * A new rule. Automatic only when the caller has shown its effect first
   * (`dryRunSeen`): the workspace through its dry run, the CLI through the
   * resolve it saves.
   */
  async save(
    input: RuleInput,
    opts: { dryRunSeen: boolean } = { dryRunSeen: false },
  ): Promise<SavedRuleView> {
    const r = RuleInputSchema.parse(input);
    if (r.mode === 'automatic' && !opts.dryRunSeen) this.refuseUnseen();
    const id = await this.deps.write(() => {
      if (this.deps.repos.rules.byName(r.name))
        fail('rule_exists', `A rule named “${r.name}” already exists: choose another name.`, false);
      return this.deps.repos.rules.insert(r, isoNow(this.deps.clock));
    });
    return ruleView(this.get(id));
  }

  async update(
    id: number,
    patch: Partial<{
      name: string;
      match: RuleMatch;
      decision: RuleDecision;
      mode: RuleMode;
      enabled: boolean;
    }>,
    dryRunSeen: boolean,
  ): Promise<SavedRuleView> {
    const current = this.get(id);
    const next: SavedRule = { ...current, ...patch, name: patch.name?.trim() ?? current.name };
    const becomesAutomatic =
      next.mode === 'automatic' &&
      (current.mode !== 'automatic' || patch.match !== undefined || patch.decision !== undefined);
    if (becomesAutomatic && !dryRunSeen) this.refuseUnseen();
    await this.deps.write(() => {
      const clash = this.deps.repos.rules.byName(next.name);
      if (clash && clash.id !== id)
        fail(
          'rule_exists',
          `A rule named “${next.name}” already exists: choose another name.`,
          false,
        );
      this.deps.repos.rules.update(next, isoNow(this.deps.clock));
    });
    return ruleView(this.get(id));
  }

  async delete(id: number): Promise<boolean> {
    return this.deps.write(() => this.deps.repos.rules.delete(id));
  }

  /**
   * What a rule would do to the conflicts open (and undecided) now; nothing
   * changes. A saved rule by its id, or a rule as it is being edited (its
   * match and decision), so a changed rule's dry run is seen before it is
   * saved automatic.
   */
  dryRun(
    rule: { id: number } | { match: RuleMatch; decision: RuleDecision },
  ): Promise<BulkPreview> {
    const r = 'id' in rule ? this.get(rule.id) : rule;
    return this.deps.workspace.preview(
      { filter: filterOfMatch(r.match), exceptIds: [] },
      r.decision,
    );
  }

  /**
   * After a sync: every enabled rule, oldest first, over the undecided
   * conflicts newer than `sinceId`. Returns how many automatic rules resolved.
   */
  async replay(sinceId: number): Promise<{ autoResolved: number; proposed: number }> {
    let autoResolved = 0;
    let proposed = 0;
    for (const rule of this.deps.repos.rules.all()) {
      if (!rule.enabled) continue;
      const ids = this.deps.read.conflicts.idsMatching(filterOfMatch(rule.match), sinceId);
      if (ids.length === 0) continue;
      if (rule.mode === 'automatic') {
        const result = await this.deps.workspace.apply(
          { ids },
          rule.decision,
          batchNameOf(rule.name),
          undefined,
          rule.name,
        );
        autoResolved += result.resolvable;
        if (result.resolvable)
          await this.deps.write(() => this.deps.repos.rules.addMatched(rule.id, result.resolvable));
      } else {
        const drafts = ids.map((id) => {
          const view = this.deps.workspace.get(id);
          return {
            id,
            resolution: ruleResolution(rule.decision, view.resolvable, view.remembered),
          };
        });
        const n = await this.deps.write(() =>
          this.deps.repos.db.transaction(() => {
            let set = 0;
            for (const d of drafts)
              if (this.deps.repos.conflicts.setDraft(d.id, d.resolution, rule.name)) set++;
            this.deps.repos.rules.addMatched(rule.id, set);
            return set;
          })(),
        );
        proposed += n;
      }
    }
    return { autoResolved, proposed };
  }

  private refuseUnseen(): never {
    fail(
      'dry_run_first',
      'Look at the rule’s dry run over the open conflicts before turning it automatic.',
      false,
    );
  }
}
