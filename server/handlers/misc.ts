import type { MeResponse } from '../../shared/protocol';
import type { RequestContext } from '../app';
import { HttpError } from '../http/errors';
import { sendJson } from '../http/respond';
import { toWireChange } from '../sync/records';
import { storeUnavailable } from './bulk-sync';

/** GET /api/me (ext): who the token is. */
export async function handleMe({ req, res, principal }: RequestContext): Promise<void> {
  const body: MeResponse = {
    role: principal!.role,
    ...(principal!.name ? { name: principal!.name } : {}),
  };
  await sendJson(req, res, 200, body);
}

/** GET /api/health: unauthenticated liveness, no data. */
export async function handleHealth({ req, res }: RequestContext): Promise<void> {
  await sendJson(req, res, 200, { status: 'ok' });
}

/** GET /api/visitors/:id (server ext): one record, or its tombstone. */
export async function handleGetVisitor({ app, req, res, params }: RequestContext): Promise<void> {
  const id = params.id!;
  const record = await app.store.read((tx) => tx.get(id)).catch(storeUnavailable);
  if (!record) throw new HttpError(404, 'not_found', `no record ${id} on this server`);
  await sendJson(req, res, 200, toWireChange(record));
}
