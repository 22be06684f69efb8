import { changedFields, patchBetween } from '../diff';
import { appError, describeIssues } from '../errors';
import { VisitorFieldSchemas, type VisitorField, type VisitorValues } from '../visitor';
import { conflictSides } from './conflict';
import { resolveRecord } from './strategies';
import {
  err,
  ok,
  type FieldChange,
  type LocalEffect,
  type MergePreview,
  type PreviewOperation,
  type Resolution,
  type ResolvableConflict,
  type ResolvedRecord,
  type Result,
} from './types';

/**
 * The merge preview: what a decision does before it is applied — the
 * resulting record, what changes in the local mirror, and the exact operation
 * that will be pushed.
 */
export function previewResolution(c: ResolvableConflict, r: Resolution): Result<MergePreview> {
  const record = resolveRecord(c, r);
  if (!record.ok) return record;
  const operation = operationFor(c, r, record.value);
  if (!operation.ok) return operation;
  return ok({
    record: record.value,
    localEffect: localEffectOf(c, record.value),
    localChanges: localChangesOf(c.local, record.value),
    operation: operation.value,
  });
}

function localEffectOf(c: ResolvableConflict, record: ResolvedRecord): LocalEffect {
  // The client's own deletion already marked the row deleted.
  if (record === 'deleted') return c.kind === 'delete_modified' ? 'none' : 'remove';
  if (c.kind === 'delete_modified') return 'restore';
  return changedFields(c.local, record).length > 0 ? 'update' : 'none';
}

/** A removed row changes no field: it is gone, which localEffect says. */
function localChangesOf(local: VisitorValues, record: ResolvedRecord): FieldChange[] {
  if (record === 'deleted') return [];
  return changedFields(local, record).map((field) => ({
    field,
    before: local[field],
    after: record[field],
  }));
}

/**
 * The operation a decision queues. server_wins sends nothing: the server
 * already holds the result. Everything else is sent with baseVersion = the
 * server version seen in the conflict, so that a change made on the server
 * since then conflicts again instead of being overwritten; an update carries
 * only the fields that differ from the server's record, and none at all when
 * the result is the server's record.
 */
export function operationFor(
  c: ResolvableConflict,
  r: Resolution,
  record: ResolvedRecord,
): Result<PreviewOperation | null> {
  if (r.strategy === 'server_wins') return ok(null);
  const server = conflictSides(c).server;
  // Re-creating what the server deleted: a tombstone cannot be updated, so
  // this is a new record, whole; it has no version to build on.
  if (server === null) {
    return record === 'deleted' ? ok(null) : withValidData({ action: 'create', data: record });
  }
  if (c.serverId === null) {
    return err(
      appError('missing_server_id', 'This conflict has no server id to send the decision to.'),
    );
  }
  const target = { serverId: c.serverId, ...baseVersionOf(c) };
  if (record === 'deleted') return ok({ action: 'delete', ...target });
  const data = patchBetween(server, record);
  if (Object.keys(data).length === 0) return ok(null);
  return withValidData({ action: 'update', ...target, data });
}

function baseVersionOf(c: ResolvableConflict): { baseVersion?: number } {
  return c.serverVersion === null ? {} : { baseVersion: c.serverVersion };
}

/**
 * Merges can produce what no side had: notes joined past 10 000 characters,
 * interests united past 50 items. Check what will be sent with the fields'
 * schemas, so the preview says so instead of the server rejecting it later.
 */
function withValidData(
  op: PreviewOperation & { data: Partial<VisitorValues> },
): Result<PreviewOperation> {
  for (const [key, value] of Object.entries(op.data)) {
    const field = key as VisitorField;
    const parsed = VisitorFieldSchemas[field].safeParse(value);
    if (!parsed.success) {
      return err(appError('invalid_result', describeIssues(parsed.error, field), false, { field }));
    }
  }
  return ok(op);
}
