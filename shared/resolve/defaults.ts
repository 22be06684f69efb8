import type { VisitorField } from '../visitor';
import type {
  FieldRules,
  PickKind,
  Picks,
  Resolution,
  ResolvableConflict,
  Strategy,
} from './types';

/** The per-field strategies of the settings ("interests: merge, phone: decide by hand", …). */
export type FieldStrategies = Partial<Record<VisitorField, Strategy>>;

const PICK_OF: Partial<Record<Strategy, PickKind>> = {
  server_wins: 'server',
  client_wins: 'client',
  merge: 'merged',
};

/** The bulk rule the settings propose: every field with a strategy; `manual` ones left to the default. */
export function rulesFromStrategies(
  strategies: FieldStrategies,
  fallback: FieldRules['default'] = 'merge',
): FieldRules {
  const fields: FieldRules['fields'] = {};
  for (const [f, s] of Object.entries(strategies) as [VisitorField, Strategy][]) {
    const pick = PICK_OF[s];
    if (pick) fields[f] = pick;
  }
  return { fields, default: fallback };
}

/**
 * What the detail pane proposes for a conflict nobody decided yet: the
 * settings' pick on each conflicting field that has one. Fields set to
 * `manual` stay unpicked, so the proposal is incomplete (and cannot be
 * applied) until a person picks them. Null when the settings say nothing
 * about any of its fields, or for a deletion conflict (a whole-record choice).
 */
export function suggestedResolution(
  c: ResolvableConflict,
  strategies: FieldStrategies,
): Resolution | null {
  if (c.kind !== 'field') return null;
  const picks: Picks = {};
  for (const f of c.conflictFields) {
    const pick = PICK_OF[strategies[f] ?? 'manual'];
    if (pick) picks[f] = { kind: pick };
  }
  return Object.keys(picks).length ? { strategy: 'manual', picks } : null;
}
