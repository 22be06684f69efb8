import { z } from 'zod';
import { VisitorFieldNameSchema, type VisitorField } from '../visitor';
import { conflictSides } from './conflict';
import type { FieldStrategies } from './defaults';
import { suggestedResolution } from './defaults';
import { picksOfStrategy } from './rules';
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

/** The remembered results for one conflict's contested fields, by field. */
export type RememberedResults = Partial<Record<VisitorField, unknown>>;

/** The remembered results found for a conflict, given what a look-up by pair key found. */
export function rememberedFor(
  c: ResolvableConflict,
  found: ReadonlyMap<string, unknown>,
): RememberedResults {
  const out: RememberedResults = {};
  for (const { field, key } of lookupKeys(c)) if (found.has(key)) out[field] = found.get(key);
  return out;
}

/** A decision, and the fields whose pick in it is a remembered value. */
export interface Remembering {
  resolution: Resolution;
  remembered: VisitorField[];
}

/**
 * A decision with the remembered values taking precedence: each contested
 * field of a field conflict with a remembered result takes it (a typed pick,
 * checked with the field's schema like any typed value); every other field
 * keeps the decision's pick. A whole-record strategy becomes the same pick on
 * every field first, which gives the same record, so only the remembered
 * fields differ from it. Deletion conflicts have no value pairs: unchanged.
 */
export function withRemembered(
  c: ResolvableConflict,
  base: Resolution,
  remembered: RememberedResults,
): Remembering {
  const fields =
    c.kind === 'field' ? c.conflictFields.filter((f) => Object.hasOwn(remembered, f)) : [];
  if (fields.length === 0) return { resolution: base, remembered: [] };
  const picks: Picks =
    base.strategy === 'manual' ? { ...base.picks } : picksOfStrategy(base.strategy);
  for (const f of fields) picks[f] = { kind: 'typed', value: remembered[f] };
  return { resolution: { strategy: 'manual', picks }, remembered: fields };
}

/**
 * The contested fields whose pick in a decision is the remembered result (a
 * typed pick of that very value), e.g. a proposal a person then applied: the
 * audit row says a remembered value was used.
 */
export function rememberedPicks(
  c: ResolvableConflict,
  r: Resolution,
  remembered: RememberedResults,
): VisitorField[] {
  if (r.strategy !== 'manual' || c.kind !== 'field') return [];
  return c.conflictFields.filter((f) => {
    const p = r.picks[f];
    return (
      p?.kind === 'typed' &&
      Object.hasOwn(remembered, f) &&
      JSON.stringify(p.value) === JSON.stringify(remembered[f])
    );
  });
}

/** Whether a decision has any typed pick (only those can be a remembered value). */
export const hasTypedPick = (r: Resolution): boolean =>
  r.strategy === 'manual' && Object.values(r.picks).some((p) => p?.kind === 'typed');
