import { z } from 'zod';
import { describeIssues } from '../../shared/errors';
import {
  ACTIONS,
  BulkSyncRequestSchema,
  OperationSchema,
  type Action,
  type WireError,
} from '../../shared/protocol';
import {
  VisitorCreateDataSchema,
  VisitorPatchSchema,
  wellFormed,
  type VisitorCreateData,
  type VisitorPatch,
} from '../../shared/visitor';

/**
 * Parsing of bulk-sync requests. Request-level problems (not JSON-shaped,
 * too many operations, an operation that cannot even be named in a result,
 * duplicate opIds) reject the whole request; everything else is a per-
 * operation `validation` error so one bad operation fails alone.
 *
 * `data` is always taken from the raw parsed JSON, never from a schema that
 * copies keys into a plain object: JSON.parse keeps `__proto__` as an own key
 * and copying it would set a prototype instead of failing (docs/measured-facts.md).
 */

export type ValidOp =
  | (OpBase & { action: 'create'; data: VisitorCreateData })
  | (OpBase & { action: 'update'; serverId: string; data: VisitorPatch })
  | (OpBase & { action: 'delete'; serverId: string });

interface OpBase {
  index: number;
  localId: string;
  serverId?: string;
  timestampMs: number;
  opId?: string;
  baseVersion?: number;
}

export interface InvalidOp {
  index: number;
  action: Action;
  localId: string;
  serverId?: string;
  error: WireError;
}

export type ParsedOp = { ok: true; op: ValidOp } | { ok: false; invalid: InvalidOp };

export interface ParsedBulkSync {
  ops: ParsedOp[];
  lastSyncMs: number | null;
  chunkInfo?: { number: number; total: number };
}

export type RequestRejection = {
  status: 400 | 413;
  code: 'invalid_request' | 'too_large';
  message: string;
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LocalIdSchema = wellFormed(128, 1);
const MAX_KEY_IN_MESSAGE = 64;

function shownKey(key: string): string {
  const k = key.isWellFormed() ? key : key.toWellFormed();
  return k.length > MAX_KEY_IN_MESSAGE ? `${k.slice(0, MAX_KEY_IN_MESSAGE)}…` : k;
}

/**
 * "data.email: must be a valid email address"; unknown keys are named one by
 * one ("data.__proto__: is not a visitor field") so the message says which.
 */
export function describeDataIssues(error: z.ZodError, prefix: string): string {
  const parts: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const at = [prefix, ...issue.path.map(String)].join('.');
      for (const key of issue.keys) parts.push(`${at}.${shownKey(key)}: is not a visitor field`);
    } else {
      parts.push(describeIssues(new z.ZodError([issue]), prefix));
    }
  }
  return parts.join('; ');
}

function validationError(message: string): WireError {
  return { code: 'validation', message, retryable: false };
}

function parseOne(
  raw: Record<string, unknown>,
  index: number,
  action: Action,
  localId: string,
): ParsedOp {
  const rawServerId =
    typeof raw.serverId === 'string' && raw.serverId.length <= 128 ? raw.serverId : undefined;
  const fail = (message: string): ParsedOp => ({
    ok: false,
    invalid: {
      index,
      action,
      localId,
      ...(rawServerId !== undefined && rawServerId.isWellFormed() ? { serverId: rawServerId } : {}),
      error: validationError(message),
    },
  });

  const envelope = OperationSchema.safeParse(raw);
  if (!envelope.success) return fail(describeIssues(envelope.error));
  const e = envelope.data;
  const base: OpBase = {
    index,
    localId,
    timestampMs: Date.parse(e.timestamp),
    ...(e.serverId !== undefined ? { serverId: e.serverId } : {}),
    ...(e.opId !== undefined ? { opId: e.opId } : {}),
    ...(e.baseVersion !== undefined ? { baseVersion: e.baseVersion } : {}),
  };

  const hasData = Object.hasOwn(raw, 'data');
  // The seed's OptimizedSyncSerializer sends an update's fields as `changes`.
  const hasChanges = Object.hasOwn(raw, 'changes');
  if (hasData && hasChanges)
    return fail('changes: send the fields in data or in changes, not both');
  if (hasChanges && action !== 'update') return fail(`changes: only an update may carry changes`);
  const data = hasData ? raw.data : hasChanges ? raw.changes : undefined;
  const dataName = hasChanges ? 'changes' : 'data';

  switch (action) {
    case 'create': {
      if (data === undefined) return fail('data: is required for create');
      const parsed = VisitorCreateDataSchema.safeParse(data);
      if (!parsed.success) return fail(describeDataIssues(parsed.error, dataName));
      return { ok: true, op: { ...base, action, data: parsed.data } };
    }
    case 'update': {
      if (e.serverId === undefined) return fail('serverId: is required for update');
      if (data === undefined) return fail('data: is required for update');
      const parsed = VisitorPatchSchema.safeParse(data);
      if (!parsed.success) return fail(describeDataIssues(parsed.error, dataName));
      return { ok: true, op: { ...base, action, serverId: e.serverId, data: parsed.data } };
    }
    case 'delete': {
      if (e.serverId === undefined) return fail('serverId: is required for delete');
      if (data !== undefined) return fail('data: must be absent for delete');
      return { ok: true, op: { ...base, action, serverId: e.serverId } };
    }
  }
}

export function parseBulkSync(
  body: unknown,
  maxOperations: number,
): { ok: true; request: ParsedBulkSync } | { ok: false; rejection: RequestRejection } {
  const reject = (status: 400 | 413, message: string) => ({
    ok: false as const,
    rejection: {
      status,
      code: status === 413 ? ('too_large' as const) : ('invalid_request' as const),
      message,
    },
  });
  if (!isPlainObject(body))
    return reject(400, 'body: must be a JSON object with an operations array');
  const rawOps = body.operations;
  if (Array.isArray(rawOps) && rawOps.length > maxOperations) {
    return reject(
      413,
      `operations: ${rawOps.length} operations is more than this server's limit of ${maxOperations}; split the chunk`,
    );
  }
  const envelope = BulkSyncRequestSchema.safeParse(body);
  if (!envelope.success) return reject(400, describeIssues(envelope.error));
  const ops = envelope.data.operations;

  // An operation whose action or localId is unusable cannot get a result
  // entry (both are required there), so it fails the request.
  const named: Array<{ raw: Record<string, unknown>; action: Action; localId: string }> = [];
  for (let i = 0; i < ops.length; i++) {
    const raw = ops[i];
    if (!isPlainObject(raw)) return reject(400, `operations[${i}]: must be an object`);
    const action = raw.action;
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      return reject(400, `operations[${i}].action: must be one of ${ACTIONS.join(', ')}`);
    }
    const localId = LocalIdSchema.safeParse(raw.localId);
    if (!localId.success)
      return reject(400, describeIssues(localId.error, `operations[${i}].localId`));
    named.push({ raw, action: action as Action, localId: localId.data });
  }

  const seenOpIds = new Map<string, number>();
  for (let i = 0; i < named.length; i++) {
    const opId = named[i]!.raw.opId;
    if (typeof opId !== 'string') continue;
    const first = seenOpIds.get(opId);
    if (first !== undefined) {
      return reject(400, `operations[${i}].opId: repeats the opId of operations[${first}]`);
    }
    seenOpIds.set(opId, i);
  }

  const parsed = named.map((n, i) => parseOne(n.raw, i, n.action, n.localId));
  const last = envelope.data.lastSyncTimestamp;
  return {
    ok: true,
    request: {
      ops: parsed,
      lastSyncMs: last ? Date.parse(last) : null,
      ...(envelope.data.chunkInfo ? { chunkInfo: envelope.data.chunkInfo } : {}),
    },
  };
}
