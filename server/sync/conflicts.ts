import type { ConflictData, ConflictKind } from '../../shared/protocol';
import { VISITOR_FIELDS, type VisitorField } from '../../shared/visitor';
import type { StoredVisitor, VisitorSnapshot } from '../storage/types';
import { differingFields, fieldVersion, pickValues, toWireChange, toWireVisitor } from './records';

/**
 * The conflict rules of docs/protocol.md as pure functions over (current record
 * with its field versions, the operation's changes, the rule in force, the
 * base snapshot). They decide; apply.ts reads and writes.
 */

/**
 * How "changed on the server since the client last saw it" is judged:
 * precisely by version when the operation carries baseVersion, otherwise by
 * time (the seed's rule) against lastSyncTimestamp or the operation's timestamp.
 */
export type ConflictRule =
  { kind: 'version'; baseVersion: number } | { kind: 'time'; sinceMs: number };

export type CurrentRecord = Pick<
  StoredVisitor,
  'id' | 'values' | 'version' | 'lastModifiedMs' | 'deleted' | 'fieldVersions'
>;

export type UpdateDecision =
  /** Write these fields (possibly none: the client's values are already the server's). */
  | { type: 'apply'; fields: VisitorField[] }
  | { type: 'conflict'; kind: 'field' | 'update_deleted'; conflictFields: VisitorField[] }
  | { type: 'invalid'; message: string };

export type DeleteDecision =
  | { type: 'apply' }
  /** Deletes are idempotent: deleting a tombstone succeeds without a change. */
  | { type: 'already_deleted' }
  | { type: 'conflict'; kind: 'delete_modified'; conflictFields: VisitorField[] }
  | { type: 'invalid'; message: string };

function baseTooNew(current: CurrentRecord, baseVersion: number): string | null {
  return baseVersion > current.version
    ? `baseVersion: ${baseVersion} is newer than the server's version ${current.version} of this record`
    : null;
}

export function decideUpdate(
  current: CurrentRecord,
  patch: Partial<Record<VisitorField, unknown>>,
  rule: ConflictRule,
): UpdateDecision {
  if (current.deleted) {
    return {
      type: 'conflict',
      kind: 'update_deleted',
      conflictFields: VISITOR_FIELDS.filter((f) => Object.hasOwn(patch, f)),
    };
  }
  // Identical values never conflict and need no write.
  const differing = differingFields(current.values, patch);
  if (rule.kind === 'version') {
    const invalid = baseTooNew(current, rule.baseVersion);
    if (invalid) return { type: 'invalid', message: invalid };
    // Three-way: a field conflicts only if the server changed it after the
    // client's base AND the client wants a different value.
    const conflicting = differing.filter((f) => fieldVersion(current, f) > rule.baseVersion);
    return conflicting.length > 0
      ? { type: 'conflict', kind: 'field', conflictFields: conflicting }
      : { type: 'apply', fields: differing };
  }
  // The seed's rule: the record changed after the client's sync time, and the
  // client's value differs from the server's.
  if (current.lastModifiedMs > rule.sinceMs && differing.length > 0) {
    return { type: 'conflict', kind: 'field', conflictFields: differing };
  }
  return { type: 'apply', fields: differing };
}

/**
 * @param knownBaseVersion for the time rule, the version the record had at
 *   `sinceMs` when the server still knows it; it only narrows conflictFields.
 */
export function decideDelete(
  current: CurrentRecord,
  rule: ConflictRule,
  knownBaseVersion: number | null = null,
): DeleteDecision {
  if (current.deleted) return { type: 'already_deleted' };
  let base: number | null;
  if (rule.kind === 'version') {
    const invalid = baseTooNew(current, rule.baseVersion);
    if (invalid) return { type: 'invalid', message: invalid };
    if (current.version <= rule.baseVersion) return { type: 'apply' };
    base = rule.baseVersion;
  } else {
    if (current.lastModifiedMs <= rule.sinceMs) return { type: 'apply' };
    base = knownBaseVersion;
  }
  // What the delete would throw away: the fields changed since the base, or
  // every field when the record is newer than anything the client saw.
  const conflictFields =
    base === null
      ? [...VISITOR_FIELDS]
      : VISITOR_FIELDS.filter((f) => fieldVersion(current, f) > base);
  return { type: 'conflict', kind: 'delete_modified', conflictFields };
}

/**
 * The ConflictData of docs/protocol.md. serverData mirrors clientData's keys (as in
 * the seed's example), or is the whole record for a delete (which touches
 * all of it), or null when the record is deleted on the server.
 */
export function buildConflictData(args: {
  kind: ConflictKind;
  conflictFields: readonly VisitorField[];
  clientData: Record<string, unknown>;
  current: CurrentRecord;
  base: VisitorSnapshot | null;
}): ConflictData {
  const { kind, current, clientData, base } = args;
  let serverData: Record<string, unknown> | null;
  if (kind === 'update_deleted') serverData = null;
  else if (kind === 'delete_modified') serverData = toWireVisitor(current);
  else {
    const keys = Object.keys(clientData).filter((k): k is VisitorField =>
      (VISITOR_FIELDS as readonly string[]).includes(k),
    );
    serverData = pickValues(current.values, keys);
  }
  const data: ConflictData = {
    clientData,
    serverData,
    conflictFields: [...args.conflictFields],
  };
  if (base) data.baseData = toWireChange(base);
  data.serverVersion = current.version;
  data.kind = kind;
  return data;
}
