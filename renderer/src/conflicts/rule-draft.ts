import {
  RuleInputSchema,
  type BulkPreview,
  type SavedRuleView,
} from '../../../shared/ipc/conflicts-contract';
import {
  RuleMatchSchema,
  type RuleDecision,
  type RuleMatch,
  type RuleMode,
} from '../../../shared/resolve/saved-rules';
import type { FieldRules } from '../../../shared/resolve/types';

/**
 * A saved rule as the rule dialog edits it, and what saving it would do:
 * pure, so the dialog's checks are the ones tested.
 */

export interface RuleDraft {
  name: string;
  match: RuleMatch;
  /** The decision in the rule editor's format (a pick per field, a default). */
  rules: FieldRules;
  /** The per-field grid was changed: the decision becomes the grid's; else the saved one stays. */
  rulesTouched: boolean;
  /** Remembered values where there are any, before the decision's picks. */
  remembered: boolean;
  mode: RuleMode;
}

/** What rules:update is sent: only the parts that changed. */
export interface RulePatch {
  name?: string;
  match?: RuleMatch;
  decision?: RuleDecision;
  mode?: RuleMode;
}

/** A draft that checks: the rule it would save. */
export interface CheckedRule {
  name: string;
  match: RuleMatch;
  decision: RuleDecision;
  mode: RuleMode;
}

/** A rule's dry run in the dialog, for the match and decision it was run with (`key`). */
export interface DraftDryRun {
  key: string;
  preview: BulkPreview | null;
  error: string | null;
}

/** The rule editor's format of a decision; a whole-record strategy is the same rule with no field named. */
export function fieldRulesOf(d: RuleDecision): FieldRules {
  if (d.type === 'rules') return d.rules;
  const s = d.resolution.strategy;
  return { fields: {}, default: s === 'manual' ? 'merge' : s };
}

export function draftOf(r: SavedRuleView): RuleDraft {
  return {
    name: r.name,
    match: r.match,
    rules: fieldRulesOf(r.decision),
    rulesTouched: false,
    remembered: r.decision.remembered === true,
    mode: r.mode,
  };
}

/** The flag only when set: a decision without it reads as one saved before it existed. */
function withFlag(d: RuleDecision, remembered: boolean): RuleDecision {
  const { remembered: _, ...rest } = d;
  return remembered ? { ...rest, remembered: true } : rest;
}

const WHERE: Record<string, string> = {
  name: 'Name',
  'match.company': 'Company contains',
  'match.captureMethod': 'Capture method',
  'match.kinds': 'Conflict kinds',
  'match.fields': 'Conflicting fields',
};

/**
 * The rule the draft would save, checked with the very schema a rule saved
 * from a bulk apply is checked with (rules:save), or what is wrong, in words.
 */
export function checkDraft(
  rule: SavedRuleView,
  d: RuleDraft,
): { ok: true; rule: CheckedRule } | { ok: false; errors: string[] } {
  const decision = d.rulesTouched
    ? withFlag({ type: 'rules', rules: d.rules }, d.remembered)
    : withFlag(rule.decision, d.remembered);
  const parsed = RuleInputSchema.safeParse({
    name: d.name,
    match: d.match,
    decision,
    mode: d.mode,
  });
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        return `${WHERE[path] ?? (path || 'Rule')}: ${i.message}`;
      }),
    };
  return { ok: true, rule: parsed.data };
}

/** Arrays as sets: the order fields were ticked in says nothing. */
function matchKey(m: RuleMatch): string {
  const n = RuleMatchSchema.parse(m);
  return JSON.stringify({ ...n, kinds: [...n.kinds].sort(), fields: [...n.fields].sort() });
}

const decisionKey = (d: RuleDecision) => JSON.stringify(withFlag(d, d.remembered === true));

/** What changed between the saved rule and the checked draft, as rules:update's patch. */
export function patchOf(rule: SavedRuleView, next: CheckedRule): RulePatch {
  const patch: RulePatch = {};
  if (next.name !== rule.name) patch.name = next.name;
  if (matchKey(next.match) !== matchKey(rule.match)) patch.match = next.match;
  if (decisionKey(next.decision) !== decisionKey(rule.decision)) patch.decision = next.decision;
  if (next.mode !== rule.mode) patch.mode = next.mode;
  return patch;
}

/**
 * Saving waits for the dry run over the conflicts open now when the rule is
 * (or turns) automatic and what it matches or decides is new to it — the
 * core refuses it otherwise (dry_run_first).
 */
export function needsDryRun(rule: SavedRuleView, patch: RulePatch, mode: RuleMode): boolean {
  return (
    mode === 'automatic' &&
    (rule.mode !== 'automatic' || patch.match !== undefined || patch.decision !== undefined)
  );
}

/** Which dry run belongs to which draft: a changed match or decision needs its own. */
export const dryRunKey = (r: { match: RuleMatch; decision: RuleDecision }): string =>
  `${matchKey(r.match)}|${decisionKey(r.decision)}`;

/** Everything the dialog shows about saving, from the draft and its dry run. */
export function editState(
  rule: SavedRuleView,
  draft: RuleDraft,
  dryRun: DraftDryRun | null,
): {
  errors: string[];
  patch: RulePatch;
  needsDryRun: boolean;
  /** The dry run on screen is this draft's. */
  dryRunShown: boolean;
  /** The key to run the dry run with (null while the draft does not check). */
  key: string | null;
  /** The rule the draft would save, once it checks. */
  checked: CheckedRule | null;
  canSave: boolean;
} {
  const checked = checkDraft(rule, draft);
  if (!checked.ok)
    return {
      errors: checked.errors,
      patch: {},
      needsDryRun: false,
      dryRunShown: false,
      key: null,
      checked: null,
      canSave: false,
    };
  const patch = patchOf(rule, checked.rule);
  const needs = needsDryRun(rule, patch, checked.rule.mode);
  const key = dryRunKey(checked.rule);
  const shown = dryRun?.key === key && dryRun.preview !== null;
  return {
    errors: [],
    patch,
    needsDryRun: needs,
    dryRunShown: shown,
    key,
    checked: checked.rule,
    canSave: Object.keys(patch).length > 0 && (!needs || shown),
  };
}
