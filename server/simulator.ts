import { randomInt } from 'node:crypto';
import type { SimulateRequest, SimulateResponse } from '../shared/protocol';
import type { ServerClock } from './clock';
import { uuidv7 } from './ids';
import { DEFAULT_EDIT_FIELDS, createRng, generateEdit, generateVisitor } from './seed';
import type { VisitorStore } from './storage/types';
import { serverCreate, serverDelete, serverEdit } from './sync/server-writes';

/**
 * Field activity "from other devices": edits (recorded in field history, so a
 * client holding an older baseVersion gets precise three-way conflicts),
 * deletes (update_deleted / delete_modified for clients that still edit them)
 * and creates (new records in the change feed). One transaction per round.
 */
export async function simulate(
  store: VisitorStore,
  clock: ServerClock,
  request: SimulateRequest,
): Promise<SimulateResponse> {
  const rng = createRng(request.seedValue ?? randomInt(2 ** 32 - 1));
  const fields = request.fields ?? DEFAULT_EDIT_FIELDS;
  return store.write(async (tx) => {
    const at = clock.stamp();
    const ids = await tx.liveIds();
    const edits = Math.min(request.edits ?? 0, ids.length);
    const deletes = Math.min(request.deletes ?? 0, ids.length - edits);
    // Partial Fisher-Yates: distinct records, edits first, then deletes.
    const take = edits + deletes;
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(rng() * (ids.length - i));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const response: SimulateResponse = {
      success: true,
      edited: [],
      deleted: [],
      created: [],
      counts: { edits: 0, deletes: 0, creates: 0 },
    };
    for (let i = 0; i < edits; i++) {
      const current = await tx.get(ids[i]!);
      if (!current || current.deleted) continue;
      const edit = await serverEdit(tx, current, generateEdit(rng, current.values, fields), at);
      if (edit)
        response.edited.push({ id: current.id, version: edit.record.version, fields: edit.fields });
    }
    for (let i = edits; i < take; i++) {
      const current = await tx.get(ids[i]!);
      if (!current || current.deleted) continue;
      const record = await serverDelete(tx, current, at);
      response.deleted.push({ id: record.id, version: record.version });
    }
    for (let i = 0; i < (request.creates ?? 0); i++) {
      const record = await serverCreate(tx, uuidv7(at), generateVisitor(rng), at);
      response.created.push({ id: record.id, version: record.version });
    }
    response.counts = {
      edits: response.edited.length,
      deletes: response.deleted.length,
      creates: response.created.length,
    };
    return response;
  });
}
