import { z } from 'zod';
import { VisitorFieldNameSchema, type VisitorField } from '../visitor';
import { conflictSides } from './conflict';
import type { FieldStrategies } from './defaults';
import { suggestedResolution } from './defaults';
import { staleDefault } from './stale';
import type { Picks, Resolution, ResolvableConflict, ResolvedRecord } from './types';

/**
 * Remembered values, as git's rerere: when staff settle a field whose two
 * sides were (ours, theirs), the result is kept under that pair, and the next
 * conflict on the same field with the same pair is proposed the same result.
 * Proposed only: it becomes a decision when a person saves or applies it.
 */

export const RememberedValueSchema = z.object({
  id: z.number().int(),
  field: VisitorFieldNameSchema,
  ours: z.unknown(),
  theirs: z.unknown(),
  result: z.unknown(),
  /** How many decisions settled this pair this way. */
  uses: z.number().int(),
  at: z.string(),
});
export type RememberedValue = z.infer<typeof RememberedValueSchema>;

/** '' and null are one "no value" (the server's storage rule); arrays keep their order. */
const normal = (v: unknown): unknown => (v === '' || v === undefined ? null : v);

/** The key a (field, ours, theirs) pair is kept and found under. */
export function pairKey(field: VisitorField, ours: unknown, theirs: unknown): string {
  return JSON.stringify([field, normal(ours), normal(theirs)]);
}

export interface PairToRemember {
  field: VisitorField;
  key: string;
  ours: unknown;
  theirs: unknown;
  result: unknown;
}

/**
 * What a decision teaches: for each contested field of a field conflict, the
 * pair of sides and the value the decision gave it. Deletions teach nothing
 * (no value pair), nor do fields whose sides were equal.
 */
export function pairsToRemember(c: ResolvableConflict, record: ResolvedRecord): PairToRemember[] {
  if (c.kind !== 'field' || record === 'deleted') return [];
  const { client, server } = conflictSides(c);
  if (server === null) return [];
  return c.conflictFields
    .filter((f) => JSON.stringify(normal(client[f])) !== JSON.stringify(normal(server[f])))
    .map((field) => ({
      field,
      key: pairKey(field, client[field], server[field]),
      ours: normal(client[field]),
      theirs: normal(server[field]),
      result: normal(record[field]),
    }));
}

/** The keys to look up for a conflict: one per contested field. */
export function lookupKeys(c: ResolvableConflict): { field: VisitorField; key: string }[] {
  if (c.kind !== 'field') return [];
  const { client, server } = conflictSides(c);
  if (server === null) return [];
  return c.conflictFields.map((field) => ({
    field,
    key: pairKey(field, client[field], server[field]),
  }));
}

/** A proposal for a conflict nobody decided yet, and where each part of it came from. */
export interface Proposal {
  resolution: Resolution;
  /** Fields whose pick is a remembered value. */
  remembered: VisitorField[];
  /** The stale-capture default was the starting point. */
  stale: boolean;
}

/**
 * What the detail pane proposes for an undecided conflict: the stale-capture
 * default when it is one, else the settings' per-field strategies; then each
 * remembered value on top, as a typed pick of the remembered result.
 */
export function proposedResolution(
  c: ResolvableConflict,
  opts: {
    strategies: FieldStrategies;
    stale: boolean;
    remembered: Partial<Record<VisitorField, unknown>>;
  },
): Proposal | null {
  const base = opts.stale ? staleDefault(c) : suggestedResolution(c, opts.strategies);
  const fields = (Object.keys(opts.remembered) as VisitorField[]).filter((f) =>
    c.conflictFields.includes(f),
  );
  if (c.kind !== 'field' || fields.length === 0)
    return base ? { resolution: base, remembered: [], stale: opts.stale } : null;
  const picks: Picks = base?.strategy === 'manual' ? { ...base.picks } : {};
  for (const f of fields) picks[f] = { kind: 'typed', value: opts.remembered[f] };
  return { resolution: { strategy: 'manual', picks }, remembered: fields, stale: opts.stale };
}
