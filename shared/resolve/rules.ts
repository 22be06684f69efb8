import { VISITOR_FIELDS } from '../visitor';
import { previewResolution } from './preview';
import type {
  FieldRules,
  MergePreview,
  PickKind,
  Picks,
  Resolution,
  ResolvableConflict,
  Result,
} from './types';

/** The pick a whole-record strategy amounts to on one field. */
const PICK_OF_STRATEGY: Record<FieldRules['default'], PickKind> = {
  server_wins: 'server',
  client_wins: 'client',
  merge: 'merged',
};

/** A whole-record strategy as the same pick on every field (the record it gives is the same). */
export function picksOfStrategy(strategy: FieldRules['default']): Picks {
  const picks: Picks = {};
  for (const f of VISITOR_FIELDS) picks[f] = { kind: PICK_OF_STRATEGY[strategy] };
  return picks;
}

/**
 * One bulk rule ("for phone take ours, for interests merge, for title theirs,
 * otherwise merge") turned into the decision for one conflict.
 *
 * - A rule names conflicting fields; on a field this conflict does not
 *   contest it says nothing, so a conflict none of whose fields is named gets
 *   the default strategy itself (and its audit row says so).
 * - Otherwise a manual decision: the named conflicting fields take the rule's
 *   pick, every other field the default's pick, so the result equals the
 *   default strategy everywhere the rule is silent.
 * - update_deleted and delete_modified take the default strategy alone: one
 *   side is a deletion, not values, and a field rule cannot say whether a
 *   deleted record should come back.
 */
export function resolutionFromRules(c: ResolvableConflict, rules: FieldRules): Resolution {
  if (c.kind !== 'field') return { strategy: rules.default };
  const named = c.conflictFields.filter((f) => rules.fields[f] !== undefined);
  if (named.length === 0) return { strategy: rules.default };
  const fallback = PICK_OF_STRATEGY[rules.default];
  const picks: Picks = {};
  for (const f of VISITOR_FIELDS) {
    const kind = (named.includes(f) ? rules.fields[f] : undefined) ?? fallback;
    picks[f] = { kind };
  }
  return { strategy: 'manual', picks };
}

/** A bulk rule applied to one conflict, straight to its merge preview. */
export function applyRules(c: ResolvableConflict, rules: FieldRules): Result<MergePreview> {
  return previewResolution(c, resolutionFromRules(c, rules));
}
