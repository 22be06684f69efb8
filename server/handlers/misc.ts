import type { MeResponse } from '../../shared/protocol';
import type { RequestContext } from '../app';
import { HttpError, unavailable } from '../http/errors';
import { sendJson } from '../http/respond';
import { TransientStoreError } from '../storage/types';
import { toWireChange } from '../sync/records';
import { storeUnavailable } from './bulk-sync';

/** GET /api/me (ext): who the token is. */
export async function handleMe({ reply, principal }: RequestContext): Promise<void> {
  const body: MeResponse = {
    role: principal!.role,
    ...(principal!.name ? { name: principal!.name } : {}),
  };
  sendJson(reply, 200, body);
}

/**
 * GET /api/health, no token: 200 `{ "status": "ok" }` when this instance can
 * serve (its storage answers), else 503 with the reason, so a load balancer
 * sends traffic elsewhere. A stopping instance answers 503 too.
 */
export async function handleHealth({ app, reply }: RequestContext): Promise<void> {
  if (app.stopping) throw unavailable('the server is stopping', 1, 'stopping');
  try {
    await app.store.ping();
  } catch (error) {
    const reason = error instanceof TransientStoreError ? error.message : 'the storage failed';
    app.logger.warn({ err: error }, 'health: storage not ready');
    throw unavailable(`storage not ready: ${reason}`, 1, 'storage_unavailable');
  }
  sendJson(reply, 200, { status: 'ok' });
}

/** GET /api/visitors/:id (server ext): one record, or its tombstone. */
export async function handleGetVisitor({ app, reply }: RequestContext, id: string): Promise<void> {
  const known = id.length <= 128 && id.isWellFormed();
  const record = known ? await app.store.read((tx) => tx.get(id)).catch(storeUnavailable) : null;
  if (!record)
    throw new HttpError(404, 'not_found', `no record ${id.slice(0, 128)} on this server`);
  sendJson(reply, 200, toWireChange(record));
}
