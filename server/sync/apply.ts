import type { OperationResult, WireError } from '../../shared/protocol';
import type { VisitorField } from '../../shared/visitor';
import { toValues } from '../../shared/visitor';
import type { StoreTx, StoredVisitor, VisitorSnapshot } from '../storage/types';
import { TransientStoreError } from '../storage/types';
import { uuidv7 } from '../ids';
import { buildConflictData, decideDelete, decideUpdate, type ConflictRule } from './conflicts';
import { nextRecord, tombstoneRecord } from './records';
import type { ParsedOp, ValidOp } from './validate';

/**
 * Applies a request's operations inside one write transaction, each in its
 * own savepoint: an operation that throws (busy database, injected fault)
 * rolls back only its own writes and becomes that operation's error.
 */

export interface ApplyContext {
  /** X-Client-Id, for deduplicating creates that carry no opId. */
  clientId: string | null;
  /** The request's lastSyncTimestamp, for the time rule. */
  lastSyncMs: number | null;
  /** The request's write time; called lazily so a request without writes takes none. */
  stamp(): number;
  /** Test hook: throw here to fail one operation after its writes (see faults.ts). */
  afterWrite?(op: ValidOp): void;
  /** Test hook: throw here to fail one operation before it touches anything. */
  beforeApply?(op: ValidOp): void;
}

/** The idempotency key of an operation, if it has one (docs/protocol.md "Idempotency"). */
export function idempotencyKey(op: ValidOp, clientId: string | null): string | null {
  if (op.opId !== undefined) return `op:${op.opId}`;
  if (op.action === 'create' && clientId !== null) return `create:${clientId}\n${op.localId}`;
  return null;
}

function errorResult(
  op: { action: ValidOp['action']; localId: string; serverId?: string },
  error: WireError,
): OperationResult {
  return {
    localId: op.localId,
    ...(op.serverId !== undefined ? { serverId: op.serverId } : {}),
    action: op.action,
    status: 'error',
    error,
  };
}

/** A failure with a ready-made wire error (fault hooks, future business rules). */
export class OperationFailure extends Error {
  readonly wire: WireError;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'OperationFailure';
    this.wire = { code: wire.code, message: wire.message, retryable: wire.retryable };
  }
}

export function classifyFailure(error: unknown): WireError {
  if (error instanceof OperationFailure) return error.wire;
  if (error instanceof TransientStoreError) {
    return { code: error.code, message: error.message, retryable: true };
  }
  // An unexpected failure: retrying the same operation is unlikely to help,
  // and a retry loop on a bug would hide it.
  return {
    code: 'internal',
    message: 'the server failed to apply this operation',
    retryable: false,
  };
}

function ruleFor(op: ValidOp, ctx: ApplyContext): ConflictRule {
  if (op.baseVersion !== undefined) return { kind: 'version', baseVersion: op.baseVersion };
  return { kind: 'time', sinceMs: ctx.lastSyncMs ?? op.timestampMs };
}

/** The record as the client last saw it, when the server still knows it. */
async function baseSnapshot(
  tx: StoreTx,
  id: string,
  rule: ConflictRule,
): Promise<VisitorSnapshot | null> {
  return rule.kind === 'version'
    ? tx.snapshot(id, rule.baseVersion)
    : tx.snapshotAt(id, rule.sinceMs);
}

function notFound(op: ValidOp & { serverId: string }): OperationResult {
  return errorResult(op, {
    code: 'not_found',
    message: `serverId: no record ${op.serverId} on this server`,
    retryable: false,
  });
}

function conflictResult(
  op: ValidOp & { serverId: string },
  current: StoredVisitor,
  kind: 'field' | 'update_deleted' | 'delete_modified',
  conflictFields: VisitorField[],
  clientData: Record<string, unknown>,
  base: VisitorSnapshot | null,
): OperationResult {
  return {
    localId: op.localId,
    serverId: op.serverId,
    action: op.action,
    status: 'conflict',
    version: current.version,
    conflictData: buildConflictData({ kind, conflictFields, clientData, current, base }),
  };
}

async function applyCreate(tx: StoreTx, op: ValidOp & { action: 'create' }, ctx: ApplyContext) {
  const at = ctx.stamp();
  const record = await tx.insert({
    id: uuidv7(at),
    values: toValues(op.data),
    version: 1,
    lastModifiedMs: at,
    deleted: false,
    fieldVersions: {},
  });
  const result: OperationResult = {
    localId: op.localId,
    serverId: record.id,
    action: 'create',
    status: 'success',
    version: record.version,
  };
  return result;
}

async function applyUpdate(
  tx: StoreTx,
  op: ValidOp & { action: 'update' },
  ctx: ApplyContext,
): Promise<OperationResult> {
  const current = await tx.get(op.serverId);
  if (!current) return notFound(op);
  const rule = ruleFor(op, ctx);
  const decision = decideUpdate(current, op.data, rule);
  switch (decision.type) {
    case 'invalid':
      return errorResult(op, { code: 'validation', message: decision.message, retryable: false });
    case 'conflict': {
      const base = await baseSnapshot(tx, op.serverId, rule);
      return conflictResult(op, current, decision.kind, decision.conflictFields, op.data, base);
    }
    case 'apply': {
      let version = current.version;
      if (decision.fields.length > 0) {
        const written = await tx.replace(
          nextRecord(current, op.data, decision.fields, ctx.stamp()),
          current,
        );
        version = written.version;
      }
      return {
        localId: op.localId,
        serverId: op.serverId,
        action: 'update',
        status: 'success',
        version,
      };
    }
  }
}

async function applyDelete(
  tx: StoreTx,
  op: ValidOp & { action: 'delete' },
  ctx: ApplyContext,
): Promise<OperationResult> {
  const current = await tx.get(op.serverId);
  if (!current) return notFound(op);
  const rule = ruleFor(op, ctx);
  const base = current.deleted ? null : await baseSnapshot(tx, op.serverId, rule);
  const decision = decideDelete(current, rule, base?.version ?? null);
  switch (decision.type) {
    case 'invalid':
      return errorResult(op, { code: 'validation', message: decision.message, retryable: false });
    case 'already_deleted':
      return {
        localId: op.localId,
        serverId: op.serverId,
        action: 'delete',
        status: 'success',
        version: current.version,
      };
    case 'conflict':
      return conflictResult(op, current, decision.kind, decision.conflictFields, {}, base);
    case 'apply': {
      const written = await tx.replace(tombstoneRecord(current, ctx.stamp()), current);
      return {
        localId: op.localId,
        serverId: op.serverId,
        action: 'delete',
        status: 'success',
        version: written.version,
      };
    }
  }
}

function sameOperation(stored: OperationResult, op: ValidOp): boolean {
  return (
    stored.action === op.action &&
    stored.localId === op.localId &&
    (op.action === 'create' || stored.serverId === op.serverId)
  );
}

async function applyOne(tx: StoreTx, op: ValidOp, ctx: ApplyContext): Promise<OperationResult> {
  const key = idempotencyKey(op, ctx.clientId);
  if (key !== null) {
    const stored = await tx.appliedResult(key);
    if (stored) {
      if (!sameOperation(stored, op)) {
        return errorResult(op, {
          code: 'op_id_reused',
          message: `opId: already used by a different operation (${stored.action} of ${stored.localId})`,
          retryable: false,
        });
      }
      return stored;
    }
  }
  ctx.beforeApply?.(op);
  let result: OperationResult;
  switch (op.action) {
    case 'create':
      result = await applyCreate(tx, op, ctx);
      break;
    case 'update':
      result = await applyUpdate(tx, op, ctx);
      break;
    case 'delete':
      result = await applyDelete(tx, op, ctx);
      break;
  }
  // Only applied operations are remembered: a conflict or error applied
  // nothing, so a replay re-evaluates it against the current record.
  if (key !== null && result.status === 'success') await tx.recordApplied(key, result, ctx.stamp());
  if (result.status === 'success') ctx.afterWrite?.(op);
  return result;
}

export async function applyOperations(
  tx: StoreTx,
  ops: readonly ParsedOp[],
  ctx: ApplyContext,
): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  for (const parsed of ops) {
    if (!parsed.ok) {
      results.push(errorResult(parsed.invalid, parsed.invalid.error));
      continue;
    }
    const op = parsed.op;
    try {
      results.push(await tx.savepoint(() => applyOne(tx, op, ctx)));
    } catch (error) {
      results.push(errorResult(op, classifyFailure(error)));
    }
  }
  return results;
}
