import { VISITOR_FIELDS, type VisitorField, type VisitorValues } from './visitor';

/** Values compare by value; arrays in order (docs/protocol.md). */
export function fieldEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => fieldEquals(v, b[i]));
  }
  // Absent and null mean the same thing for optional fields.
  return (a ?? null) === (b ?? null);
}

/** The fields whose values differ between two records, in field order. */
export function changedFields(before: VisitorValues, after: VisitorValues): VisitorField[] {
  return VISITOR_FIELDS.filter((f) => !fieldEquals(before[f], after[f]));
}

/** Only the changed fields, as an update's `data`. */
export function patchBetween(before: VisitorValues, after: VisitorValues): Partial<VisitorValues> {
  const patch: Partial<Record<VisitorField, unknown>> = {};
  for (const f of changedFields(before, after)) patch[f] = after[f];
  return patch as Partial<VisitorValues>;
}
