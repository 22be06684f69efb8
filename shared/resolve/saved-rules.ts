import { z } from 'zod';
import { ConflictKindSchema, type ConflictKind } from '../protocol';
import { VISITOR_FIELDS, VisitorFieldNameSchema, type VisitorField } from '../visitor';
import { withRemembered, type RememberedResults, type Remembering } from './remembered';
import { resolutionFromRules } from './rules';
import {
  FieldRulesSchema,
  ResolutionSchema,
  type Resolution,
  type ResolvableConflict,
} from './types';

/**
 * Saved rules: a name, what it matches and its decision, replayed on the
 * conflicts each sync brings. Pure: which conflicts a rule matches and what
 * it decides for one; the tables and the replay live in the core.
 */

export const RULE_NAME_MAX = 80;
export const RuleNameSchema = z
  .string()
  .trim()
  .min(1, 'a rule needs a name')
  .max(RULE_NAME_MAX, `at most ${RULE_NAME_MAX} characters`);

/**
 * What a rule matches. Every part left empty matches anything; `fields`
 * matches a conflict contesting any of them (as the workspace's field filter).
 */
export const RuleMatchSchema = z.strictObject({
  kinds: z.array(ConflictKindSchema).max(3).default([]),
  fields: z.array(VisitorFieldNameSchema).max(VISITOR_FIELDS.length).default([]),
  /** Part of the company name, any case. */
  company: z.string().trim().max(200).default(''),
  /** The visitor's capture method, exactly (any case). */
  captureMethod: z.string().trim().max(100).default(''),
  /** Only stale captures (true), only fresh ones (false), or either (null). */
  stale: z.boolean().nullable().default(null),
});
export type RuleMatch = z.output<typeof RuleMatchSchema>;
export type RuleMatchIn = z.input<typeof RuleMatchSchema>;

/**
 * "Use remembered values where there are any": on a field conflict, each
 * contested field whose pair of values was settled before takes the
 * remembered result instead of the decision's pick. Optional (absent: no), so
 * the rules saved before it existed read as they were.
 */
export const UseRememberedSchema = z.boolean().optional();

/** A rule decides like a bulk apply: one strategy, or the rule editor's pick per field. */
export const RuleDecisionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('resolution'),
    resolution: ResolutionSchema,
    remembered: UseRememberedSchema,
  }),
  z.strictObject({
    type: z.literal('rules'),
    rules: FieldRulesSchema,
    remembered: UseRememberedSchema,
  }),
]);
export type RuleDecision = z.infer<typeof RuleDecisionSchema>;

/** proposed: the decision arrives as the conflict's draft; automatic: applied after the sync. */
export const RuleModeSchema = z.enum(['proposed', 'automatic']);
export type RuleMode = z.infer<typeof RuleModeSchema>;

/** What a rule is tested against: the conflict and the few facts kept beside it. */
export interface RuleFacts {
  kind: ConflictKind;
  conflictFields: readonly VisitorField[];
  company: string;
  captureMethod: string | null;
  stale: boolean;
}

export function ruleMatches(match: RuleMatch, c: RuleFacts): boolean {
  if (match.kinds.length > 0 && !match.kinds.includes(c.kind)) return false;
  if (match.fields.length > 0 && !c.conflictFields.some((f) => match.fields.includes(f)))
    return false;
  if (match.company && !c.company.toLowerCase().includes(match.company.toLowerCase())) return false;
  if (
    match.captureMethod &&
    (c.captureMethod ?? '').toLowerCase() !== match.captureMethod.toLowerCase()
  )
    return false;
  if (match.stale !== null && match.stale !== c.stale) return false;
  return true;
}

/** The first enabled rule (in the order given: oldest first) that matches, if any. */
export function firstMatchingRule<R extends { match: RuleMatch; enabled: boolean }>(
  rules: readonly R[],
  c: RuleFacts,
): R | null {
  return rules.find((r) => r.enabled && ruleMatches(r.match, c)) ?? null;
}

/** The decision a rule gives one conflict, before any remembered value. */
function baseResolution(decision: RuleDecision, c: ResolvableConflict): Resolution {
  return decision.type === 'resolution'
    ? decision.resolution
    : resolutionFromRules(c, decision.rules);
}

/**
 * The decision a rule gives one conflict, and the fields whose pick is a
 * remembered value (only when the rule says to use them). `remembered`: the
 * remembered results for this conflict's contested fields.
 */
export function ruleDecisionFor(
  decision: RuleDecision,
  c: ResolvableConflict,
  remembered: RememberedResults = {},
): Remembering {
  const base = baseResolution(decision, c);
  return decision.remembered
    ? withRemembered(c, base, remembered)
    : { resolution: base, remembered: [] };
}

/** The decision a rule gives one conflict. */
export function ruleResolution(
  decision: RuleDecision,
  c: ResolvableConflict,
  remembered: RememberedResults = {},
): Resolution {
  return ruleDecisionFor(decision, c, remembered).resolution;
}

/** A rule in words, for lists and audit rows: "title, phone in field conflicts → server wins". */
export function describeRuleMatch(m: RuleMatch): string {
  const parts: string[] = [];
  parts.push(m.kinds.length ? m.kinds.join(' or ') : 'any kind');
  if (m.fields.length) parts.push(`on ${m.fields.join(', ')}`);
  if (m.company) parts.push(`company contains "${m.company}"`);
  if (m.captureMethod) parts.push(`captured by ${m.captureMethod}`);
  if (m.stale !== null) parts.push(m.stale ? 'stale captures' : 'fresh captures');
  return parts.join(', ');
}
