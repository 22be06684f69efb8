import type { Tombstone, Visitor, VisitorField, VisitorValues } from '../../shared/visitor';
import { VISITOR_FIELDS } from '../../shared/visitor';
import { fieldEquals } from '../../shared/diff';
import { iso } from '../clock';
import type { StoredVisitor, VisitorSnapshot, VisitorWrite } from '../storage/types';

/** Pure conversions between stored records and the wire shapes of docs/protocol.md. */

export function toWireVisitor(r: VisitorSnapshot): Visitor {
  const v = r.values;
  return {
    id: r.id,
    name: v.name,
    company: v.company,
    email: v.email,
    title: v.title,
    phone: v.phone,
    interests: v.interests,
    notes: v.notes,
    captureMethod: v.captureMethod,
    capturedAt: v.capturedAt,
    lastModified: iso(r.lastModifiedMs),
    version: r.version,
  };
}

export function toWireTombstone(r: VisitorSnapshot): Tombstone {
  return { id: r.id, deleted: true, version: r.version, lastModified: iso(r.lastModifiedMs) };
}

/** A change-feed entry: the record, or a tombstone once it is deleted. */
export function toWireChange(r: VisitorSnapshot): Visitor | Tombstone {
  return r.deleted ? toWireTombstone(r) : toWireVisitor(r);
}

/** The server's values of just these fields, e.g. serverData mirroring clientData. */
export function pickValues(
  values: VisitorValues,
  fields: readonly VisitorField[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = values[f];
  return out;
}

/**
 * Normalizes a client value for storage: an empty optional string means "no
 * value" (null), as in shared/visitor.ts `toValues`.
 */
export function normalizeValue(field: VisitorField, value: unknown): unknown {
  if (field !== 'interests' && value === '') return null;
  return value ?? (field === 'interests' ? [] : null);
}

/** The fields of a patch whose value differs from the current value. */
export function differingFields(
  current: VisitorValues,
  patch: Partial<Record<VisitorField, unknown>>,
): VisitorField[] {
  return VISITOR_FIELDS.filter(
    (f) => Object.hasOwn(patch, f) && !fieldEquals(normalizeValue(f, patch[f]), current[f]),
  );
}

/**
 * The record after writing `fields` of `patch`: version +1, those fields'
 * field versions set to the new version, lastModified = at.
 */
export function nextRecord(
  current: StoredVisitor,
  patch: Partial<Record<VisitorField, unknown>>,
  fields: readonly VisitorField[],
  atMs: number,
): VisitorWrite {
  const version = current.version + 1;
  const values: VisitorValues = { ...current.values };
  const fieldVersions = { ...current.fieldVersions };
  for (const f of fields) {
    (values as Record<VisitorField, unknown>)[f] = normalizeValue(f, patch[f]);
    fieldVersions[f] = version;
  }
  return {
    id: current.id,
    values,
    version,
    lastModifiedMs: atMs,
    deleted: false,
    fieldVersions,
  };
}

/** The tombstone that replaces `current`. Values are kept for history only. */
export function tombstoneRecord(current: StoredVisitor, atMs: number): VisitorWrite {
  return {
    id: current.id,
    values: current.values,
    version: current.version + 1,
    lastModifiedMs: atMs,
    deleted: true,
    fieldVersions: current.fieldVersions,
  };
}

/** The version at which `field` last changed (1 = unchanged since create). */
export function fieldVersion(
  record: Pick<StoredVisitor, 'fieldVersions'>,
  field: VisitorField,
): number {
  return record.fieldVersions[field] ?? 1;
}
