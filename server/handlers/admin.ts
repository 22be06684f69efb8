import { z } from 'zod';
import { SimulateRequestSchema } from '../../shared/protocol';
import {
  VisitorCreateDataSchema,
  VisitorPatchSchema,
  isoTimestamp,
  wellFormed,
  type Tombstone,
  type Visitor,
} from '../../shared/visitor';
import type { RequestContext } from '../app';
import { readJsonBody } from '../body';
import { FaultsRequestSchema } from '../faults';
import { badRequest } from '../http/errors';
import { sendJson } from '../http/respond';
import { simulate } from '../simulator';
import { toWireChange } from '../sync/records';
import { serverCreate, serverDelete, serverEdit } from '../sync/server-writes';
import { describeDataIssues } from '../sync/validate';
import { storeUnavailable } from './bulk-sync';

/** Admin-only endpoints (server/README.md, "Admin API"). */

async function readSchema<T extends z.ZodType>(
  ctx: RequestContext,
  schema: T,
): Promise<z.output<T>> {
  const body = await readJsonBody(ctx.req, { maxBytes: ctx.app.config.maxBodyBytes });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(describeDataIssues(parsed.error, 'body'));
  return parsed.data;
}

/** POST /api/admin/simulate */
export async function handleSimulate(ctx: RequestContext): Promise<void> {
  const request = await readSchema(ctx, SimulateRequestSchema);
  const result = await simulate(ctx.app.store, ctx.app.clock, request).catch(storeUnavailable);
  await sendJson(ctx.req, ctx.res, 200, result);
}

/** GET /api/admin/faults */
export async function handleGetFaults(ctx: RequestContext): Promise<void> {
  await sendJson(ctx.req, ctx.res, 200, { success: true, faults: ctx.app.faults.snapshot() });
}

/** POST /api/admin/faults */
export async function handleSetFaults(ctx: RequestContext): Promise<void> {
  const request = await readSchema(ctx, FaultsRequestSchema);
  await sendJson(ctx.req, ctx.res, 200, { success: true, faults: ctx.app.faults.set(request) });
}

/** DELETE /api/admin/faults */
export async function handleClearFaults(ctx: RequestContext): Promise<void> {
  await sendJson(ctx.req, ctx.res, 200, { success: true, faults: ctx.app.faults.clear() });
}

/** GET /api/admin/stats */
export async function handleStats(ctx: RequestContext): Promise<void> {
  const stats = await ctx.app.store.read((tx) => tx.stats()).catch(storeUnavailable);
  await sendJson(ctx.req, ctx.res, 200, { success: true, stats });
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

/**
 * POST /api/admin/visitors: records with chosen ids and values, written as
 * another device would (seed scenarios like `uuid-existing-456`). All or
 * nothing: any bad entry is a 400 and nothing is written.
 */
export async function handleFixtures(ctx: RequestContext): Promise<void> {
  const { app } = ctx;
  const request = await readSchema(ctx, FixtureRequestSchema);
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
  await sendJson(ctx.req, ctx.res, 200, { success: true, visitors });
}
