import { z } from 'zod';
import type { SimulateRequest } from '../../shared/protocol';
import {
  VisitorCreateDataSchema,
  VisitorPatchSchema,
  isoTimestamp,
  wellFormed,
  type Tombstone,
  type Visitor,
} from '../../shared/visitor';
import type { RequestContext } from '../app';
import type { FaultsRequestSchema } from '../faults';
import { badRequest } from '../http/errors';
import { sendJson } from '../http/respond';
import { simulate } from '../simulator';
import { toWireChange } from '../sync/records';
import { serverCreate, serverDelete, serverEdit } from '../sync/server-writes';
import { describeDataIssues } from '../sync/validate';
import { storeUnavailable } from './bulk-sync';

/** Admin-only endpoints (server/README.md, "Admin API"). Bodies arrive parsed by the route's schema. */

/** POST /api/admin/simulate */
export async function handleSimulate(
  { app, reply }: RequestContext,
  request: SimulateRequest,
): Promise<void> {
  const result = await simulate(app.store, app.clock, request).catch(storeUnavailable);
  sendJson(reply, 200, result);
}

/** GET /api/admin/faults */
export async function handleGetFaults({ app, reply }: RequestContext): Promise<void> {
  sendJson(reply, 200, { success: true, faults: app.faults.snapshot() });
}

/** POST /api/admin/faults */
export async function handleSetFaults(
  { app, reply }: RequestContext,
  request: z.output<typeof FaultsRequestSchema>,
): Promise<void> {
  sendJson(reply, 200, { success: true, faults: app.faults.set(request) });
}

/** DELETE /api/admin/faults */
export async function handleClearFaults({ app, reply }: RequestContext): Promise<void> {
  sendJson(reply, 200, { success: true, faults: app.faults.clear() });
}

/** GET /api/admin/stats */
export async function handleStats({ app, reply }: RequestContext): Promise<void> {
  const stats = await app.store.read((tx) => tx.stats()).catch(storeUnavailable);
  sendJson(reply, 200, { success: true, stats });
}

export const FixtureRequestSchema = z.strictObject({
  visitors: z
    .array(
      z.strictObject({
        id: wellFormed(128, 1),
        /** New id: a full record (create). Existing id: only the changed fields (edit). */
        data: z.unknown().optional(),
        delete: z.literal(true).optional(),
        /** The change's lastModified, e.g. to place it before a client's lastSyncTimestamp. */
        at: isoTimestamp.optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type FixtureRequest = z.output<typeof FixtureRequestSchema>;

/**
 * How far after the server's time a fixture may be placed. The clock never
 * goes back behind a stored change, so a fixture in year 9999 would leave the
 * server stamping times it cannot print (and refusing its own syncTimestamp).
 */
export const FIXTURE_FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000;

/**
 * POST /api/admin/visitors: records with chosen ids and values, written as
 * another device would (seed scenarios like `uuid-existing-456`). All or
 * nothing: any bad entry is a 400 and nothing is written.
 */
export async function handleFixtures(
  { app, reply }: RequestContext,
  request: FixtureRequest,
): Promise<void> {
  const latest = app.clock.wallMs() + FIXTURE_FUTURE_LIMIT_MS;
  request.visitors.forEach((entry, i) => {
    if (entry.at !== undefined && Date.parse(entry.at) > latest) {
      throw badRequest(
        `visitors[${i}].at: must be at most 24 hours after the server's time (${new Date(latest).toISOString()})`,
      );
    }
  });
  const visitors = await app.store
    .write(async (tx) => {
      let stampMs: number | null = null;
      const out: Array<Visitor | Tombstone> = [];
      for (const [i, entry] of request.visitors.entries()) {
        const where = `visitors[${i}]`;
        let at: number;
        if (entry.at !== undefined) {
          at = Date.parse(entry.at);
          app.clock.advancePast(at); // never hand out a syncTimestamp before this change
        } else {
          at = stampMs ??= app.clock.stamp();
        }
        const current = await tx.get(entry.id);
        if (entry.delete) {
          if (entry.data !== undefined) throw badRequest(`${where}: give data or delete, not both`);
          if (!current) throw badRequest(`${where}.id: no record ${entry.id} to delete`);
          out.push(toWireChange(current.deleted ? current : await serverDelete(tx, current, at)));
          continue;
        }
        if (entry.data === undefined) throw badRequest(`${where}: give data or delete: true`);
        if (!current) {
          const data = VisitorCreateDataSchema.safeParse(entry.data);
          if (!data.success) throw badRequest(describeDataIssues(data.error, `${where}.data`));
          out.push(toWireChange(await serverCreate(tx, entry.id, data.data, at)));
          continue;
        }
        if (current.deleted) throw badRequest(`${where}.id: record ${entry.id} is deleted`);
        const patch = VisitorPatchSchema.safeParse(entry.data);
        if (!patch.success) throw badRequest(describeDataIssues(patch.error, `${where}.data`));
        const edited = await serverEdit(tx, current, patch.data, at);
        out.push(toWireChange(edited ? edited.record : current));
      }
      return out;
    })
    .catch(storeUnavailable);
  sendJson(reply, 200, { success: true, visitors });
}
