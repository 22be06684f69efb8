import { appError, type AppError } from '../../../shared/errors';
import type { BulkSyncResponse, OperationResult } from '../../../shared/protocol';
import { toValues, type VisitorValues } from '../../../shared/visitor';
import type { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { Db } from '../db/open';
import type { AttemptsRepo } from '../outbox/attempts-repo';
import type { OutboxRepo, SendableOp } from '../outbox/outbox-repo';
import type { VisitorRecord, VisitorsRepo } from '../visitors/visitors-repo';
import { retryDelayMs, type BackoffSettings } from './backoff';
import { baseAfterAck, mergePulled } from './merge-pulled';

export interface SettleRepos {
  visitors: VisitorsRepo;
  outbox: OutboxRepo;
  conflicts: ConflictsRepo;
  attempts: AttemptsRepo;
}

export interface SettleContext {
  db: Db;
  repos: SettleRepos;
  backoff: BackoffSettings;
  random: () => number;
  now: Date;
  runId: number | null;
  chunk: string;
}

export interface SettleCounts {
  created: number;
  updated: number;
  deleted: number;
  conflicts: number;
  errors: number;
  retried: number;
}

export const emptySettleCounts = (): SettleCounts => ({
  created: 0,
  updated: 0,
  deleted: 0,
  conflicts: 0,
  errors: 0,
  retried: 0,
});

export const MAX_ATTEMPTS_MESSAGE = 'Max retry attempts exceeded';

/**
 * Whether `results` answers `ops` one for one, in order. A reply that does not
 * is treated like a lost one: the chunk goes again with the same opIds.
 */
export function resultsMatch(ops: readonly SendableOp[], response: BulkSyncResponse): boolean {
  return (
    response.results.length === ops.length &&
    response.results.every((r, i) => r.localId === ops[i]!.localId && r.action === ops[i]!.action)
  );
}

/**
 * Whether settling this reply adopts a record's copy that came back through the
 * pull (adoptDuplicate): a create acknowledged with a server id that another
 * row of the mirror holds. That is the one way a settle changes records other
 * than its own operations': the copy's queued operations move to the create's
 * row, so they must not be claimed before it settles (engine.ts).
 */
export function adoptsPulledCopy(
  visitors: VisitorsRepo,
  ops: readonly SendableOp[],
  response: BulkSyncResponse,
): boolean {
  return visitors.heldByOther(
    ops.flatMap((op, i) => {
      const result = response.results[i]!;
      const serverId = result.serverId ?? op.serverId;
      return op.action === 'create' && result.status === 'success' && serverId
        ? [{ localId: op.localId, serverId }]
        : [];
    }),
  );
}

/** Applies each operation's result with the data it touches, all in one transaction. */
export function settleResults(
  ctx: SettleContext,
  ops: readonly SendableOp[],
  response: BulkSyncResponse,
  httpStatus: number,
): SettleCounts {
  const counts = emptySettleCounts();
  ctx.db.transaction(() => {
    const done = settleCleanSuccesses(ctx, ops, response, httpStatus, counts);
    ops.forEach((op, i) => {
      if (!done.has(i)) settleOne(ctx, op, response.results[i]!, httpStatus, counts);
    });
  })();
  return counts;
}

/**
 * The common case set-based: successes whose record has nothing queued after
 * them are settled with a handful of statements for the whole chunk (outbox
 * rows removed, attempts recorded, records acknowledged or removed) instead of
 * six per operation, which was half of a push's time (profiled: 50 000 mixed
 * operations, chunk 500). Writes exactly what acknowledge() writes for them.
 * Anything else (conflicts, errors, later operations on the record, a record
 * seen twice in the chunk, a create that meets a duplicate pulled meanwhile)
 * goes through settleOne; returns the indexes settled here.
 */
function settleCleanSuccesses(
  ctx: SettleContext,
  ops: readonly SendableOp[],
  response: BulkSyncResponse,
  httpStatus: number,
  counts: SettleCounts,
): Set<number> {
  const { visitors, outbox, attempts } = ctx.repos;
  const seen = new Map<string, number>();
  for (const op of ops) seen.set(op.localId, (seen.get(op.localId) ?? 0) + 1);
  let picked = ops.flatMap((op, i) =>
    response.results[i]!.status === 'success' && seen.get(op.localId) === 1 ? [i] : [],
  );
  const later = outbox.withLaterOps(picked.map((i) => ops[i]!));
  picked = picked.filter((i) => !later.has(ops[i]!.localId));
  const serverIdOf = (i: number) => response.results[i]!.serverId ?? ops[i]!.serverId;
  const creates = picked.flatMap((i) => {
    const serverId = serverIdOf(i);
    return ops[i]!.action === 'create' && serverId ? [{ localId: ops[i]!.localId, serverId }] : [];
  });
  // A duplicate to adopt is rare and takes several steps: the whole chunk goes one by one.
  if (picked.length === 0 || visitors.heldByOther(creates)) return new Set();
  const at = ctx.now.toISOString();
  outbox.deleteMany(picked.map((i) => ops[i]!.seq));
  visitors.removeMany(
    picked.flatMap((i) => (ops[i]!.action === 'delete' ? [ops[i]!.localId] : [])),
  );
  visitors.ackMany(
    picked.flatMap((i) =>
      ops[i]!.action === 'delete'
        ? []
        : [
            {
              localId: ops[i]!.localId,
              serverId: serverIdOf(i),
              version: response.results[i]!.version ?? null,
            },
          ],
    ),
    at,
  );
  attempts.recordSuccesses(
    picked.map((i) => ops[i]!.opId),
    { runId: ctx.runId, chunk: ctx.chunk, at, httpStatus },
  );
  for (const i of picked) {
    const action = ops[i]!.action;
    counts[action === 'create' ? 'created' : action === 'update' ? 'updated' : 'deleted']++;
  }
  return new Set(picked);
}

function settleOne(
  ctx: SettleContext,
  listed: SendableOp,
  result: OperationResult,
  httpStatus: number,
  counts: SettleCounts,
): void {
  // An earlier result of this chunk may have adopted the operation's record into
  // the create's row (adoptDuplicate): it belongs to that row now.
  const op = { ...listed, localId: ctx.repos.outbox.bySeq(listed.seq)?.localId ?? listed.localId };
  const at = ctx.now.toISOString();
  const attempt = { opId: op.opId, runId: ctx.runId, chunk: ctx.chunk, at, httpStatus };
  if (result.status === 'success') {
    acknowledge(ctx, op, result, at);
    counts[op.action === 'create' ? 'created' : op.action === 'update' ? 'updated' : 'deleted']++;
    ctx.repos.attempts.record({ ...attempt, outcome: 'success', error: null });
  } else if (result.status === 'conflict') {
    const data = result.conflictData ?? {
      clientData: op.data ?? {},
      serverData: null,
      conflictFields: [],
    };
    ctx.repos.conflicts.insert({
      localId: op.localId,
      serverId: result.serverId ?? op.serverId,
      opId: op.opId,
      action: op.action,
      data,
      baseVersion: op.baseVersion,
      at,
      opTimestamp: op.timestamp,
    });
    // The operation now lives on as the conflict; the record keeps its local values until resolved.
    ctx.repos.outbox.delete(op.seq);
    counts.conflicts++;
    ctx.repos.attempts.record({ ...attempt, outcome: 'conflict', error: null });
  } else {
    const error =
      result.error ??
      appError('unknown', 'The server reported an error without saying which.', true);
    const outcome = retryOrFail(ctx, op.seq, op.attempts + 1, error);
    counts[outcome === 'retry' ? 'retried' : 'errors']++;
    ctx.repos.attempts.record({ ...attempt, outcome, error });
  }
}

/**
 * A retryable error goes back to the queue with backoff until the attempts run
 * out; anything else fails at once, with the server's code and words.
 */
export function retryOrFail(
  ctx: Pick<SettleContext, 'repos' | 'backoff' | 'random' | 'now'>,
  seq: number,
  attempts: number,
  error: AppError & { retryAfterMs?: number },
): 'retry' | 'failed' {
  const at = ctx.now.toISOString();
  const { retryAfterMs, ...plain } = error;
  if (!error.retryable) {
    ctx.repos.outbox.fail(seq, plain, at);
    return 'failed';
  }
  const delay = retryDelayMs(attempts, ctx.backoff, ctx.random, retryAfterMs);
  if (delay === null) {
    ctx.repos.outbox.fail(
      seq,
      appError('max_attempts', MAX_ATTEMPTS_MESSAGE, false, { lastError: plain, attempts }),
      at,
    );
    return 'failed';
  }
  ctx.repos.outbox.retryLater(seq, new Date(ctx.now.getTime() + delay).toISOString(), plain, at);
  return 'retry';
}

function acknowledge(
  ctx: SettleContext,
  op: SendableOp,
  result: OperationResult,
  at: string,
): void {
  const { visitors, outbox } = ctx.repos;
  outbox.delete(op.seq);
  const serverId = result.serverId ?? op.serverId;
  const version = result.version ?? null;
  const dup =
    serverId && op.action === 'create' ? adoptDuplicate(ctx, op.localId, serverId, at) : null;
  // Read after the adoption: the duplicate's operations are this record's now.
  const later = outbox.later(op.localId, op.seq);
  if (op.action === 'delete') {
    if (later.length === 0) visitors.remove(op.localId);
    return;
  }
  const record = visitors.get(op.localId);
  if (!record) return;
  const laterFields = new Set(later.flatMap((o) => (o.data ? Object.keys(o.data) : [])));
  const sent = (op.data ?? {}) as Partial<VisitorValues>;
  const oldBase = record.base ?? (op.action === 'create' ? toValues(sent) : null);
  const base = baseAfterAck(record.values, oldBase, sent, laterFields);
  visitors.ack(op.localId, { serverId, version, base, dirty: later.length > 0 }, at);
  // The change feed brought this record back (as a duplicate) at a newer version
  // than our reply says: that version is what the server holds now.
  if (dup && dup.serverVersion !== null && (version === null || dup.serverVersion > version)) {
    const held = dup.base ?? dup.values;
    const values = mergePulled(record.values, base, held);
    visitors.mergePulled(
      op.localId,
      { values, base: held, version: dup.serverVersion, lastModified: dup.lastModified ?? at },
      at,
    );
  }
  if (later.length > 0) outbox.rebaseLater(op.localId, op.seq, serverId, op.baseVersion, version);
}

/**
 * A create whose first reply was lost may already have come back through the
 * change feed as a separate row. The acknowledged local record is the one to
 * keep, and it takes over what was done to the duplicate meanwhile: its queued
 * operations, its deletion, and the fields edited on it (both rows are the same
 * server record, so an edit or a delete made on either is one made on it).
 */
function adoptDuplicate(
  ctx: SettleContext,
  localId: string,
  serverId: string,
  at: string,
): VisitorRecord | null {
  const { visitors, outbox } = ctx.repos;
  const dup = visitors.byServerId(serverId);
  if (!dup || dup.localId === localId) return null;
  const own = visitors.get(localId);
  outbox.moveToRecord(dup.localId, localId);
  visitors.remove(dup.localId);
  if (!own) return dup;
  if (dup.dirty && dup.base) {
    // The fields edited on the duplicate (against the server's values it was pulled with).
    const values = mergePulled(dup.values, dup.base, own.values);
    visitors.updateValues(localId, values, true, at);
  }
  if (dup.deleted) visitors.markDeleted(localId, at);
  return dup;
}
