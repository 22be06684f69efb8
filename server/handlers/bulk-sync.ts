import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkSyncResponse, ChangePage, OperationResult } from '../../shared/protocol';
import type { RequestContext } from '../app';
import { readJsonBody } from '../body';
import { iso } from '../clock';
import { HttpError, badRequest, unavailable } from '../http/errors';
import { sendJson } from '../http/respond';
import { TransientStoreError } from '../storage/types';
import { applyOperations } from '../sync/apply';
import { readChangePage } from '../sync/changes';
import { parseBulkSync } from '../sync/validate';

/** POST /api/visitors/bulk-sync (PROTOCOL.md). */

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

export async function handleBulkSync(ctx: RequestContext): Promise<void> {
  const { app } = ctx;
  // Shed load instead of buffering an unbounded number of large bodies.
  if (app.syncsInFlight >= app.config.maxConcurrentSyncs) {
    throw unavailable('too many sync requests at once; try again', 1);
  }
  app.syncsInFlight++;
  try {
    await bulkSync(ctx);
  } finally {
    app.syncsInFlight--;
  }
}

async function bulkSync(ctx: RequestContext): Promise<void> {
  const { app, req, res } = ctx;
  const injected = app.faults.takeRequestFailure('bulk-sync');
  if (injected) {
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
  const clientId = parseClientId(req.headers['x-client-id']);
  checkChunkHeader(req.headers['x-sync-chunk']);
  const body = await readJsonBody(req, { maxBytes: app.config.maxBodyBytes });
  const parsed = parseBulkSync(body, app.config.maxOperations);
  if (!parsed.ok)
    throw new HttpError(parsed.rejection.status, parsed.rejection.code, parsed.rejection.message);
  const { ops, lastSyncMs } = parsed.request;

  let stampMs: number | null = null;
  const { results, changes, syncMs } = await app.store
    .write(async (tx) => {
      const results = await applyOperations(tx, ops, {
        clientId,
        lastSyncMs,
        stamp: () => (stampMs ??= app.clock.stamp()),
        beforeApply: (op) => app.faults.checkOperation(op, 'before'),
        afterWrite: (op) => app.faults.checkOperation(op, 'after'),
      });
      // Taken after the writes: every change of this request is at or before it.
      const syncMs = app.clock.observe();
      let changes: ChangePage | undefined;
      if (lastSyncMs !== null) {
        const page = await readChangePage(
          tx,
          { afterSeq: 0, sinceMs: lastSyncMs },
          app.config.changesPageSize,
          () => syncMs,
        );
        if (page.ok) changes = page.page;
      }
      return { results, changes, syncMs };
    })
    .catch(storeUnavailable);

  const response: BulkSyncResponse = {
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
    ...(changes ? { changes } : {}),
  };

  // Fault hooks: the work is committed; the client just does not hear about it.
  if (app.faults.takeDrop()) {
    req.socket.destroy();
    return;
  }
  const delay = app.faults.takeDelayMs();
  if (delay > 0) await sleep(delay);
  await sendJson(req, res, 200, response);
}
