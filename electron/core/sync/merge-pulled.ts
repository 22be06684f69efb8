import { fieldEquals } from '../../../shared/diff';
import { VISITOR_FIELDS, type VisitorField, type VisitorValues } from '../../../shared/visitor';

/**
 * A pulled server record meets a local record with unsynced edits: the local
 * edits are kept (their operation is still to be pushed, from its own
 * baseVersion), and every field nobody changed locally takes the server's value.
 */
export function mergePulled(
  current: VisitorValues,
  base: VisitorValues,
  server: VisitorValues,
): VisitorValues {
  const out = { ...server };
  for (const f of VISITOR_FIELDS) {
    if (!fieldEquals(current[f], base[f])) (out as Record<VisitorField, unknown>)[f] = current[f];
  }
  return out;
}

/**
 * The merge base after the server acknowledged an operation: what the server
 * now holds as far as we know it. Fields that later, unsent operations change
 * keep the value this operation (or the old base) gave them, so those later
 * operations still carry them as changes.
 */
export function baseAfterAck(
  current: VisitorValues,
  oldBase: VisitorValues | null,
  sent: Partial<VisitorValues>,
  laterFields: ReadonlySet<string>,
): VisitorValues {
  const out = { ...current };
  for (const f of VISITOR_FIELDS) {
    if (!laterFields.has(f)) continue;
    const fromSent = Object.hasOwn(sent, f) ? sent[f] : undefined;
    (out as Record<VisitorField, unknown>)[f] =
      fromSent !== undefined ? fromSent : (oldBase ?? current)[f];
  }
  return out;
}
