import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { OperationResult } from '../../shared/protocol';
import type { App, RequestContext } from '../app';
import { iso } from '../clock';
import { HttpError, badRequest, unavailable } from '../http/errors';
import { sendJsonText } from '../http/respond';
import { TransientStoreError } from '../storage/types';
import { applyOperations, idempotencyKey } from '../sync/apply';
import { readChangePage, type PageJson } from '../sync/changes';
import { parseBulkSync } from '../sync/validate';

/** POST /api/visitors/bulk-sync (docs/protocol.md). */

const CLIENT_ID_RE = /^[\x21-\x7e]{1,128}$/;

export function parseClientId(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !CLIENT_ID_RE.test(header)) {
    throw badRequest('X-Client-Id: must be 1-128 visible ASCII characters');
  }
  return header;
}

export function checkChunkHeader(header: string | string[] | undefined): void {
  if (header === undefined) return;
  const m = typeof header === 'string' ? /^(\d{1,7})\/(\d{1,7})$/.exec(header) : null;
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw badRequest('X-Sync-Chunk: must be <n>/<total> with 1 <= n <= total');
  }
}

/** Store trouble for the whole request (busy at BEGIN, failed COMMIT): nothing was applied. */
export function storeUnavailable(error: unknown): never {
  if (error instanceof TransientStoreError) {
    throw unavailable(`${error.message} (nothing was applied)`, 1, error.code);
  }
  throw error;
}

/** An injected request failure (fault hooks), before anything is read or applied. */
export function injectedFailure(app: App, route: 'bulk-sync' | 'changes'): void {
  const injected = app.faults.takeRequestFailure(route);
  if (!injected) return;
  throw new HttpError(
    injected.status,
    'unavailable',
    'the server is shedding load (injected fault); try again',
    {
      headers: { 'Retry-After': String(injected.retryAfterSeconds) },
      retryable: true,
    },
  );
}

/** Checks that need only the headers, run before the body is read. */
export function beforeBody(app: App, headers: IncomingHttpHeaders): void {
  injectedFailure(app, 'bulk-sync');
  parseClientId(headers['x-client-id']);
  checkChunkHeader(headers['x-sync-chunk']);
}

/**
 * A time to hand out as syncTimestamp: `observedMs` (the clock, read before
 * the floor and the data), so not before anything this process stamped; and
 * on PostgreSQL below the floor of the write transactions still running, so
 * "changed after my lastSyncTimestamp" never misses a change that commits
 * after the client's read.
 */
export function capToFloor(observedMs: number, floorMs: number | null | undefined): number {
  return floorMs === null || floorMs === undefined ? observedMs : Math.min(observedMs, floorMs - 1);
}

export async function handleBulkSync(ctx: RequestContext, body: unknown): Promise<void> {
  const { app } = ctx;
  // The slot is taken only now, with the whole body in hand: a client that
  // uploads slowly holds a connection, never a slot (requestMs bounds it).
  if (app.syncsInFlight >= app.config.maxConcurrentSyncs) {
    throw unavailable('too many sync requests at once; try again', 1);
  }
  app.syncsInFlight++;
  try {
    await bulkSync(ctx, body);
  } finally {
    app.syncsInFlight--;
  }
}

async function bulkSync(ctx: RequestContext, body: unknown): Promise<void> {
  const { app, request, reply } = ctx;
  const clientId = parseClientId(request.headers['x-client-id']);
  const parsed = parseBulkSync(body, app.config.maxOperations);
  if (!parsed.ok)
    throw new HttpError(parsed.rejection.status, parsed.rejection.code, parsed.rejection.message);
  const { ops, lastSyncMs } = parsed.request;
  const refusal = app.faults.takeChunkRefusal(ops.flatMap((p) => (p.ok ? [p.op.localId] : [])));
  if (refusal !== null)
    throw new HttpError(
      refusal,
      refusal === 400 ? 'bad_request' : 'internal',
      'injected fault: this chunk carries a refused operation',
    );

  const ids: string[] = [];
  const keys: string[] = [];
  for (const p of ops) {
    if (!p.ok) continue;
    if (p.op.action !== 'create') ids.push(p.op.serverId);
    const key = idempotencyKey(p.op, clientId);
    if (key !== null) keys.push(key);
  }

  let stampMs: number | null = null;
  const results = await app.store
    .write(async (tx) => {
      stampMs = null; // a retried unit takes a new time
      await tx.prefetch?.({ ids, keys });
      return applyOperations(tx, ops, {
        clientId,
        lastSyncMs,
        stamp: () => (stampMs ??= app.clock.stamp()),
        beforeApply: (op) => app.faults.checkOperation(op, 'before'),
        afterWrite: (op) => app.faults.checkOperation(op, 'after'),
      });
    })
    .catch(storeUnavailable);

  // Observed after the commit: every change of this request is at or before it.
  const observed = app.clock.observe();
  let syncMs = observed;
  let changes: PageJson | undefined;
  if (lastSyncMs !== null) {
    const page = await app.store
      .read((tx) =>
        readChangePage(
          tx,
          { afterSeq: 0, sinceMs: lastSyncMs },
          { limit: app.config.changesPageSize, maxBytes: app.config.changesPageBytes },
          () => (syncMs = capToFloor(observed, tx.writeFloorSeen?.())),
        ),
      )
      .catch(storeUnavailable);
    if (page.ok) changes = page.page;
  } else if (app.store.writeFloorMs) {
    syncMs = capToFloor(observed, await app.store.writeFloorMs().catch(storeUnavailable));
  }

  const response = {
    success: true,
    results,
    conflicts: results.flatMap((r: OperationResult) =>
      r.status === 'conflict' && r.conflictData && r.serverId !== undefined
        ? [{ localId: r.localId, serverId: r.serverId, conflictData: r.conflictData }]
        : [],
    ),
    errors: results.flatMap((r: OperationResult) =>
      r.status === 'error' && r.error
        ? [
            {
              localId: r.localId,
              ...(r.serverId !== undefined ? { serverId: r.serverId } : {}),
              action: r.action,
              error: r.error,
            },
          ]
        : [],
    ),
    syncTimestamp: iso(syncMs),
  };
  let json = JSON.stringify(response);
  if (changes) json = `${json.slice(0, -1)},"changes":${changes.json}}`;

  // Fault hooks: the work is committed; the client just does not hear about it.
  if (app.faults.takeDrop()) {
    reply.hijack();
    request.raw.socket.destroy();
    return;
  }
  const delay = app.faults.takeDelayMs();
  if (delay > 0 && !(await held(reply, delay))) {
    // The client gave up on this reply (timed out, cancelled): no one to answer.
    reply.hijack();
    return;
  }
  sendJsonText(reply, 200, json);
}

/**
 * Holds a reply `ms` (the delayResponses fault); false as soon as the client
 * hangs up, so a long hold neither outlives its client nor keeps its sync slot.
 */
function held(reply: FastifyReply, ms: number): Promise<boolean> {
  const res = reply.raw;
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(true);
    }, ms);
    res.once('close', gone);
  });
}
