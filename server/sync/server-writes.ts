import type { VisitorCreateData, VisitorField } from '../../shared/visitor';
import { toValues } from '../../shared/visitor';
import type { StoreTx, StoredVisitor } from '../storage/types';
import { differingFields, nextRecord, tombstoneRecord } from './records';

/**
 * Writes made on the server's side, as another device would make them
 * (seeding, the simulator, admin fixtures). They go through the same record
 * bookkeeping as sync writes: version +1, field versions, history.
 */

export function serverCreate(
  tx: StoreTx,
  id: string,
  data: VisitorCreateData,
  atMs: number,
): Promise<StoredVisitor> {
  return tx.insert({
    id,
    values: toValues(data),
    version: 1,
    lastModifiedMs: atMs,
    deleted: false,
    fieldVersions: {},
  });
}

/** Changes the fields of `patch` that differ; returns null when nothing differs. */
export async function serverEdit(
  tx: StoreTx,
  current: StoredVisitor,
  patch: Partial<Record<VisitorField, unknown>>,
  atMs: number,
): Promise<{ record: StoredVisitor; fields: VisitorField[] } | null> {
  const fields = differingFields(current.values, patch);
  if (fields.length === 0) return null;
  const record = await tx.replace(nextRecord(current, patch, fields, atMs), current);
  return { record, fields };
}

export function serverDelete(
  tx: StoreTx,
  current: StoredVisitor,
  atMs: number,
): Promise<StoredVisitor> {
  return tx.replace(tombstoneRecord(current, atMs), current);
}
